"""Per-address rate limits for the JSON endpoints and the feed API (fixed windows in the cache).

`WAKE_RATE_LIMITS` maps a rule name to `{"paths": [regex, …], "requests": N, "seconds": S}`:
a request whose path (without its language prefix) matches one of a rule's patterns counts
against that rule for its client address (`core.net.client_ip`); past N requests in the current
S-second window it is answered 429 with Retry-After, before any view reads its body. The first
matching rule applies. Counters live in the shared cache, so every worker process sees them.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

from core.net import client_ip


@lru_cache(maxsize=8)
def _compiled(rules_key: tuple) -> list[tuple[str, list[re.Pattern], int, int]]:
    return [
        (name, [re.compile(pattern) for pattern in paths], requests, seconds)
        for name, paths, requests, seconds in rules_key
    ]


def _rules() -> list[tuple[str, list[re.Pattern], int, int]]:
    rules = getattr(settings, "WAKE_RATE_LIMITS", {})
    key = tuple(
        (name, tuple(rule["paths"]), int(rule["requests"]), int(rule["seconds"]))
        for name, rule in rules.items()
    )
    return _compiled(key)


def _unprefixed(path: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def rate_limit_exceeded(request: HttpRequest) -> JsonResponse | None:
    """The 429 answer when the request is over its rule's limit, else None (and counted)."""
    path = _unprefixed(request.path_info)
    for name, patterns, limit, seconds in _rules():
        if not any(pattern.search(path) for pattern in patterns):
            continue
        now = time.time()
        window = int(now // seconds)
        key = f"ratelimit:{name}:{client_ip(request)}:{window}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 1)
            count = 1
        if count <= limit:
            return None
        retry_after = max(1, int((window + 1) * seconds - now))
        response = JsonResponse(
            {
                "error": (
                    f"Too many requests: at most {limit} every {seconds} seconds from one "
                    f"address. Retry in {retry_after} seconds."
                )
            },
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    return None


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return rate_limit_exceeded(request) or self.get_response(request)
