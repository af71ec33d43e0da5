"""Who is asking: the client's address, as far as the deployment lets us trust it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address for throttling and rate limits.

    With `WAKE_TRUSTED_PROXY_COUNT` = N > 0, the address N hops from the right of
    X-Forwarded-For (the one our own outermost proxy saw); addresses further left were written
    by the client and are ignored. With 0, or a shorter header, REMOTE_ADDR.
    """
    proxies = getattr(settings, "WAKE_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or "unknown"
