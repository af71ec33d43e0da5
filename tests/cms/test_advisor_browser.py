"""The advisor pages in a real browser: the vendored charting library draws every chart from
the page's JSON, without a script error, and the table alternative opens."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

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
