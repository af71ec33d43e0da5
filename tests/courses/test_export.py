"""Exports: each format parsed back; filters; only live offers and confirmed links."""

import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.places import Province
from courses.exporting import EXPORT_COLUMNS, offers_export
from courses.importing import read_offer_file
from courses.models import OfferFormat, OfferPage, OfferSkill
from courses.services.importing import offer_import
from courses.services.links import offer_skill_set
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db
LHEO = "{http://lheo.gouv.fr/2.3}"


@pytest.fixture
def cadastre(provider_index):
    mons = make_provider(name="Technocité", province=Province.HAINAUT)
    liege = make_provider(name="Technifutur", province=Province.LIEGE, commune="Liège")
    skill, pending = Skill.objects.order_by("uri")[:2]
    a = make_offer(mons, title="Motion design", external_id="MD", format=OfferFormat.SHORT)
    b = make_offer(liege, title="Cybersécurité", external_id="CY", format=OfferFormat.LONG)
    make_offer(liege, title="Brouillon", external_id="DR", publish=False)
    offer_skill_set(offer=a, skill=skill)
    OfferSkill.objects.create(offer=a, skill=pending, method="label")  # a suggestion
    a.keywords.add("animation")
    a.save_revision().publish()
    return {"mons": mons, "liege": liege, "a": a, "b": b, "skill": skill, "pending": pending}


def test_csv_parses_back_and_reimports_unchanged(cadastre):
    content = offers_export(fmt="csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0].keys()) == EXPORT_COLUMNS
    assert {row["title"] for row in rows} == {"Motion design", "Cybersécurité"}  # no draft
    motion = next(row for row in rows if row["external_id"] == "MD")
    assert motion["skills"] == cadastre["skill"].uri  # confirmed only
    assert motion["provider_province"] == "hainaut" and motion["session_start"]

    own = offers_export(fmt="csv", provider=cadastre["mons"])
    records = read_offer_file(content=own, filename="export.csv")
    report = offer_import(provider=cadastre["mons"], records=records, dry_run=True)
    assert [o.outcome for o in report.outcomes] == ["unchanged"], report.as_text()


def test_xlsx_parses_back(cadastre):
    workbook = load_workbook(io.BytesIO(offers_export(fmt="xlsx")), read_only=True)
    rows = list(workbook["offres"].iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_COLUMNS
    titles = {row[EXPORT_COLUMNS.index("title")] for row in rows[1:]}
    assert titles == {"Motion design", "Cybersécurité"}


def test_json_parses_back(cadastre):
    payload = json.loads(offers_export(fmt="json"))
    assert payload["count"] == 2
    motion = next(o for o in payload["offers"] if o["external_id"] == "MD")
    assert [s["uri"] for s in motion["skills"]] == [cadastre["skill"].uri]
    assert motion["keywords"] == ["animation"]
    assert motion["provider"]["slug"] == cadastre["mons"].slug
    assert len(motion["sessions"]) == 1 and motion["sessions"][0]["start"]


def test_lheo_parses_back_and_reimports_unchanged(cadastre):
    content = offers_export(fmt="xml")
    root = ET.fromstring(content)
    assert root.tag == f"{LHEO}lheo"
    formations = root.findall(f"{LHEO}offres/{LHEO}formation")
    assert {f.get("numero") for f in formations} == {"MD", "CY"}
    own = offers_export(fmt="xml", provider=cadastre["liege"])
    records = read_offer_file(content=own, filename="export.xml")
    report = offer_import(provider=cadastre["liege"], records=records, dry_run=True)
    assert [o.outcome for o in report.outcomes] == ["unchanged"], report.as_text()


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"province": "liege"}, {"CY"}),
        ({"format": "short"}, {"MD"}),
        ({"skill": "skill"}, {"MD"}),
        ({"skill": "pending"}, set()),
    ],
)
def test_filters(cadastre, filters, expected):
    filters = {k: cadastre[v] if k == "skill" else v for k, v in filters.items()}
    payload = json.loads(offers_export(fmt="json", **filters))
    assert {o["external_id"] for o in payload["offers"]} == expected


def test_command_writes_each_format(cadastre, tmp_path):
    for fmt in ("csv", "xlsx", "json", "xml"):
        path = tmp_path / f"out.{fmt}"
        call_command(
            "export_offers", fmt=fmt, output=path, province="hainaut", stderr=io.StringIO()
        )
        assert path.stat().st_size > 0
    payload = json.loads((tmp_path / "out.json").read_text())
    assert [o["external_id"] for o in payload["offers"]] == ["MD"]
    out = io.StringIO()
    call_command("export_offers", fmt="csv", skill=cadastre["skill"].uri, stdout=out)
    assert "Motion design" in out.getvalue() and "Cybersécurité" not in out.getvalue()


def test_admin_export_view(client, cadastre):
    user = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw")
    client.force_login(user)
    url = reverse("courses_admin:offer_export")
    assert client.get(url).status_code == 200
    response = client.get(url, {"fmt": "json", "province": "hainaut"})
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert [o["external_id"] for o in json.loads(response.content)["offers"]] == ["MD"]
    bad = client.get(url, {"fmt": "json", "skill": "http://example.invalid/x"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert OfferPage.objects.count() == 3


FORMULA_TITLE = "=cmd|' /C calc'!A0"
FORMULA_SUMMARY = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile_offer(provider_index):
    provider = make_provider(name="Formations douteuses")
    return make_offer(
        provider, title=FORMULA_TITLE, summary=FORMULA_SUMMARY, external_id="=HYPERLINK(1)"
    )


def test_csv_export_never_writes_a_live_formula(hostile_offer):
    """Defect #9.6: a cell starting with = + - @ is a formula to spreadsheet software."""
    rows = list(csv.DictReader(io.StringIO(offers_export(fmt="csv").decode("utf-8-sig"))))
    row = next(row for row in rows if row["title"].endswith("calc'!A0"))
    assert row["title"] == "'" + FORMULA_TITLE
    assert row["summary"] == "'" + FORMULA_SUMMARY
    assert row["external_id"] == "'=HYPERLINK(1)"
    assert not any(value[:1] in "=+-@" for row in rows for value in row.values() if value)


def test_csv_export_with_formulas_reimports_unchanged(hostile_offer):
    own = offers_export(fmt="csv", provider=hostile_offer.provider)
    records = read_offer_file(content=own, filename="export.csv")
    assert records[0].values["title"] == FORMULA_TITLE
    report = offer_import(provider=hostile_offer.provider, records=records, dry_run=True)
    assert [o.outcome for o in report.outcomes] == ["unchanged"], report.as_text()


def test_xlsx_export_stores_formulas_as_text(hostile_offer):
    workbook = load_workbook(io.BytesIO(offers_export(fmt="xlsx")))
    sheet = workbook["offres"]
    title_column = EXPORT_COLUMNS.index("title") + 1
    cells = [sheet.cell(row=r, column=title_column) for r in range(2, sheet.max_row + 1)]
    hostile = next(cell for cell in cells if str(cell.value).endswith("calc'!A0"))
    assert hostile.data_type == "s"  # a string, not a formula ("f")
    assert hostile.value == FORMULA_TITLE
