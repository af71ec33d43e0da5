"""The permission matrix, walked server-side: every role × every admin view, portal view,
import/export and feed API endpoint, including object-level cells (provider A's editor on
provider B's offer, employer A's member on employer B's posting).

A cell is "ok" (200), "login" (anonymous sent to a login page), "no" (refused: 403, 404, or
Wagtail's redirect away from a view the user may not see, a signed-in user sent back to a login
page) or a specific status (API)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.services.moderation import MODERATORS_GROUP_NAME, moderation_setup
from courses.services.providers import provider_editors_group
from jobs.services.roles import ADVISORS, jobs_roles_setup
from tests.courses.factories import make_offer, make_provider
from tests.jobs.factories import EmployerFactory, FeedSourceFactory, JobPostingFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "learner", "employer_a", "employer_b", "editor_a", "editor_b",
    "moderator", "advisor", "superuser",
]  # fmt: skip


def user(username, *groups, **flags):
    account = get_user_model().objects.create_user(username, f"{username}@example.invalid", "pw")
    for name, value in flags.items():
        setattr(account, name, value)
    account.save()
    account.groups.add(*groups)
    return account


@pytest.fixture
def world(provider_index):
    moderation_setup()
    jobs_roles_setup()
    provider_a, provider_b = make_provider(name="Centre A"), make_provider(name="Centre B")
    offer_a, offer_b = make_offer(provider_a), make_offer(provider_b)
    employer_a, employer_b = EmployerFactory(name="Studio A"), EmployerFactory(name="Studio B")
    users = {
        "anonymous": None,
        "learner": user("learner"),
        "employer_a": user("emp_a"),
        "employer_b": user("emp_b"),
        "editor_a": user("ed_a", provider_editors_group(provider_a)),
        "editor_b": user("ed_b", provider_editors_group(provider_b)),
        "moderator": user("mod", Group.objects.get(name=MODERATORS_GROUP_NAME)),
        "advisor": user("adv", Group.objects.get(name=ADVISORS)),
        "superuser": user("root", is_superuser=True, is_staff=True),
    }
    employer_a.members.add(users["employer_a"])
    employer_b.members.add(users["employer_b"])
    posting_a = JobPostingFactory(employer=employer_a, title="Graphiste chez A", status="draft")
    feed = FeedSourceFactory(name="forem")
    return {
        "users": users,
        "offer_a": offer_a,
        "offer_b": offer_b,
        "employer_a": employer_a,
        "posting_a": posting_a,
        "feed": feed,
    }


def urls(world) -> dict[str, str]:
    return {
        "admin dashboard": "/admin/",
        "admin postings": "/admin/job_postings/",
        "admin posting A edit": f"/admin/job_postings/edit/{world['posting_a'].pk}/",
        "admin employers": "/admin/employers/",
        "admin employer A edit": f"/admin/employers/edit/{world['employer_a'].pk}/",
        "admin feeds": "/admin/feed_sources/",
        "admin feed edit": f"/admin/feed_sources/edit/{world['feed'].pk}/",
        "admin ingest runs": "/admin/ingest_runs/",
        "admin training requests": "/admin/training_requests/",
        "offer A edit": reverse("wagtailadmin_pages:edit", args=[world["offer_a"].pk]),
        "offer B edit": reverse("wagtailadmin_pages:edit", args=[world["offer_b"].pk]),
        "offer A skills": reverse("courses_admin:offer_skills", args=[world["offer_a"].pk]),
        "offer import": reverse("courses_admin:offer_import"),
        "catalogue import": reverse("courses_admin:catalogue_import"),
        "offer export": reverse("courses_admin:offer_export"),
        "django admin": "/django-admin/",
        "portal dashboard": reverse("jobs:dashboard"),
        "portal posting A": reverse("jobs:posting_review", args=[world["posting_a"].pk]),
        "portal new need": reverse("jobs:need_create"),
    }


O, N, L = "ok", "no", "login"  # noqa: E741  (one letter per cell keeps the grid readable)
# Columns follow ROLES: anonymous, learner, employer_a, employer_b, editor_a, editor_b,
# moderator, advisor, superuser.
MATRIX = {
    "admin dashboard":         [L, N, N, N, O, O, O, O, O],
    "admin postings":          [L, N, N, N, N, N, O, O, O],
    "admin posting A edit":    [L, N, N, N, N, N, O, N, O],
    "admin employers":         [L, N, N, N, N, N, O, N, O],
    "admin employer A edit":   [L, N, N, N, N, N, O, N, O],
    "admin feeds":             [L, N, N, N, N, N, O, N, O],
    "admin feed edit":         [L, N, N, N, N, N, N, N, O],
    "admin ingest runs":       [L, N, N, N, N, N, O, N, O],
    # Providers answer employers' training requests (courses.services.providers).
    "admin training requests": [L, N, N, N, O, O, O, O, O],
    "offer A edit":            [L, N, N, N, O, N, O, N, O],
    "offer B edit":            [L, N, N, N, N, O, O, N, O],
    "offer A skills":          [L, N, N, N, O, N, O, N, O],
    "offer import":            [L, N, N, N, O, O, O, N, O],
    "catalogue import":        [L, N, N, N, N, N, O, N, O],
    "offer export":            [L, N, N, N, O, O, O, O, O],
    "django admin":            [L, N, N, N, N, N, N, N, O],
    "portal dashboard":        [L, O, O, O, O, O, O, O, O],
    "portal posting A":        [L, N, O, N, N, N, N, N, N],
    "portal new need":         [L, N, O, O, N, N, N, N, N],
}  # fmt: skip


def verdict(response, *, signed_in: bool) -> str:
    if response.status_code == 200:
        return O
    location = response.get("Location", "")
    if response.status_code == 302 and ("login" in location or "connexion" in location):
        # A signed-in user sent back to a login page is refused.
        return N if signed_in else L
    if response.status_code in {302, 403, 404}:
        return N
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_every_cell_of_the_matrix(client, world, role):
    account = world["users"][role]
    if account is not None:
        client.force_login(account)
    found, expected = {}, {}
    for action, url in urls(world).items():
        found[action] = verdict(client.get(url), signed_in=account is not None)
        expected[action] = MATRIX[action][ROLES.index(role)]
    wrong = {
        action: (found[action], expected[action])
        for action in found
        if found[action] != expected[action]
    }
    assert not wrong, f"{role}: (found, expected) {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_the_feed_api_answers_only_to_a_token(client, world, role):
    """Sessions open nothing on the feed API: every role without a token gets 401."""
    account = world["users"][role]
    if account is not None:
        client.force_login(account)
    response = client.post(
        "/api/jobs/ingest/", data=b'{"id": "1"}', content_type="application/x-ndjson"
    )
    assert response.status_code == 401


def test_one_source_token_cannot_read_another_sources_run(client, world):
    from jobs.models import IngestRun

    other = FeedSourceFactory(name="jobboard")
    run = IngestRun.objects.create(source=other)
    token = world["feed"].rotate_token()
    response = client.get(
        reverse("jobs:api_ingest_status", args=[run.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code in {403, 404}
    own = IngestRun.objects.create(source=world["feed"])
    response = client.get(
        reverse("jobs:api_ingest_status", args=[own.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
