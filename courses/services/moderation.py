"""The platform moderators' group and the "Offer moderation" workflow, created idempotently."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

from courses.models import OfferModerationTask, ProviderIndexPage

MODERATORS_GROUP_NAME = "Platform moderators"
WORKFLOW_NAME = "Offer moderation"
TASK_NAME = "Moderator approval"


def admin_access_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def grant_page_permissions(*, group: Group, page: Page, permission_types: list[str]) -> None:
    for permission_type in permission_types:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        )
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@transaction.atomic
def moderation_setup(*, index_page: ProviderIndexPage | None = None) -> Workflow:
    """Ensure the moderators' group, the workflow and its assignment to the provider index.

    Moderators can edit and publish anywhere under the provider index; the workflow's single
    task (group approval with pre-checks) is assigned to the index, so every provider and offer
    page goes through it. Safe to call repeatedly.
    """
    moderators, _created = Group.objects.get_or_create(name=MODERATORS_GROUP_NAME)
    moderators.permissions.add(admin_access_permission())
    # Funding schemes are an editable vocabulary that moderators curate.
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["add_fundingscheme", "change_fundingscheme", "view_fundingscheme"],
        )
    )

    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    task = OfferModerationTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = OfferModerationTask.objects.create(name=TASK_NAME)
    task.groups.add(moderators)
    # WorkflowTask rows directly: `workflow.workflow_tasks` is a modelcluster relation whose
    # `create()` would only stage the row in memory.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    index_page = index_page or ProviderIndexPage.cadastre_index()
    if index_page is not None:
        grant_page_permissions(
            group=moderators,
            page=index_page,
            permission_types=["add", "change", "publish", "lock", "unlock"],
        )
        WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
    return workflow


def moderators_group() -> Group:
    return Group.objects.get(name=MODERATORS_GROUP_NAME)
