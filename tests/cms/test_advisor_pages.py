"""The advisor pages on a small world computed by the real analytics: the figures they show in
French and English, their filters in the URL, and downloads that hold the rows shown."""

import csv
import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from lxml import html
from openpyxl import load_workbook

from analytics.models import ComputationRun
from analytics.services.compute import analytics_compute
from core.places import Province
from skills.models import IscoGroup
from tests.cms.advisor_data import BUSY_POSTINGS, RARE_POSTINGS, gap_world, role_users
from tests.courses.factories import make_provider
from tests.skills.factories import IscoGroupFactory


@pytest.fixture(autouse=True)
def english_pages(client):
    """These checks read the English labels: the pages are asked for in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def world(provider_index):
    return gap_world(provider_index)


@pytest.fixture
def advisor_client(client, world):
    client.force_login(role_users(world.provider)["advisor"])
    return client


def page(client, url):
    """The page in English (these checks read its English labels)."""
    if url.startswith("/") and not url.startswith("/en/"):
        url = "/en" + url
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content.decode())


def text(element) -> str:
    return " ".join(element.text_content().split())


def table_rows(document, slug) -> list[list[str]]:
    rows = document.xpath(f'//table[@data-table="{slug}"]/tbody/tr')
    return [[text(cell) for cell in row.xpath("./th|./td")] for row in rows]


def table_headers(document, slug) -> list[str]:
    return [text(th) for th in document.xpath(f'//table[@data-table="{slug}"]/thead/tr/th')]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def number(cell: str) -> float | None:
    """A figure as the page prints it ("1 051", "50 %", "0,4 %", "+1,25"), or None for "—"."""
    if cell.strip() in ("—", "") or not re.search(r"\d", cell):
        return None
    cleaned = re.sub(r"[^\d,.\-+]", "", cell).replace(",", ".")
    return float(cleaned)


def assert_download_matches_table(shown_rows, headers, downloaded):
    """Same header, same rows in the same order; each figure equal to the one printed."""
    assert [h.lower() for h in downloaded[0]] == [h.lower() for h in headers]
    body = downloaded[1:]
    assert len(body) == len(shown_rows)
    for shown, got in zip(shown_rows, body, strict=True):
        assert len(shown) == len(got)
        for on_page, in_file in zip(shown, got, strict=True):
            in_file = in_file[1:] if in_file[:2] in ("'=", "'+", "'-", "'@") else in_file
            if on_page == "—":
                assert in_file == "", (shown, got)
            elif ";" in in_file and re.fullmatch(r"[\d;.]+", in_file):  # a sparkline's series
                values = in_file.split(";")
                assert re.findall(r"\d+", on_page)[-len(values) :] == values, (on_page, in_file)
            elif number(on_page) is not None and re.fullmatch(r"[-+]?\d+(\.\d+)?", in_file):
                figure = float(in_file)
                printed = number(on_page)
                if "%" in on_page:
                    figure *= 100
                assert (
                    abs(figure - printed) < 0.51
                    if "%" in on_page
                    else figure == pytest.approx(printed, abs=0.051)
                ), (on_page, in_file)
            else:
                assert on_page == in_file, (shown, got)


class TestOverview:
    def test_tiles_count_unique_postings_offers_and_sessions(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:overview"))
        tiles = {
            text(tile.xpath('.//span[@class="tile__label"]')[0]): text(
                tile.xpath('.//span[@class="tile__value"]')[0]
            )
            for tile in document.xpath('//li[@class="tile"]')
        }
        assert number(tiles["unique job postings"]) == BUSY_POSTINGS + RARE_POSTINGS
        assert number(tiles["re-posts counted once"]) == 1
        assert number(tiles["seats in those sessions"]) == 20  # the past and the planned session
        # One chart, drawn from the JSON on the page, and its table alternative.
        assert document.xpath("//canvas[@data-chart]")
        data = json.loads(document.xpath('//script[@id="chart-data-skill-gaps"]')[0].text)
        assert [d["key"] for d in data["datasets"]] == ["demand_share", "supply_share"]
        assert data["labels"] == [row[0] for row in table_rows(document, "skill-gaps")]

    def test_in_english_under_en(self, advisor_client, world):
        with translation.override("en"):
            url = reverse("advisor:overview")
            assert url.startswith("/en/")
            document = page(advisor_client, url)
        assert document.xpath("//html/@lang") == ["en"]
        assert "Gaps between training and employers' demand" in text(document.xpath("//h1")[0])
        assert "How this is computed" in text(document)


class TestShortageProfessions:
    def test_rows_show_postings_coverage_and_suppress_small_counts(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:shortages"))
        rows = {row[0]: row for row in table_rows(document, "shortage-professions")}
        headers = table_headers(document, "shortage-professions")
        busy = dict(zip(headers, rows[world.occupation.label()], strict=True))
        postings_header = next(h for h in headers if h in ("Postings", "Offres d’emploi"))
        assert number(busy[postings_header]) == BUSY_POSTINGS
        assert number(busy["Essential skills covered"]) == 50
        assert number(busy["Essential skills uncovered"]) == 1
        rare = dict(zip(headers, rows[world.rare.label()], strict=True))
        assert rare["Tension"] == "too few postings"
        assert number(rare[postings_header]) is None
        assert "fewer than 5 postings" in text(document)
        # The sparkline carries the monthly figures in its accessible name.
        assert document.xpath('//svg[@class="sparkline"]/@aria-label')

    def test_csv_and_xlsx_hold_the_rows_shown(self, advisor_client, world):
        url = reverse("advisor:shortages")
        document = page(advisor_client, url)
        shown = table_rows(document, "shortage-professions")
        headers = table_headers(document, "shortage-professions")
        downloaded = csv_rows(
            advisor_client.get("/en" + url, {"export": "csv", "table": "shortage-professions"})
        )
        assert_download_matches_table(shown, headers, downloaded)
        # The label that starts with "=" is text in the file, never a formula.
        assert any(row[0] == "'=motion designer" for row in downloaded)

        response = advisor_client.get(
            "/en" + url, {"export": "xlsx", "table": "shortage-professions"}
        )
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert len(values) == len(downloaded)
        labels = [row[0] for row in values[1:]]
        assert labels == [row[0].removeprefix("'") for row in downloaded[1:]]
        formula_cell = next(
            row[0] for row in sheet.iter_rows() if row[0].value == "=motion designer"
        )
        assert formula_cell.data_type == "s"

    def test_filters_round_trip_through_links_and_downloads(self, advisor_client, world):
        url = reverse("advisor:shortages")
        query = {
            "province": Province.LIEGE.value,
            "period": "24m",
            "shortage_list": str(world.shortage_list.pk),
        }
        document = page(advisor_client, url + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
        form = document.xpath('//form[contains(@class, "advisor-filters")]')[0]
        for name, value in query.items():
            assert form.xpath(f'.//select[@name="{name}"]/option[@selected]/@value') == [value]
        link = document.xpath(f'//a[contains(@href, "{world.occupation.key}")]/@href')[0]
        assert link.endswith(f"?province=liege&period=24m&shortage_list={world.shortage_list.pk}")
        csv_link = document.xpath('//a[@data-export="csv"]/@href')[0]
        assert "province=liege" in csv_link and "period=24m" in csv_link
        downloaded = csv_rows(advisor_client.get(csv_link))
        assert_download_matches_table(
            table_rows(document, "shortage-professions"),
            table_headers(document, "shortage-professions"),
            downloaded,
        )
        assert "-liege-24m-" in advisor_client.get(csv_link)["Content-Disposition"]

    def test_a_province_without_the_postings_shows_no_figures(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:shortages") + "?province=namur")
        rows = {row[0]: row for row in table_rows(document, "shortage-professions")}
        assert world.occupation.label() in rows
        assert rows[world.occupation.label()][4] == "—"

    def test_a_filter_value_it_does_not_know_is_reported_and_ignored(self, advisor_client, world):
        response = advisor_client.get(reverse("advisor:shortages"), {"province": "atlantide"})
        assert response.status_code == 200
        document = html.fromstring(response.content.decode())
        assert document.xpath('//div[@role="alert"]')
        rows = {row[0]: row for row in table_rows(document, "shortage-professions")}
        assert number(rows[world.occupation.label()][4]) == BUSY_POSTINGS  # all provinces


class TestProfession:
    def test_everything_an_advisor_needs_to_act(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:profession", args=[world.occupation.key]))
        content = text(document)
        assert world.untaught.label() in text(
            document.xpath('//section[@aria-labelledby="uncovered-title"]')[0]
        )
        assert [row[0] for row in table_rows(document, "nearest-offers")] == [world.offer.title]
        assert table_rows(document, "training-requests")[0][0] == world.employer.name
        assert table_rows(document, "candidate-providers")[0][0] == world.provider.title
        # 8 postings: under the proxy's minimum of 10, so no tension, labelled as an estimate.
        assert "No tension detected (estimate from postings)" in content
        basis = dict(
            zip(
                [text(dt) for dt in document.xpath('//dl[@class="basis"]/dt')],
                [text(dd) for dd in document.xpath('//dl[@class="basis"]/dd')],
                strict=True,
            )
        )
        assert basis["Postings this period"] == str(BUSY_POSTINGS)
        assert basis["Enough postings"] == "no"
        trend = json.loads(document.xpath('//script[@id="chart-data-monthly-postings"]')[0].text)
        assert sum(trend["datasets"][0]["data"]) == BUSY_POSTINGS
        provinces = {row[0]: row for row in table_rows(document, "by-province")}
        assert number(provinces[str(Province.LIEGE.label)][1]) == BUSY_POSTINGS

    def test_in_english(self, advisor_client, world):
        with translation.override("en"):
            url = reverse("advisor:profession", args=[world.occupation.key])
            document = page(advisor_client, url)
        assert "Employers' training requests" in text(document)
        assert text(document.xpath("//h1")[0]) == world.occupation.preferred_label_en

    def test_training_requests_download(self, advisor_client, world):
        url = reverse("advisor:profession", args=[world.occupation.key])
        downloaded = csv_rows(
            advisor_client.get(url, {"export": "csv", "table": "training-requests"})
        )
        assert downloaded[1][0] == world.employer.name and downloaded[1][1] == "3"

    def test_unknown_occupation_is_404(self, advisor_client, world):
        response = advisor_client.get(reverse("advisor:profession", args=["no-such-key"]))
        assert response.status_code == 404


class TestSkillAndProvider:
    def test_skill_page_demand_and_supply_over_time(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:skill", args=[world.taught.key]))
        months = json.loads(document.xpath('//script[@id="chart-data-skill-months"]')[0].text)
        postings, sessions = (dataset["data"] for dataset in months["datasets"])
        assert sum(postings) == BUSY_POSTINGS
        assert sum(sessions) == 2  # the past session and the planned one
        assert [row[0] for row in table_rows(document, "top-occupations")] == [
            world.occupation.label()
        ]
        assert [row[0] for row in table_rows(document, "top-providers")] == [world.provider.title]

    def test_provider_alignment(self, advisor_client, world):
        document = page(advisor_client, reverse("advisor:provider", args=[world.provider.slug]))
        rows = table_rows(document, "alignment")
        assert rows[0][0] == world.occupation.label()
        headers = table_headers(document, "alignment")
        row = dict(zip(headers, rows[0], strict=True))
        assert number(row["Coverage"]) == 50
        assert world.untaught.label() in row["Skills to add"]
        assert table_rows(document, "nearly-covered")[0][0] == world.occupation.label()


class TestPublicFigures:
    def test_shortage_list_page_shows_each_entrys_figures(self, client, world):
        url = reverse("concepts:shortage_list_detail", args=[world.shortage_list.pk])
        document = html.fromstring(client.get(url).content.decode())
        rows = {
            text(row.xpath("./td")[1]): [text(cell) for cell in row.xpath("./td")]
            for row in document.xpath("//tbody/tr")
        }
        busy = rows[world.occupation.label()]
        assert number(busy[2]) == BUSY_POSTINGS
        assert number(busy[3]) == 2  # the session of the period and the planned one
        assert number(busy[4]) == 50
        assert rows[world.rare.label()][2:5] == ["—", "—", "—"]

    def test_occupation_page_shows_its_figures(self, client, world):
        document = html.fromstring(client.get(world.occupation.get_absolute_url()).content)
        card = document.xpath('//section[@aria-labelledby="figures-title"]')[0]
        assert str(BUSY_POSTINGS) in text(card) and "(1/2)" in text(card)
        assert not document.xpath(f'//a[@href="{reverse("advisor:overview")}"]')

    def test_public_summary_lists_unsuppressed_listed_professions(self, client, world):
        document = page(client, reverse("gaps:public_summary"))
        labels = [row[0] for row in table_rows(document, "professions")]
        assert labels == [world.occupation.label()]
        downloaded = csv_rows(
            client.get(reverse("gaps:public_summary"), {"export": "csv", "table": "professions"})
        )
        assert_download_matches_table(
            table_rows(document, "professions"), table_headers(document, "professions"), downloaded
        )


class TestFiltersAndEdges:
    def test_occupation_group_filter(self, advisor_client, world):
        major = IscoGroup.objects.filter(code="2").first() or IscoGroupFactory(code="2")
        unit = IscoGroupFactory(code="2166", broader=major)
        world.occupation.isco_group = unit
        world.occupation.save()
        analytics_compute()
        document = page(advisor_client, reverse("advisor:shortages") + "?isco=2")
        assert document.xpath('//select[@name="isco"]/option[@selected]/@value') == ["2"]
        labels = [row[0] for row in table_rows(document, "shortage-professions")]
        assert labels == [world.occupation.label()]

    def test_sector_filter_applies_to_the_table_and_its_downloads(self, advisor_client, world):
        """The motion designer (ISCO 2166) is creative; the rare profession (ISCO 7112, a
        bricklayer's group) is construction: each sector shows, and downloads, only its own."""
        major = IscoGroup.objects.filter(code="2").first() or IscoGroupFactory(code="2")
        world.occupation.isco_group = IscoGroupFactory(code="2166", broader=major)
        world.occupation.save()
        world.rare.isco_group = IscoGroupFactory(code="7112")
        world.rare.save()
        analytics_compute()
        url = reverse("advisor:shortages")
        for sector, expected in (("creative", world.occupation), ("construction", world.rare)):
            document = page(advisor_client, f"{url}?sector={sector}")
            selected = document.xpath('//select[@name="sector"]/option[@selected]/@value')
            assert selected == [sector]
            shown = table_rows(document, "shortage-professions")
            assert [row[0] for row in shown] == [expected.label()]
            headers = table_headers(document, "shortage-professions")
            query = {"sector": sector, "table": "shortage-professions"}
            downloaded = csv_rows(advisor_client.get("/en" + url, {**query, "export": "csv"}))
            assert_download_matches_table(shown, headers, downloaded)
            response = advisor_client.get("/en" + url, {**query, "export": "xlsx"})
            assert sector in response["Content-Disposition"]
            sheet = load_workbook(io.BytesIO(response.content)).active
            values = [[cell.value for cell in row] for row in sheet.iter_rows()]
            assert [row[0] for row in values[1:]] == [expected.label()]
        document = page(advisor_client, f"{url}?sector=digital")
        rows = table_rows(document, "shortage-professions")
        assert rows == [["No profession matches these filters."]]

    def test_an_unknown_table_or_format_shows_the_page(self, advisor_client, world):
        url = reverse("advisor:shortages")
        for query in ({"export": "pdf", "table": "shortage-professions"}, {"export": "csv"}):
            response = advisor_client.get(url, query)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/html")

    def test_before_any_computation_the_pages_say_so(self, client, provider_index):
        assert not ComputationRun.objects.exists()
        users = role_users(make_provider(name="Centre"))
        client.force_login(users["advisor"])
        for url in (
            reverse("advisor:overview"),
            reverse("advisor:shortages"),
            reverse("advisor:emerging"),
        ):
            document = page(client, url)
            assert "No analytics computation has succeeded yet" in text(document)
        assert "not been computed yet" in text(page(client, reverse("gaps:public_summary")))
