"""Security headers on every response (#9 defect 10): a Content-Security-Policy whose script
nonce the site's own inline scripts carry, frame-ancestors, Referrer-Policy, nosniff."""

import re

import pytest
from django.urls import reverse

from skills.models import Skill
from tests.jobs.factories import EmployerFactory, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (piece.strip() for piece in header.split(";"))
        if part
    }


def nonce_of(response) -> str:
    match = re.search(r"'nonce-([^']+)'", policy(response)["script-src"])
    assert match, "the script policy carries no nonce"
    return match.group(1)


def inline_scripts(html: str) -> list[str]:
    """The opening tags of inline <script> elements (those without src)."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]


def assert_common_headers(response, *, admin=False):
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    if admin:
        # Wagtail's admin ships inline scripts without a nonce (core.security).
        assert directives["script-src"] == "'self' 'unsafe-inline'"
    else:
        assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_json_ld_of_a_skill_page_carries_the_nonce(client):
    skill = Skill.objects.filter(key__isnull=False).first()
    response = client.get(reverse("concepts:skill_detail", kwargs={"key": skill.key}))
    assert response.status_code == 200
    assert_common_headers(response)
    scripts = inline_scripts(response.text)
    assert any("application/ld+json" in tag for tag in scripts)
    nonce = nonce_of(response)
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_the_portal_inline_script_carries_the_nonce(client):
    employer = EmployerFactory(name="Studio A")
    user = UserFactory(username="alice")
    employer.members.add(user)
    posting = JobPostingFactory(employer=employer, title="Graphiste", status="draft")
    client.force_login(user)
    response = client.get(reverse("jobs:posting_review", args=[posting.pk]))
    assert response.status_code == 200
    assert_common_headers(response)
    scripts = inline_scripts(response.text)
    assert scripts, "the review page has its autocomplete script inline"
    nonce = nonce_of(response)
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_each_response_has_its_own_nonce(client):
    skill = Skill.objects.filter(key__isnull=False).first()
    url = reverse("concepts:skill_detail", kwargs={"key": skill.key})
    assert nonce_of(client.get(url)) != nonce_of(client.get(url))


@pytest.mark.parametrize("url", ["/employeurs/connexion/", "/competences/"])
def test_pages_without_inline_scripts_have_the_policy_too(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_common_headers(response)


@pytest.mark.parametrize("url", ["/admin/login/", "/django-admin/login/"])
def test_admin_pages_allow_their_inline_scripts_and_nothing_else(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_common_headers(response, admin=True)


def test_admin_previews_keep_the_strict_policy():
    from core.security import is_admin_page

    assert is_admin_page("/admin/pages/3/edit/")
    assert not is_admin_page("/admin/pages/3/edit/preview/")
    assert not is_admin_page("/formations/")
