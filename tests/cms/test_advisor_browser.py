"""The advisor pages in a real browser: the vendored charting library draws every chart from
the page's JSON, without a script error, and the table alternative opens; curators find a
skill by typing in the emerging-skills queue."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from analytics.models import EmergingTermDecision
from skills.models import SkillSynonym
from tests.cms.advisor_data import gap_world, role_users
from tests.cms.test_browser import CHROMIUM, restore_seed_data  # noqa: F401


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_charts_draw_from_the_server_json(live_server, provider_index):
    sync_api = pytest.importorskip("playwright.sync_api")
    world = gap_world(provider_index)
    client = Client()
    client.force_login(role_users(world.provider)["advisor"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with translation.override(settings.LANGUAGE_CODE):
        urls = [
            reverse("advisor:overview"),
            reverse("advisor:profession", args=[world.occupation.key]),
            reverse("advisor:skill", args=[world.taught.key]),
            reverse("gaps:public_summary"),
        ]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            for url in urls:
                page.goto(f"{live_server.url}{url}")
                canvases = page.locator("canvas[data-chart]")
                assert canvases.count() >= 1, url
                for index in range(canvases.count()):
                    assert canvases.nth(index).get_attribute("data-drawn") == "true", url
                assert errors == [], (url, errors)
            # The table alternative of the last page's chart opens and shows the figures.
            page.locator("details.advisor-chart__table summary").first.click()
            assert page.locator("details.advisor-chart__table table").first.is_visible()
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_a_curator_finds_the_skill_by_typing_and_accepts_the_synonym(live_server, provider_index):
    sync_api = pytest.importorskip("playwright.sync_api")
    world = gap_world(provider_index)
    client = Client()
    client.force_login(role_users(world.provider)["advisor"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("advisor:emerging")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}{url}")
            term = world.terms[0]
            field = page.locator(f"#term-{term.pk} input[name=skill]")
            field.fill("animer en")
            option = page.locator(f"#skill-options-{term.pk} option[value='{world.taught.uri}']")
            option.wait_for(state="attached", timeout=5000)
            assert option.get_attribute("label") == world.taught.preferred_label_fr
            field.fill(world.taught.uri)  # what choosing the suggestion puts in the field
            with page.expect_navigation():
                page.locator(f"#term-{term.pk} form:has(input[name=skill]) button").click()
            assert "synonyme" in page.content() or "synonym" in page.content()
        finally:
            browser.close()
    assert SkillSynonym.objects.filter(skill=world.taught, label=term.term).exists()
    assert EmergingTermDecision.objects.get(term=term.term).decision == "synonym"
