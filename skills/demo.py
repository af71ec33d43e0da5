"""Demo data of the skills app: the creative-tech professions the Walloon white paper names.

`manage.py load_demo` calls `load(stdout=...)` after the taxonomy is imported. The list goes
through the same import service as any published list (`skills/services/shortage.py`), so
loading it twice changes nothing.
"""

from pathlib import Path

from skills.services.shortage import shortage_list_import

WHITE_PAPER_CSV = (
    Path(__file__).resolve().parent / "data" / "shortage" / "white_paper_creative_tech.csv"
)
WHITE_PAPER_LIST = {
    "title": "Métiers recherchés du numérique créatif (livre blanc wallon)",
    "source": "Livre blanc des industries créatives numériques en Wallonie",
    "year": 2024,
    "region": "Wallonie",
    "notes": (
        "Professions que le livre blanc des industries créatives numériques en Wallonie cite "
        "comme recherchées, et parfois en pénurie, dans le secteur. Ce n’est pas la liste "
        "officielle des métiers en pénurie du Forem : chaque entrée est donc un « besoin "
        "sectoriel ». Année supposée : 2024 (année de référence retenue pour la démonstration, "
        "à confirmer sur la publication). Chaque profession est rapprochée de la ou des "
        "professions ESCO les plus proches et, quand il existe, d’un code ROME v4.60 ; les "
        "correspondances marquées approximatives (Digital Brand Manager, Creative "
        "Technologist, Prompt Engineer, Développeur Full Stack, VJ, Youtubeur/Vlogueur/"
        "Influenceur) n’ont pas d’équivalent exact dans ESCO 1.1 et la note de chaque entrée "
        "explique le choix."
    ),
}


def load(*, stdout) -> None:
    """Import the white-paper list, leaving out occupations this database does not hold.

    A test database holds only a slice of ESCO: missing occupations are reported as warnings
    and entries left with none are skipped, instead of failing the whole demo load.
    """
    report = shortage_list_import(
        rows_source=WHITE_PAPER_CSV,
        is_demo=True,
        missing_occupations="skip",
        **WHITE_PAPER_LIST,
    )
    for line in report.warning_lines():
        stdout.write(f"skills: {line}")
    stdout.write(f"skills: {report.summary()}")
