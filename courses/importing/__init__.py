"""Bulk import of offers from CSV (our documented template) and LHEO-style XML.

Readers turn a file into `OfferRecord`s (plain data, with the source rows they came from) or
raise `ImportFileError` for a file that cannot be read at all; `courses.services.importing`
validates and writes them. See `courses/data/README.md` for the formats.
"""

from courses.importing.records import ImportFileError, OfferRecord, SessionRecord

__all__ = ["ImportFileError", "OfferRecord", "SessionRecord", "read_offer_file"]


def read_offer_file(*, content: bytes, filename: str) -> list[OfferRecord]:
    """Pick the reader from the file name (.csv or .xml) and parse `content`."""
    from django.utils.translation import gettext as _

    from courses.importing.csv_reader import read_csv
    from courses.importing.lheo_reader import read_lheo

    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return read_csv(content)
    if lowered.endswith(".xml"):
        return read_lheo(content)
    raise ImportFileError(_("Unsupported file type: use a .csv or .xml file."))
