"""Editing pages in Wagtail's editor: what the editor's own mechanics leave behind."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page


@transaction.atomic
def page_autosave_orphan_discard(*, page_id: int, parent: Page, user) -> bool:
    """Delete the draft an autosave of a create form made, before that form is posted again
    (courses/wagtail_hooks.py says when). Only a page that is still that autosave's draft goes:
    under `parent`, created and only ever revised by `user`, never published, in no workflow.
    Returns whether a page was deleted; anything else is left alone, and the create form then
    reports the slug clash as usual."""
    page = Page.objects.child_of(parent).filter(pk=page_id).first()
    if (
        page is None
        or page.live
        or page.first_published_at is not None
        or page.owner_id != user.pk
        or page.workflow_states.exists()
        or page.revisions.exclude(user=user).exists()
        or page.get_children().exists()
    ):
        return False
    page.delete()
    return True
