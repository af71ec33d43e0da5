"""The open-data dump: complete, atomic, pruned, downloadable, with its licence."""

import csv
import io
import json

import pytest

from cms.opendata import open_data_latest, open_data_write
from courses.services.links import offer_skill_set
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def open_data_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    settings.OPEN_DATA_KEEP = 2
    return settings.OPEN_DATA_ROOT


def rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_dump_holds_live_offers_sessions_and_links_and_is_downloadable(client, provider_index):
    provider = make_provider(name="Centre Ouvert")
    offer = make_offer(provider, title="Soudure semi-automatique")
    make_offer(provider, title="Brouillon", publish=False)
    skill = Skill.objects.first()
    offer_skill_set(offer=offer, skill=skill)
    assert client.get("/donnees-ouvertes/").status_code == 200  # before any dump: says so

    dump = open_data_write()
    assert set(dump.files) >= {"offers.csv", "offers.json", "sessions.csv", "skill_links.csv"}
    offers = json.loads((dump.folder / "offers.json").read_bytes())["offers"]
    assert [o["title"] for o in offers] == ["Soudure semi-automatique"]
    sessions = rows((dump.folder / "sessions.csv").read_bytes())
    assert {r["offer_id"] for r in sessions} == {str(offer.pk)} and sessions
    links = rows((dump.folder / "skill_links.csv").read_bytes())
    assert [(r["offer_id"], r["skill_uri"]) for r in links] == [(str(offer.pk), skill.uri)]

    page = client.get("/donnees-ouvertes/").content.decode()
    assert "skill_links.csv" in page and "ESCO" in page and "CC BY 4.0" in page
    download = client.get("/donnees-ouvertes/skill_links.csv")
    assert download.status_code == 200
    assert rows(b"".join(download.streaming_content))[0]["skill_uri"] == skill.uri
    assert client.get("/donnees-ouvertes/..%2Fsecret").status_code == 404
    assert client.get("/donnees-ouvertes/latest.json").status_code == 404


def test_only_the_newest_dumps_are_kept_and_latest_points_to_a_complete_one(
    provider_index, open_data_root
):
    make_offer(make_provider(), title="Une offre")
    folders = [open_data_write().folder for _ in range(3)]
    kept = sorted(p.name for p in open_data_root.iterdir() if p.is_dir())
    assert len(kept) == 2 and folders[-1].name in kept
    assert open_data_latest().folder == folders[-1]
    assert not [p for p in open_data_root.iterdir() if p.name.startswith(".")]


def test_the_dump_holds_the_public_summarys_analytics_and_nothing_more(client, provider_index):
    """Aggregated figures as the public summary shows them: the listed profession with enough
    postings, its months, the provinces (too few postings: no figures); no employer."""
    from tests.cms.advisor_data import gap_world

    world = gap_world(provider_index)
    dump = open_data_write()
    run = json.loads((dump.folder / "analytics_run.json").read_bytes())
    assert run["id"] == world.run.pk and run["reference_month"]
    professions = rows((dump.folder / "analytics_professions.csv").read_bytes())
    assert [r["occupation_uri"] for r in professions] == [world.occupation.uri]  # rare: too few
    assert professions[0]["postings"] == "8" and professions[0]["label_en"]
    assert professions[0]["label_fr"].startswith("'=")  # a formula stays text in a spreadsheet
    months = rows((dump.folder / "analytics_profession_months.csv").read_bytes())
    assert sum(int(r["postings"]) for r in months) == 8 and len(months) == 24
    provinces = {
        r["province"]: r for r in rows((dump.folder / "analytics_provinces.csv").read_bytes())
    }
    assert provinces["namur"]["suppressed"] == "true" and provinces["namur"]["postings"] == ""
    assert provinces["liege"]["postings"] == "8"
    every_file = b"".join((dump.folder / name).read_bytes() for name in dump.files)
    assert world.employer.name.encode() not in every_file

    dictionary = json.loads((dump.folder / "dictionary.json").read_bytes())
    for name in dump.files:
        assert name in dictionary, name  # every file is described
    for name, entry in dictionary.items():
        if name.endswith(".csv") and "columns" in entry:
            header = (dump.folder / name).read_bytes().decode("utf-8-sig").splitlines()[0]
            assert header.split(",") == list(entry["columns"]), name
    page = client.get("/donnees-ouvertes/").content.decode()
    assert "analytics_professions.csv" in page and "ROME" in page and "ESCO" in page
    assert "log_ratio" in page  # the dictionary's columns are on the page


def test_before_any_computation_the_analytics_files_hold_their_headers(provider_index):
    dump = open_data_write()
    assert json.loads((dump.folder / "analytics_run.json").read_bytes()) is None
    assert rows((dump.folder / "analytics_professions.csv").read_bytes()) == []
