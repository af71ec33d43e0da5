"""axe-core (vendored from npm, `tests/browser/vendor/axe-core`) on the pages issue 14 lists,
in Debian's chromium against a live server: no serious or critical WCAG 2.1 A/AA violation.

Each page is checked as the person who uses it sees it: the public pages anonymously, the
employer's pages as an approved employer, the advisor area as an advisor, the editor's screens
as a superuser. Sign-in is not what is tested here, so the sessions are opened server-side.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from jobs.models import JobPosting
from jobs.services import portal
from tests.browser.support import CHROMIUM, axe_violations, chromium, describe, signed_in_context
from tests.cms.advisor_data import gap_world, role_users
from tests.cms.test_browser import restore_seed_data  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_seed_data"),
]

NEED = {
    "title": "Développeur web",
    "text": "Nous cherchons un développeur web pour créer des sites internet en JavaScript, "
    "HTML et CSS. Vous déboguez le code et rédigez la documentation technique.",
    "commune": "Liège",
    "province": "liege",
    "contract_type": "permanent",
}


@pytest.fixture(autouse=True)
def database_reads_between_pages(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM must still be usable."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def check_pages(context, base_url: str, paths: list[str]) -> dict[str, str]:
    """{path: the violations found} for every path with a serious or critical violation."""
    page = context.new_page()
    failures = {}
    for path in paths:
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, (path, response.status)
        # Widgets drawn after the load (the editor's rich text and tags, charts) are checked
        # too; the admin polls its editing sessions, so the network never goes quiet.
        page.wait_for_timeout(500)
        violations = axe_violations(page)
        if violations:
            failures[path] = describe(violations)
    return failures


def test_no_serious_or_critical_violation_on_the_listed_pages(live_server, provider_index):
    world = gap_world(provider_index)
    users = role_users(world.provider)
    posting = portal.posting_create(user=users["employer"], **NEED)
    board_posting = JobPosting.objects.get(title="Motion designer 1")
    call_command("rebuild_search_index", stdout=io.StringIO())
    with translation.override(settings.LANGUAGE_CODE):
        public = [
            "/",
            "/en/",
            reverse("search:offers") + "?q=animation",
            "/en" + reverse("search:offers") + "?q=animation",
            world.offer.url,
            "/en" + world.offer.url,
            world.provider.url,
            world.taught.get_absolute_url(),
            world.occupation.get_absolute_url(),
            reverse("concepts:shortage_list_detail", args=[world.shortage_list.pk]),
            reverse("gaps:public_summary"),
            board_posting.get_absolute_url(),
        ]
        employer = [
            reverse("jobs:dashboard"),
            reverse("jobs:need_create"),
            reverse("jobs:posting_review", args=[posting.pk]),
            reverse("jobs:posting_review", args=[posting.pk]) + "?occupation_q=animateur&q=java",
            reverse("jobs:training_request_create", args=[posting.pk]),
        ]
        advisor = [
            reverse("advisor:overview"),
            reverse("advisor:shortages"),
            reverse("advisor:profession", args=[world.occupation.key]),
            reverse("advisor:profession", args=[world.occupation.key]) + "?province=liege",
        ]
        editor = [
            reverse("wagtailadmin_pages:edit", args=[world.offer.pk]),
            reverse("wagtailadmin_pages:add", args=["courses", "offerpage", world.provider.pk]),
            reverse("courses_admin:offer_skills", args=[world.offer.pk]) + "?q=anim&oq=anim",
        ]

    failures = {}
    with chromium() as browser:
        failures |= check_pages(browser.new_context(), live_server.url, public)
        for user, paths in (
            (users["employer"], employer),
            (users["advisor"], advisor),
            (users["superuser"], editor),
        ):
            context = signed_in_context(browser, live_server, user)
            failures |= check_pages(context, live_server.url, paths)
    assert failures == {}, "\n".join(f"{path}\n{found}" for path, found in failures.items())
