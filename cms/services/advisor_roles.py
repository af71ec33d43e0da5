"""The advisor area's permissions, granted to the roles that use it. Idempotent; run after
migrate (connected in `cms.apps`), as the jobs roles are.

- Advisors (Le Forem's job and training advisors; the group the jobs app creates for training
  requests) see every dashboard and export, and curate the emerging-skills queue.
- Competence centres (sector funds, training centres) see the dashboards and exports: the issue
  names them among the people who must see where supply falls short.
- Platform moderators curate the vocabulary, so they also work the emerging-skills queue (and
  see the dashboards it sits in).
Nobody else: employers, learners and provider editors see the public summary only.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from jobs.services.roles import ADVISORS, COMPETENCE_CENTRES, MODERATORS

VIEW_DASHBOARDS = "view_advisor_dashboards"
CURATE_EMERGING = "curate_emerging_skills"

ADVISOR_AREA_PERMISSIONS = {
    ADVISORS: [VIEW_DASHBOARDS, CURATE_EMERGING],
    COMPETENCE_CENTRES: [VIEW_DASHBOARDS],
    MODERATORS: [VIEW_DASHBOARDS, CURATE_EMERGING],
}


def advisor_roles_setup() -> None:
    """Ensure each role's group exists and holds its advisor-area permissions (and Wagtail
    admin access, the door to the sign-in page the area sends people to)."""
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    for name, codenames in ADVISOR_AREA_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = list(
            Permission.objects.filter(content_type__app_label="cms", codename__in=codenames)
        )
        if admin_access:
            permissions.append(admin_access)
        group.permissions.add(*permissions)
