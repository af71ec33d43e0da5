"""Who may open the advisor area, page by page, download by download, role by role."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from analytics.models import EmergingTermDecision
from cms.services.advisor_roles import advisor_roles_setup
from jobs.services.roles import ADVISORS, COMPETENCE_CENTRES, MODERATORS
from tests.cms.advisor_data import gap_world, role_users

pytestmark = pytest.mark.django_db

ALLOWED = {"advisor", "superuser"}
REFUSED = {"learner", "employer", "provider editor"}


@pytest.fixture
def world(provider_index):
    return gap_world(provider_index)


@pytest.fixture
def users(world):
    return role_users(world.provider)


def advisor_urls(world) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        pages = [
            reverse("advisor:overview"),
            reverse("advisor:shortages"),
            reverse("advisor:profession", args=[world.occupation.key]),
            reverse("advisor:skill", args=[world.taught.key]),
            reverse("advisor:emerging"),
            reverse("advisor:providers"),
        ]
    downloads = [
        reverse("advisor:shortages") + "?export=csv&table=shortage-professions",
        reverse("advisor:profession", args=[world.occupation.key])
        + "?export=xlsx&table=training-requests",
    ]
    return pages + downloads + ["/en" + pages[0], "/en" + pages[2]]


def get_as(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_every_page_and_download_by_role(client, world, users):
    for url in advisor_urls(world):
        for role, user in users.items():
            response = get_as(client, user, url)
            if role == "anonymous":
                assert response.status_code == 302, (url, role)
                assert response["Location"].startswith(reverse("wagtailadmin_login")), url
            elif role in REFUSED:
                assert response.status_code == 403, (url, role)
            else:
                assert role in ALLOWED
                assert response.status_code == 200, (url, role)


def test_a_providers_alignment_is_also_for_its_own_editors(client, world, users):
    """Its editors see what their offers answer (no employer is named on that page); the
    editors of another provider do not."""
    from tests.courses.factories import make_provider

    with translation.override(settings.LANGUAGE_CODE):
        own = reverse("advisor:provider", args=[world.provider.slug])
        other = reverse("advisor:provider", args=[make_provider(name="Autre centre").slug])
    for role, user in users.items():
        for url, editor_allowed in ((own, True), (other, False)):
            response = get_as(client, user, url)
            if role == "anonymous":
                assert response.status_code == 302
            elif role in ALLOWED or (role == "provider editor" and editor_allowed):
                assert response.status_code == 200, (role, url)
                assert world.employer.name not in response.content.decode()
            else:
                assert response.status_code == 403, (role, url)
    editor_page = get_as(client, users["provider editor"], own).content.decode()
    overview = reverse("advisor:overview")
    assert f'href="{overview}"' not in editor_page  # no advisor navigation for them
    assert world.occupation.get_absolute_url() in editor_page  # the public occupation page


def test_refused_roles_get_no_figures_and_no_file(client, world, users):
    url = reverse("advisor:profession", args=[world.occupation.key])
    for role in REFUSED:
        response = get_as(client, users[role], url + "?export=csv&table=training-requests")
        assert response.status_code == 403
        assert "attachment" not in response.get("Content-Disposition", "")
        assert world.employer.name not in response.content.decode()


def test_emerging_decisions_need_the_curator_permission(client, world, users):
    url = reverse("advisor:emerging_decide", args=[world.terms[0].pk])
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.post(url, {"action": "reject"})
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("wagtailadmin_login"))
        elif role in REFUSED:
            assert response.status_code == 403, role
        else:  # allowed: back to the queue (the advisor decides, then the term is gone)
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("advisor:emerging"))
    assert EmergingTermDecision.objects.filter(term=world.terms[0].term).count() == 1


def test_decisions_are_post_only(client, world, users):
    client.force_login(users["advisor"])
    response = client.get(reverse("advisor:emerging_decide", args=[world.terms[0].pk]))
    assert response.status_code == 405
    assert not EmergingTermDecision.objects.exists()


def test_roles_setup_is_idempotent_and_grants_what_the_docstring_says():
    advisor_roles_setup()
    advisor_roles_setup()
    codenames = {
        name: set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="cms")
            .values_list("codename", flat=True)
        )
        for name in (ADVISORS, COMPETENCE_CENTRES, MODERATORS)
    }
    assert codenames[ADVISORS] == {"view_advisor_dashboards", "curate_emerging_skills"}
    assert codenames[COMPETENCE_CENTRES] == {"view_advisor_dashboards"}
    assert codenames[MODERATORS] == {"view_advisor_dashboards", "curate_emerging_skills"}
    assert Group.objects.filter(name=ADVISORS).count() == 1


def test_competence_centres_see_the_dashboards_but_cannot_decide(client, world):
    from tests.jobs.factories import UserFactory

    centre = UserFactory(username="centre")
    centre.groups.add(Group.objects.get(name=COMPETENCE_CENTRES))
    client.force_login(centre)
    assert client.get(reverse("advisor:overview")).status_code == 200
    page = client.get(reverse("advisor:emerging"))
    assert page.status_code == 200 and b'name="action"' not in page.content
    response = client.post(
        reverse("advisor:emerging_decide", args=[world.terms[0].pk]), {"action": "reject"}
    )
    assert response.status_code == 403
    assert not EmergingTermDecision.objects.exists()


def test_the_public_summary_is_open_and_names_no_employer(client, world, users):
    for role, user in users.items():
        response = get_as(client, user, reverse("gaps:public_summary"))
        assert response.status_code == 200, role
        assert world.employer.name not in response.content.decode()
    csv = get_as(client, None, reverse("gaps:public_summary") + "?export=csv&table=professions")
    assert csv.status_code == 200 and world.employer.name not in csv.content.decode("utf-8-sig")


def test_the_navigation_links_the_advisor_area_for_advisors_only(client, world, users):
    overview = reverse("advisor:overview")
    for role, user in users.items():
        page = get_as(client, user, reverse("concepts:shortage_lists")).content.decode()
        assert (f'href="{overview}"' in page) == (role in ALLOWED), role
