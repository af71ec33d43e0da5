"""The employer portal, from registration to a published posting, and who may do what."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from jobs.ingestion.prepare import analyse, load_extractor
from jobs.models import Employer, JobPosting, PostingSkill, TrainingRequest
from jobs.services import portal
from jobs.services.roles import ADVISORS, MODERATORS
from skills.links import LinkMethod
from skills.models import Occupation, Skill
from tests.jobs.factories import EmployerFactory, JobPostingFactory, UserFactory

NEED = {
    "title": "Développeur web",
    "text": "Nous cherchons un développeur web pour créer des sites internet en JavaScript, "
    "HTML et CSS. Vous déboguez le code et rédigez la documentation technique.",
    "commune": "Namur",
    "province": "",
    "contract_type": "permanent",
}


def member(employer, username):
    user = UserFactory(username=username)
    employer.members.add(user)
    return user


@pytest.fixture
def world(db):
    """Employer A and B (approved), an unapproved one, a moderator, each with a posting."""
    a = EmployerFactory(name="Studio A")
    b = EmployerFactory(name="Studio B")
    pending = EmployerFactory(name="Studio en attente", status=Employer.Status.PENDING)
    moderator = UserFactory(username="moderator")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    users = {
        "a": member(a, "alice"),
        "b": member(b, "bob"),
        "pending": member(pending, "penny"),
        "moderator": moderator,
    }
    posting_a = JobPostingFactory(employer=a, title="Graphiste chez A", status="draft")
    request_a = TrainingRequest.objects.create(
        employer=a,
        posting=posting_a,
        headcount=3,
        needed_by=timezone.localdate() + datetime.timedelta(days=60),
    )
    return {"users": users, "posting_a": posting_a, "request_a": request_a, "a": a}


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# Expected status of each role on A's posting review, A's request edit, and "post a need".
ROLE_EXPECTATIONS = {
    None: (302, 302, 302),  # anonymous: sent to sign in
    "a": (200, 200, 200),
    "b": (404, 404, 200),  # another organisation's data does not even exist for B
    "pending": (403, 403, 403),  # not approved yet: a page that says so
    "moderator": (
        302,
        302,
        302,
    ),  # no organisation: sent to the dashboard, which offers to register
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_EXPECTATIONS))
def test_who_sees_what(client, world, role):
    user = world["users"][role] if role else None
    as_user(client, user)
    review, request_edit, create = ROLE_EXPECTATIONS[role]
    posting, training_request = world["posting_a"], world["request_a"]
    response = client.get(reverse("jobs:posting_review", args=[posting.pk]))
    assert response.status_code == review
    if role is None:
        assert response["Location"].startswith(reverse("jobs:login"))
    assert (
        client.get(reverse("jobs:training_request_edit", args=[training_request.pk])).status_code
        == request_edit
    )
    assert client.get(reverse("jobs:need_create")).status_code == create
    # Writes follow the same rule.
    response = client.post(reverse("jobs:posting_publish", args=[posting.pk]))
    posting.refresh_from_db()
    assert (posting.status == JobPosting.Status.PUBLISHED) == (role == "a")
    if role != "a":
        assert response.status_code in {302, 403, 404}
        if role is None:
            assert response["Location"].startswith(reverse("jobs:login"))


@pytest.mark.django_db
def test_dashboard_lists_only_own_postings(client, world):
    JobPostingFactory(employer=Employer.objects.get(name="Studio B"), title="Offre de B")
    response = as_user(client, world["users"]["a"]).get(reverse("jobs:dashboard"))
    content = response.content.decode()
    assert "Graphiste chez A" in content
    assert "Offre de B" not in content


@pytest.mark.django_db
def test_unapproved_employer_sees_a_waiting_notice(client, world):
    response = as_user(client, world["users"]["pending"]).get(reverse("jobs:dashboard"))
    assert "approval" in response.content.decode() or "approbation" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix, words", [("", "attente"), ("/en", "waiting")])
def test_a_pending_employer_is_told_it_awaits_approval_not_forbidden(client, world, prefix, words):
    as_user(client, world["users"]["pending"])
    dashboard_url, need_url = reverse("jobs:dashboard"), reverse("jobs:need_create")
    dashboard = client.get(prefix + dashboard_url)
    assert need_url not in dashboard.content.decode()
    response = client.get(prefix + need_url)
    assert response.status_code == 403
    content = response.content.decode()
    assert "Studio en attente" in content and words in content
    assert 'class="site-header"' in content  # the site's page, not a bare error


@pytest.mark.django_db
def test_services_refuse_another_organisations_posting(world):
    with pytest.raises(portal.PermissionDenied):
        portal.posting_publish(user=world["users"]["b"], posting=world["posting_a"])
    with pytest.raises(portal.PermissionDenied):
        portal.training_request_create(
            user=world["users"]["b"],
            posting=world["posting_a"],
            skills=Skill.objects.all()[:1],
            headcount=1,
            needed_by=timezone.localdate() + datetime.timedelta(days=5),
        )


@pytest.mark.django_db
def test_training_requests_are_visible_to_advisors_in_the_admin(client, world):
    advisor = UserFactory(username="advisor")
    advisor.groups.add(Group.objects.get(name=ADVISORS))
    as_user(client, advisor)
    assert client.get(reverse("training_requests:index")).status_code == 200
    inspect = reverse("training_requests:inspect", args=[world["request_a"].pk])
    assert client.get(inspect).status_code == 200
    client.force_login(world["users"]["a"])
    assert client.get(reverse("training_requests:index")).status_code == 302  # no admin access


@pytest.mark.django_db
def test_from_registration_to_a_published_posting_with_confirmed_skills(client):
    response = client.post(
        reverse("jobs:register"),
        {
            "name": "Agence Meuse Digital",
            "enterprise_number": "0712 345 678",
            "sector": "Numérique",
            "commune": "Liège",
            "province": "liege",
            "username": "claire",
            "email": "claire@example.be",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    employer = Employer.objects.get(name="Agence Meuse Digital")
    assert employer.status == Employer.Status.PENDING
    assert employer.enterprise_number == "0712.345.678"
    assert client.get(reverse("jobs:need_create")).status_code == 403

    moderator = get_user_model().objects.create_superuser("mod", "mod@example.be", "pw")
    portal.employer_review(employer=employer, status=Employer.Status.APPROVED, reviewer=moderator)

    response = client.post(reverse("jobs:need_create"), NEED)
    posting = JobPosting.objects.get(employer=employer)
    assert response["Location"] == reverse("jobs:posting_review", args=[posting.pk])
    assert posting.status == JobPosting.Status.DRAFT
    assert posting.province == "namur"

    page = client.get(response["Location"]).content.decode()
    links = list(posting.skill_links.select_related("skill"))
    assert links, "the extractor found no skill"
    assert links, "the check below needs something to check"
    assert all(link.is_suggested for link in links)
    assert all(link.esco_version == link.skill.esco_version for link in links)
    assert links[0].skill.label() in page
    primary = posting.occupation_links.order_by("rank").first()
    assert primary is not None and "web" in primary.occupation.preferred_label_en.lower()

    removed = links[0].skill
    client.post(reverse("jobs:posting_skill_remove", args=[posting.pk]), {"skill": removed.pk})
    assert not posting.skill_links.active().filter(skill=removed).exists()
    assert removed.label() not in client.get(response["Location"]).content.decode()

    suggestions = client.get(reverse("jobs:skill_autocomplete"), {"q": "javascript"}).json()
    assert suggestions["results"]
    added = Skill.objects.get(key=suggestions["results"][0]["key"])
    client.post(reverse("jobs:posting_skill_add", args=[posting.pk]), {"skill": added.key})
    link = posting.skill_links.get(skill=added)
    assert link.is_confirmed and link.method == LinkMethod.MANUAL
    assert "<small>confirmé</small>" in client.get(response["Location"]).content.decode()

    # Publishing never confirms the proposed occupation silently: the employer must choose.
    page = client.get(response["Location"]).content.decode()
    assert "publishing never picks it for you" in page or "ne le choisit jamais" in page
    client.post(reverse("jobs:posting_publish", args=[posting.pk]))
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.DRAFT
    assert not posting.occupation_links.public().exists()

    # Another occupation than the proposed ones, found by searching, then published with.
    found = client.get(response["Location"], {"occupation_q": "infographiste"}).content.decode()
    other = Occupation.objects.current().matching_text("infographiste").first()
    assert other is not None and f'value="{other.pk}"' in found
    client.post(reverse("jobs:posting_publish", args=[posting.pk]), {"occupation": other.pk})
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    assert list(posting.occupation_links.public().values_list("occupation", flat=True)) == [
        other.pk
    ]
    assert posting.skill_links.public().exists()
    assert not posting.skill_links.pending().exists()
    assert posting.skill_links.get(skill=removed).is_rejected  # removed stays removed
    assert posting.occupation_links.get(rank=1).is_confirmed

    response = client.post(
        reverse("jobs:training_request_create", args=[posting.pk]),
        {
            "skills": [added.pk],
            "headcount": 4,
            "needed_by": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
            "message": "Formation courte souhaitée.",
        },
    )
    assert response.status_code == 302
    request = TrainingRequest.objects.get(employer=employer)
    assert list(request.skills.all()) == [added]
    assert request.province == "namur"


@pytest.mark.django_db
def test_editing_the_text_keeps_decisions_and_replaces_suggestions(world):
    """The portal reads a text again under the one rule: what the employer added or removed
    stays so, suggestions follow the new text."""
    user = world["users"]["a"]
    need = {**NEED, "text": NEED["text"] + " Vous maîtrisez Adobe Photoshop et Adobe Illustrator."}
    posting = portal.posting_create(user=user, **need)
    skill = Skill.objects.matching_text("javascript").first()
    portal.posting_skill_add(user=user, posting=posting, skill=skill)
    suggestions = list(posting.skill_links.pending().select_related("skill"))
    assert len(suggestions) >= 2, "the extractor found too little"
    removed, kept = suggestions[0].skill, suggestions[1].skill
    portal.posting_skill_remove(user=user, posting=posting, skill_id=removed.pk)
    portal.posting_update(user=user, posting=posting, **need)
    assert posting.skill_links.get(skill=removed).is_rejected  # never suggested again
    assert posting.skill_links.get(skill=skill).is_confirmed
    assert posting.skill_links.get(skill=kept).is_suggested  # found again, still a suggestion
    portal.posting_update(
        user=user, posting=posting, **{**need, "text": "Graphisme et mise en page."}
    )
    assert posting.skill_links.get(skill=skill).is_confirmed
    assert posting.skill_links.get(skill=removed).is_rejected
    analysis = analyse(
        load_extractor(),
        title=posting.title,
        text=posting.description_text,
        language=posting.language,
    )
    found = {uri for uri, *_rest in analysis.skills}
    pending = set(posting.skill_links.pending().values_list("skill__uri", flat=True))
    assert pending == found - {removed.uri, skill.uri}


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_pages_render_in_both_languages(client, prefix):
    for url in [reverse("jobs:register"), reverse("jobs:login")]:
        response = client.get(prefix + url)
        assert response.status_code == 200
        assert b'name="csrfmiddlewaretoken"' in response.content


@pytest.mark.django_db
def test_sign_in_leads_to_the_dashboard(client, world):
    response = client.post(
        reverse("jobs:login"), {"username": "alice", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:dashboard")


@pytest.mark.django_db
def test_training_request_form_and_edit(client, world):
    user = world["users"]["a"]
    as_user(client, user)
    posting = world["posting_a"]
    skill = Skill.objects.order_by("uri").first()
    PostingSkill.objects.create(posting=posting, skill=skill, score=0.9)
    assert client.get(reverse("jobs:training_request_create", args=[posting.pk])).status_code == 200
    edit = reverse("jobs:training_request_edit", args=[world["request_a"].pk])
    response = client.post(
        edit,
        {
            "skills": [skill.pk],
            "headcount": 7,
            "needed_by": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    world["request_a"].refresh_from_db()
    assert world["request_a"].headcount == 7
    response = client.post(edit, {"skills": [skill.pk], "headcount": 7, "needed_by": "2000-01-01"})
    assert response.status_code == 200  # a date in the past is refused, with the form again
    assert "banner--error" in response.content.decode(), response.content.decode()[-4000:]
