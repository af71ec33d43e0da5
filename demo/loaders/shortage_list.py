"""The demo shortage list: the creative-tech professions the Walloon white paper names.

The list (`demo/data/shortage_list.toml` and its CSV) goes through the same import service as
any published list (`skills/services/shortage.py`), so loading it twice changes nothing. It
needs the taxonomy imported first.
"""

from demo import datafiles
from skills.services.shortage import shortage_list_import


def load(*, stdout) -> None:
    """Import the white-paper list, leaving out occupations this database does not hold.

    A test database holds only a slice of ESCO: missing occupations are reported as warnings
    and entries left with none are skipped, instead of failing the whole demo load.
    """
    white_paper = datafiles.shortage_list()
    report = shortage_list_import(
        rows_source=white_paper.path,
        title=white_paper.title,
        source=white_paper.source,
        year=white_paper.year,
        region=white_paper.region,
        notes=white_paper.notes,
        is_demo=True,
        missing_occupations="skip",
    )
    for line in report.warning_lines():
        stdout.write(f"skills: {line}")
    stdout.write(f"skills: {report.summary()}")
