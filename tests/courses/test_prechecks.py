"""Automatic pre-checks flag incomplete offers for the moderator (they never block)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import WorkflowState

from courses.models import SessionStatus
from courses.prechecks import offer_precheck_issues
from courses.services.links import offer_skill_set
from courses.services.moderation import MODERATORS_GROUP_NAME
from courses.services.providers import provider_editors_group
from skills.links import LinkStatus
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider
from tests.courses.helpers import offer_edit_post_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def codes(offer):
    return {issue.code for issue in offer_precheck_issues(offer=offer)}


@pytest.fixture
def provider(provider_index):
    return make_provider()


def test_complete_offer_has_no_issue(provider):
    offer = make_offer(provider)
    offer_skill_set(offer=offer, skill=Skill.objects.first())
    assert codes(offer) == set()


def test_incomplete_offer_flags_every_problem(provider):
    offer = make_offer(
        provider,
        price=None,
        sessions=[
            {"start_date": days(-30)},
            {"start_date": days(10), "registration_deadline": days(-1)},
        ],
    )
    assert codes(offer) == {"deadline_passed", "no_confirmed_skill", "missing_price"}


def test_only_past_or_cancelled_sessions_means_no_future_session(provider):
    offer = make_offer(
        provider,
        sessions=[
            {"start_date": days(-5)},
            {"start_date": days(20), "status": SessionStatus.CANCELLED},
        ],
    )
    assert "no_future_session" in codes(offer)


def test_free_offer_needs_no_price_and_unconfirmed_skills_do_not_count(provider):
    offer = make_offer(provider, is_free=True, price=None)
    from courses.models import OfferSkill

    OfferSkill.objects.create(
        offer=offer, skill=Skill.objects.first(), status=LinkStatus.SUGGESTED, method="label"
    )
    assert codes(offer) == {"no_confirmed_skill"}


def test_submission_records_issues_and_moderator_sees_them(client, provider):
    offer = make_offer(provider, price=None)
    editor = get_user_model().objects.create_user("ed", "ed@example.invalid", "pw")
    editor.groups.add(provider_editors_group(provider))
    moderator = get_user_model().objects.create_user("mod", "mod@example.invalid", "pw")
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP_NAME))

    client.force_login(editor)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[offer.pk]),
        offer_edit_post_data(offer, **{"action-submit": "1"}),
    )
    state = WorkflowState.objects.get(object_id=str(offer.pk))
    task_state = state.current_task_state.specific
    assert {issue["code"] for issue in task_state.precheck_issues} == {
        "no_confirmed_skill",
        "missing_price",
    }

    client.force_login(moderator)
    modal = client.get(
        reverse("wagtailadmin_pages:workflow_action", args=[offer.pk, "approve", task_state.pk])
    )
    assert modal.status_code == 200
    assert 'data-code=\\"missing_price\\"' in modal.content.decode()

    editor_view = client.get(reverse("wagtailadmin_pages:edit", args=[offer.pk]))
    assert editor_view.status_code == 200
    assert 'data-code="no_confirmed_skill"' in editor_view.content.decode()


def test_fields_submission_requires_are_listed_before_submission(provider):
    """A draft may leave the languages (or the summary) empty; submitting may not. The
    pre-check says so before the editor submits and hits a form error."""
    offer = make_offer(provider)
    assert "missing_required" not in codes(offer)
    offer.languages, offer.summary = [], ""  # as a saved draft's revision may hold them
    with translation.override("en"):
        issue = next(i for i in offer_precheck_issues(offer=offer) if i.code == "missing_required")
    assert "languages" in issue.message.lower() and "summary" in issue.message.lower()
    offer.languages, offer.summary = ["fr"], "Un résumé"
    assert "missing_required" not in codes(offer)
