"""The search page in a real browser: the skill picker adds a chip, a facet applies itself."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.services.links import offer_skill_set
from skills.models import Skill
from tests.cms.test_browser import restore_seed_data  # noqa: F401
from tests.courses.factories import make_offer, make_provider

CHROMIUM = Path("/usr/bin/chromium")
JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seed_data")
def test_pick_a_skill_then_a_province(live_server, provider_index):
    sync_api = pytest.importorskip("playwright.sync_api")
    javascript = Skill.objects.get(uri=JAVASCRIPT)
    liege = make_provider(name="Centre Meuse", province="liege", commune="Liège")
    namur = make_provider(name="Centre Sambre", province="namur", commune="Namur")
    for provider, title in ((liege, "JavaScript à Liège"), (namur, "JavaScript à Namur")):
        offer_skill_set(offer=make_offer(provider, title=title), skill=javascript)
    call_command("rebuild_search_index", stdout=io.StringIO())

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{live_server.url}/formations/recherche/")
            picker = page.locator("input#pick-skill[role=combobox]")
            picker.fill("javascr")
            page.get_by_role("listbox").first.wait_for(state="visible", timeout=5000)
            assert "JavaScript" in page.get_by_role("option").first.inner_text()
            picker.press("ArrowDown")
            with page.expect_navigation():
                picker.press("Enter")
            # The picked skill is in the URL (nothing else: the canonical URL) and a chip.
            assert page.url.endswith(
                "/formations/recherche/?skill=" + JAVASCRIPT.replace(":", "%3A").replace("/", "%2F")
            )
            chip = page.locator(".chip--skill .chip__label")
            assert chip.inner_text() == javascript.label("fr")
            assert page.locator(".hit").count() == 2
            assert "1" in page.locator(".coverage__summary").first.inner_text()
            # A facet applies as soon as it is ticked, and focus comes back to it.
            with page.expect_navigation():
                page.check("input[name=province][value=namur]")
            assert "province=namur" in page.url
            assert page.locator(".hit__title").all_inner_texts() == ["JavaScript à Namur"]
            assert page.evaluate("document.activeElement.value") == "namur"
            assert "1" in page.locator("#result-count").inner_text()
        finally:
            browser.close()
