"""The moderation step of the "Offer moderation" workflow, with automatic pre-checks.

The task is a group approval task (platform moderators approve) that, when an offer reaches it,
records the pre-check issues of the submitted revision on its task state. Moderators see them in
the approval dialog and in the offer's review panel; the issues flag, they do not block.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


class OfferModerationTaskState(TaskState):
    precheck_issues = models.JSONField(_("pre-check issues"), default=list, blank=True)

    class Meta:
        verbose_name = _("offer moderation task state")
        verbose_name_plural = _("offer moderation task states")


class OfferModerationTask(AbstractGroupApprovalTask):
    task_state_class = OfferModerationTaskState

    class Meta:
        verbose_name = _("offer moderation task")
        verbose_name_plural = _("offer moderation tasks")

    def start(self, workflow_state, user=None):
        from courses.prechecks import offer_precheck_issues

        task_state = super().start(workflow_state, user=user)
        content = workflow_state.content_object
        revision = task_state.revision
        subject = revision.as_object() if revision is not None else content
        if hasattr(subject, "specific") and not isinstance(subject, _offer_model()):
            subject = subject.specific
        if isinstance(subject, _offer_model()):
            issues = [issue.as_dict() for issue in offer_precheck_issues(offer=subject)]
            OfferModerationTaskState.objects.filter(pk=task_state.pk).update(precheck_issues=issues)
            task_state.precheck_issues = issues
        return task_state

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        # Plain "approve" opens the dialog too, so the moderator sees the pre-check issues.
        return [
            (name, label, True) if name == "approve" else (name, label, modal)
            for name, label, modal in actions
        ]

    def get_template_for_action(self, action):
        return "courses/admin/moderation_action_modal.html"

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve offers; automatic pre-checks (future session, "
            "confirmed skills, registration deadline, price) are shown to them."
        )


def _offer_model():
    from courses.models.pages import OfferPage

    return OfferPage
