"""The job-posting search: who may use it (per role, enforced by the server) and what it shows."""

import io
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cms.models import SavedSearch
from jobs.models import Employer, JobPosting
from jobs.services.roles import ADVISORS, COMPETENCE_CENTRES, MODERATORS
from tests.jobs.factories import EmployerFactory, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTINGS = "/emplois/recherche/"


@pytest.fixture(autouse=True)
def french_by_default():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def member(employer, username):
    user = UserFactory(username=username)
    employer.members.add(user)
    return user


def in_group(username, group):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def world(db):
    """Two approved employers with a published posting each, a draft of A's, a pending one."""
    a = EmployerFactory(name="Studio A")
    b = EmployerFactory(name="Studio B")
    pending = EmployerFactory(name="Studio en attente", status=Employer.Status.PENDING)
    published_a = JobPostingFactory(
        employer=a, title="Soudeur chez A", status=JobPosting.Status.PUBLISHED, province="liege"
    )
    published_b = JobPostingFactory(
        employer=b, title="Soudeuse chez B", status=JobPosting.Status.PUBLISHED, province="namur"
    )
    draft_a = JobPostingFactory(employer=a, title="Brouillon de A", status=JobPosting.Status.DRAFT)
    call_command("rebuild_search_index", only="postings", stdout=io.StringIO())
    users = {
        "employer": member(a, "alice"),
        "other_employer": member(b, "bob"),
        "pending_employer": member(pending, "penny"),
        "advisor": in_group("ada", ADVISORS),
        "centre": in_group("cecile", COMPETENCE_CENTRES),
        "moderator": in_group("mo", MODERATORS),
        "nobody": UserFactory(username="nobody"),
    }
    return {"users": users, "published": [published_a, published_b], "draft": draft_a}


# Who may search: anonymous visitors are sent to sign in; a user without a role is refused.
EXPECTED_STATUS = {
    None: 302,
    "nobody": 403,
    "pending_employer": 403,
    "employer": 200,
    "other_employer": 200,
    "advisor": 200,
    "centre": 200,
    "moderator": 200,
}


@pytest.mark.parametrize("role", list(EXPECTED_STATUS))
def test_who_may_search_postings(client, world, role):
    if role:
        client.force_login(world["users"][role])
    response = client.get(POSTINGS)
    assert response.status_code == EXPECTED_STATUS[role]
    if role is None:
        assert response["Location"].startswith("/employeurs/connexion/?next=")
    if response.status_code == 200:
        titles = {hit.title for hit in response.context["result"].hits}
        # Published postings of every employer; never a draft, not even one's own.
        assert titles == {"Soudeur chez A", "Soudeuse chez B"}
        assert "Brouillon de A" not in response.content.decode()


def test_superuser_may_search(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.be", "pw"))
    assert client.get(POSTINGS).status_code == 200


def test_filters_by_province_and_reports_facets(client, world):
    client.force_login(world["users"]["advisor"])
    response = client.get(POSTINGS, {"province": "namur"})
    assert response.status_code == 200
    assert [hit.title for hit in response.context["result"].hits] == ["Soudeuse chez B"]
    html = response.content.decode()
    assert 'name="province" value="namur" checked' in html


def test_bad_parameters_are_a_400(client, world):
    client.force_login(world["users"]["advisor"])
    response = client.get(POSTINGS, {"contract": "forever", "since": "hier"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<code>contract</code>" in html and "<code>since</code>" in html


def test_english_page(client, world):
    client.force_login(world["users"]["employer"])
    response = client.get(f"/en{POSTINGS}")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_page_offers_to_follow_the_current_search(client, world):
    client.force_login(world["users"]["advisor"])
    response = client.get(POSTINGS, {"province": "namur", "q": "soudeuse"})
    assert response.status_code == 200
    html = response.content.decode()
    form = html[html.index('class="card alert-form"') :]
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["kind"] == "postings"
    assert parse_qs(unescape(fields["query"])) == {"q": ["soudeuse"], "province": ["namur"]}
    form_page = client.get(reverse("alerts:create"), {**fields, "query": unescape(fields["query"])})
    assert 'name="email"' in form_page.content.decode()
    posted = client.post(
        reverse("alerts:create"),
        {**fields, "query": unescape(fields["query"]), "email": "ada@example.be"},
    )
    assert posted.status_code == 200
    saved = SavedSearch.objects.get(email="ada@example.be")
    assert saved.kind == "postings" and parse_qs(saved.query_string)["province"] == ["namur"]
