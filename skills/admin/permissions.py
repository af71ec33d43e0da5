"""Who may do what in the taxonomy admin.

ESCO concepts belong to the importer: nobody writes them here. Local concepts are Skills too,
so their policy narrows Skill permissions to the local ones.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.permission_policies import ModelPermissionPolicy

from skills.models import Skill

WRITE_ACTIONS = frozenset({"add", "change", "delete"})


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Users with the model's "view" permission may list and inspect; nobody may write.

    For data the ESCO importer owns: a change made in the admin would be overwritten by the
    next import, and a deletion would break the PROTECT links that offers and postings hold.
    """

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in WRITE_ACTIONS]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


class LocalConceptPermissionPolicy(ModelPermissionPolicy):
    """Skill permissions as Django grants them, but never on an ESCO concept."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in WRITE_ACTIONS and instance.origin != Skill.Origin.LOCAL:
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            super()
            .instances_user_has_any_permission_for(user, actions)
            .filter(origin=Skill.Origin.LOCAL)
        )
