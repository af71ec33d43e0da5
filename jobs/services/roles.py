"""The groups that act on postings, with their permissions. Idempotent; run after migrate.

- Platform moderators (shared with the cadastre's moderation): approve employers, correct
  postings, follow training requests and ingestion runs.
- Advisors and Competence centres: read postings and answer training requests (status).
Employers have no admin access: they work in the portal, limited to their own organisation.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

MODERATORS = "Platform moderators"
ADVISORS = "Advisors"
COMPETENCE_CENTRES = "Competence centres"

ROLE_PERMISSIONS = {
    MODERATORS: [
        "view_employer", "change_employer", "view_jobposting", "change_jobposting",
        "view_trainingrequest", "change_trainingrequest", "view_ingestrun", "view_feedsource",
    ],
    ADVISORS: ["view_jobposting", "view_trainingrequest", "change_trainingrequest"],
    COMPETENCE_CENTRES: ["view_jobposting", "view_trainingrequest", "change_trainingrequest"],
}  # fmt: skip


def jobs_roles_setup() -> None:
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = list(
            Permission.objects.filter(content_type__app_label="jobs", codename__in=codenames)
        )
        if admin_access:
            permissions.append(admin_access)
        group.permissions.add(*permissions)
