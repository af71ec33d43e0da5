"""Who may open the advisor area: checked on the server for every page, download and action.

Anonymous visitors are sent to the sign-in page (and back); a signed-in account without the
permission gets 403 Forbidden, never the page. The permissions are granted to the roles by
`cms.services.advisor_roles`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required

VIEW_DASHBOARDS = "cms.view_advisor_dashboards"
CURATE_EMERGING = "cms.curate_emerging_skills"


def _requiring(permission: str):
    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


advisor_required = _requiring(VIEW_DASHBOARDS)
curator_required = _requiring(CURATE_EMERGING)


def is_advisor(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_DASHBOARDS))


def is_curator(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(CURATE_EMERGING))
