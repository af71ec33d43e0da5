"""The emerging-skills queue: what curators see, and their decisions through the services."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from lxml import html

from analytics.models import EmergingTermDecision
from skills.models import Skill, SkillSynonym
from tests.cms.advisor_data import gap_world, role_users

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(provider_index):
    return gap_world(provider_index)


@pytest.fixture
def advisor_client(client, world):
    client.force_login(role_users(world.provider)["advisor"])
    return client


def queue_terms(client) -> list[str]:
    document = html.fromstring(client.get(reverse("advisor:emerging")).content.decode())
    return [" ".join(h.text_content().split()) for h in document.xpath("//article/h2")]


def decide(client, term, **data):
    return client.post(reverse("advisor:emerging_decide", args=[term.pk]), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_queue_shows_terms_best_first_with_examples(advisor_client, world):
    assert queue_terms(advisor_client) == ["houdini", "=cmd|calc"]
    page = advisor_client.get(reverse("advisor:emerging")).content.decode()
    assert "Motion designer 0" in page  # an example posting
    assert page.count('name="csrfmiddlewaretoken"') == 3 * 2  # three decisions per term


def test_reject_records_the_decision_and_empties_the_queue_of_it(advisor_client, world):
    response = decide(advisor_client, world.terms[0], action="reject", note="a software name")
    assert response.status_code == 302
    decision = EmergingTermDecision.objects.get(term="houdini")
    assert decision.decision == EmergingTermDecision.Decision.REJECTED
    assert decision.note == "a software name"
    assert decision.decided_by.username == "advisor"
    assert queue_terms(advisor_client) == ["=cmd|calc"]


def test_accept_as_synonym_adds_the_curated_synonym(advisor_client, world):
    response = decide(advisor_client, world.terms[0], action="synonym", skill=world.taught.uri)
    assert response.status_code == 302
    assert SkillSynonym.objects.filter(skill=world.taught, label="houdini").exists()
    decision = EmergingTermDecision.objects.get(term="houdini")
    assert (decision.decision, decision.skill) == ("synonym", world.taught)
    assert "houdini" not in queue_terms(advisor_client)


def test_accept_as_concept_creates_a_local_skill_under_the_broader(advisor_client, world):
    response = decide(
        advisor_client,
        world.terms[0],
        action="concept",
        label_fr="utiliser Houdini",
        label_en="use Houdini",
        broader=world.taught.preferred_label_en,  # the exact label works as well as the URI
    )
    assert response.status_code == 302, messages_of(response)
    decision = EmergingTermDecision.objects.get(term="houdini")
    created = Skill.objects.get(pk=decision.skill_id)
    assert created.preferred_label_fr == "utiliser Houdini"
    assert created.origin != Skill.Origin.ESCO


def test_an_unknown_skill_is_refused_with_a_message_and_nothing_is_written(advisor_client, world):
    response = decide(advisor_client, world.terms[0], action="synonym", skill="no such skill")
    assert response.status_code == 302
    assert "No single skill has this URI or label" in " ".join(messages_of(response))
    assert not EmergingTermDecision.objects.exists()
    assert not SkillSynonym.objects.filter(label="houdini").exists()
    assert queue_terms(advisor_client) == ["houdini", "=cmd|calc"]


def test_a_term_decided_already_is_gone_from_the_queue(advisor_client, world):
    decide(advisor_client, world.terms[0], action="reject")
    response = decide(advisor_client, world.terms[0], action="synonym", skill=world.taught.uri)
    assert "no longer in the queue" in " ".join(messages_of(response))
    assert EmergingTermDecision.objects.get(term="houdini").decision == "rejected"


def test_an_unknown_action_changes_nothing(advisor_client, world):
    response = decide(advisor_client, world.terms[0], action="delete-everything")
    assert "Choose a decision" in " ".join(messages_of(response))
    assert not EmergingTermDecision.objects.exists()


def test_the_form_needs_its_csrf_token(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(role_users(world.provider)["advisor"])
    with translation.override(settings.LANGUAGE_CODE):
        url = reverse("advisor:emerging_decide", args=[world.terms[0].pk])
    assert strict.post(url, {"action": "reject"}).status_code == 403
    assert not EmergingTermDecision.objects.exists()


def test_the_queue_download_neutralises_formulas(advisor_client, world):
    response = advisor_client.get(
        reverse("advisor:emerging"), {"export": "csv", "table": "emerging-terms"}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("houdini,")
    assert lines[2].startswith("'=cmd|calc,")
