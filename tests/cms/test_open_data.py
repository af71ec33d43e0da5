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
