import csv
import gzip
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from demo import datafiles
from demo.loaders import shortage_list
from skills.models import ShortageList, ShortageListEntry
from skills.services.shortage import KINDS, OCCUPATION_URI, ROME_CODES_FILE


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions read the English source messages; the site defaults to French."""
    with translation.override("en"):
        yield


VENDORED_OCCUPATIONS = (
    Path(settings.BASE_DIR) / "skills" / "data" / "esco" / "occupations_en.csv.gz"
)
WHITE_PAPER_PROFESSIONS = [
    "Digital Brand Manager",
    "UI/UX designer",
    "UX researcher",
    "Creative Technologist",
    "Prompt Engineer",
    "Data scientist",
    "Développeur Full Stack",
    "Développeur Front-End",
    "VJ",
    "Game Designer",
    "Sound designer",
    "Animateur 2D/3D",
    "Storyboarder",
    "Youtubeur/Vlogueur/Influenceur",
    "Experts en cybersécurité",
]
# Entries none of whose occupations is in the test fixture slice of ESCO.
SKIPPED_ON_THE_FIXTURE = {"Creative Technologist", "Prompt Engineer", "VJ"}


def demo_rows() -> list[dict[str, str]]:
    with open(datafiles.shortage_list().path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_demo_file_lists_the_white_paper_professions():
    rows = demo_rows()
    assert [row["label"] for row in rows] == WHITE_PAPER_PROFESSIONS
    assert {KINDS[row["kind"].replace("_", " ")] for row in rows} == {"sector_need"}
    approximate = {row["label"] for row in rows if row["approximate"] == "oui"}
    assert {
        "Digital Brand Manager",
        "Creative Technologist",
        "Prompt Engineer",
        "VJ",
        "Youtubeur/Vlogueur/Influenceur",
    } <= approximate
    assert rows, "the check below needs something to check"
    assert all(row["note"].strip() for row in rows), "every mapping explains itself"


def test_every_demo_uri_exists_in_the_full_vendored_esco():
    """Read the vendored export directly: the test database holds only a slice of ESCO."""
    with gzip.open(VENDORED_OCCUPATIONS, "rt", encoding="utf-8", newline="") as handle:
        known = {row["conceptUri"] for row in csv.DictReader(handle)}
    uris = [uri for row in demo_rows() for uri in row["esco_occupation_uris"].split("|")]
    assert uris and all(OCCUPATION_URI.fullmatch(uri) for uri in uris)
    assert sorted(set(uris) - known) == []
    assert all(row["esco_occupation_uris"] for row in demo_rows())


def test_every_demo_rome_code_exists_in_the_vendored_referential():
    with gzip.open(ROME_CODES_FILE, "rt", encoding="utf-8", newline="") as handle:
        known = {row["code_rome"] for row in csv.DictReader(handle)}
    codes = {row["rome_code"] for row in demo_rows() if row["rome_code"]}
    assert codes and codes <= known


@pytest.mark.django_db
def test_demo_loader_skips_missing_occupations_and_is_idempotent():
    out = io.StringIO()
    shortage_list.load(stdout=out)

    white_paper = ShortageList.objects.get()
    assert white_paper.is_demo
    assert (white_paper.year, white_paper.region) == (2024, "Wallonie")
    assert white_paper.title == "Métiers recherchés du numérique créatif (livre blanc wallon)"
    assert "2024" in white_paper.notes
    labels = set(white_paper.entries.values_list("label", flat=True))
    assert labels == set(WHITE_PAPER_PROFESSIONS) - SKIPPED_ON_THE_FIXTURE
    output = out.getvalue()
    assert "warning:" in output and "not in the taxonomy" in output
    for label in SKIPPED_ON_THE_FIXTURE:
        assert f"({label}): entry skipped" in output
    # A partly present mapping keeps the occupations the database has.
    cyber = white_paper.entries.get(label="Experts en cybersécurité")
    assert list(cyber.occupations.values_list("preferred_label_en", flat=True)) == [
        "ICT security engineer"
    ]

    snapshot = list(
        ShortageListEntry.objects.order_by("pk").values_list("pk", "label", "kind", "position")
    )
    out = io.StringIO()
    shortage_list.load(stdout=out)
    assert "0 change(s)" in out.getvalue()
    assert ShortageList.objects.count() == 1
    assert (
        list(
            ShortageListEntry.objects.order_by("pk").values_list("pk", "label", "kind", "position")
        )
        == snapshot
    )
