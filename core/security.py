"""The Content-Security-Policy: one strict policy for the site, a looser one for the admin.

The site's inline scripts (JSON-LD, the portal's autocomplete) carry the per-response nonce
(`nonce="{{ request.csp_nonce }}"`); anything else inline does not run. Wagtail's admin ships
inline scripts of its own (inline panels, date pickers) without a nonce, so its pages, and only
they, allow inline scripts; its previews render site templates and keep the strict policy.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


def is_admin_page(path: str) -> bool:
    return path.startswith(ADMIN_PREFIXES) and "/preview/" not in path


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if is_admin_page(request.path):
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
        return parts
