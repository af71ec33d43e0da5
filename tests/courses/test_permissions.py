"""Provider editors edit only their own subtree; moderators approve through the workflow."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Workflow, WorkflowState

from courses.models import OfferModerationTask, OfferModerationTaskState, OfferPage
from courses.services.moderation import MODERATORS_GROUP_NAME, WORKFLOW_NAME, moderation_setup
from courses.services.providers import provider_editors_group
from tests.courses.factories import make_offer, make_provider
from tests.courses.helpers import offer_edit_post_data

pytestmark = pytest.mark.django_db


def make_user(username, *groups):
    user = get_user_model().objects.create_user(username, f"{username}@example.invalid", "pw")
    user.groups.add(*groups)
    return user


@pytest.fixture
def two_providers(provider_index):
    a = make_provider(name="Centre A")
    b = make_provider(name="Centre B")
    return a, b, make_offer(a), make_offer(b)


@pytest.fixture
def editor_a(two_providers):
    return make_user("editor_a", provider_editors_group(two_providers[0]))


@pytest.fixture
def moderator(two_providers):
    return make_user("moderator", Group.objects.get(name=MODERATORS_GROUP_NAME))


def test_provider_create_grants_subtree_permissions_without_publish(two_providers):
    a, _b, _oa, _ob = two_providers
    group = provider_editors_group(a)
    codenames = set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page"} <= codenames
    assert "publish_page" not in codenames
    assert set(GroupPagePermission.objects.filter(group=group).values_list("page", flat=True)) == {
        a.pk
    }
    assert group.permissions.filter(codename="access_admin").exists()


def test_provider_create_is_assigned_the_moderation_workflow(two_providers):
    _a, _b, offer_a, _ob = two_providers
    workflow = offer_a.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    moderation_setup()  # idempotent: still one workflow with one task
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [OfferModerationTask]
    assert list(tasks[0].groups.values_list("name", flat=True)) == [MODERATORS_GROUP_NAME]
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1


def test_editor_cannot_open_another_providers_edit_screens(client, two_providers, editor_a):
    _a, b, _offer_a, offer_b = two_providers
    client.force_login(editor_a)
    for page in (b, offer_b):
        response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code in (302, 403), page
        if response.status_code == 302:
            assert reverse("wagtailadmin_pages:edit", args=[page.pk]) not in response["Location"]
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[b.pk]))
    assert response.status_code in (302, 403)
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard.
    response = client.get(reverse("courses_admin:offer_skills", args=[offer_b.pk]))
    assert response.status_code in (302, 403)
    assert response.get("Location", "/admin/") == "/admin/"


def test_editor_cannot_post_edits_to_another_provider(client, two_providers, editor_a):
    _a, _b, _oa, offer_b = two_providers
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[offer_b.pk])
    client.post(url, offer_edit_post_data(offer_b, summary="Piraté"))
    offer_b.refresh_from_db()
    assert offer_b.get_latest_revision_as_object().summary != "Piraté"


def test_editor_can_edit_own_offer_but_not_publish(client, two_providers, editor_a):
    a, _b, offer_a, _ob = two_providers
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[offer_a.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[a.pk])).status_code == 200
    response = client.post(
        url, offer_edit_post_data(offer_a, summary="Nouveau résumé", **{"action-publish": "1"})
    )
    assert response.status_code == 302, response.content[:2000]
    offer_a.refresh_from_db()
    assert offer_a.get_latest_revision_as_object().summary == "Nouveau résumé"
    assert offer_a.summary != "Nouveau résumé"  # saved as a draft; publishing is not theirs


def test_submission_then_moderator_approval_publishes(client, two_providers, editor_a, moderator):
    _a, _b, offer_a, _ob = two_providers
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[offer_a.pk])
    response = client.post(
        url, offer_edit_post_data(offer_a, summary="À modérer", **{"action-submit": "1"})
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(offer_a.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task_state = state.current_task_state.specific
    assert isinstance(task_state, OfferModerationTaskState)

    # The editor cannot approve their own submission.
    action_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[offer_a.pk, "approve", task_state.pk]
    )
    client.post(action_url, {"comment": ""})
    assert OfferPage.objects.get(pk=offer_a.pk).summary != "À modérer"

    client.force_login(moderator)
    response = client.get(action_url, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    response = client.post(action_url, {"comment": "OK"})
    assert response.status_code in (200, 302)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert OfferPage.objects.get(pk=offer_a.pk).summary == "À modérer"


def test_moderator_can_request_changes(client, two_providers, editor_a, moderator):
    _a, _b, offer_a, _ob = two_providers
    client.force_login(editor_a)
    client.post(
        reverse("wagtailadmin_pages:edit", args=[offer_a.pk]),
        offer_edit_post_data(offer_a, summary="Brouillon", **{"action-submit": "1"}),
    )
    state = WorkflowState.objects.get(object_id=str(offer_a.pk))
    client.force_login(moderator)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[offer_a.pk, "reject", state.current_task_state.pk],
        ),
        {"comment": "Ajoutez une session."},
    )
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert OfferPage.objects.get(pk=offer_a.pk).summary != "Brouillon"


def test_a_workflow_action_after_the_task_ended_is_refused_not_a_crash(
    client, two_providers, editor_a, moderator
):
    _a, _b, offer_a, _ob = two_providers
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[offer_a.pk])
    client.post(url, offer_edit_post_data(offer_a, summary="À modérer", **{"action-submit": "1"}))
    state = WorkflowState.objects.get(object_id=str(offer_a.pk))
    state.cancel(user=editor_a)  # the task is gone, the moderator's editor is still open

    client.force_login(moderator)
    data = offer_edit_post_data(
        offer_a,
        summary="Changé pendant la modération",
        **{"action-workflow-action": "1", "workflow-action-name": "approve"},
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url
    offer_a.refresh_from_db()
    assert offer_a.get_latest_revision_as_object().summary != "Changé pendant la modération"
    assert "moderation step ended" in response.content.decode() or (
        "étape de modération" in response.content.decode()
    )
