"""A shared cache of whole responses for anonymous visitors: the pages everyone sees alike.

Most of the platform's traffic is anonymous reading of the same pages (home, offers, skills,
the learner's search and its JSON twin). Rendering one costs 20–40 ms of CPU; serving it from
the shared cache costs well under a millisecond, which is what lets two cores answer fifty
concurrent visitors (issue 9, "Load"; `bench/load.py`).

The contract, deny by default:
- a view opts in by marking its response `Cache-Control: public` (`shared_cache` for function
  views; every Wagtail page of the site through `core.page_locales`), and only for a visitor who
  is not signed in; nothing else is ever stored;
- a request is served from the cache, or its response stored, only when it is a GET without a
  session cookie, an `Authorization` header or an API key, so nothing personal is shared;
- a response is not stored when it sets a cookie (a CSRF token, a session), writes to the
  session, or is not a plain 200;
- entries are keyed by language, scheme, host and full path, and by the content *generation*: a
  counter in the cache that any change to the catalogue, the taxonomy, the site's pages or the
  analytics results bumps on commit (`invalidate_shared_pages`), so an editor's publication is
  visible at once; everything else (new job postings) ages out with `WAKE_PAGE_CACHE_SECONDS`;
- the Content-Security-Policy nonce is never shared: a cached page's nonce is replaced by this
  response's own before it is served.

`WAKE_PAGE_CACHE_SECONDS` = 0 (the development and test default) switches the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import time
import zlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

T = TypeVar("T")
GENERATION_KEY = "pagecache:generation"
# What browsers and proxies in front may keep a marked page: short, because they cannot be
# told when it changes (the shared cache behind them can).
BROWSER_MAX_AGE = 60
# Headers that belong to one response only: the policy carries this response's nonce, and the
# caching middleware itself says whether an answer came from the cache.
_UNSHARED_HEADERS = {"content-security-policy", "set-cookie", "x-cache", "age"}
# Credentials that make a request personal: never answered from, nor stored in, the cache.
_CREDENTIAL_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def shared_cache(view):
    """Mark the GET responses a function view gives anonymous visitors as shareable."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        mark_shared(request, response)
        return response

    return wrapper


def mark_shared(request: HttpRequest, response: HttpResponse) -> None:
    """`Cache-Control: public` on a 200 answer to an anonymous GET; nothing otherwise."""
    if request.method != "GET" or response.status_code != 200:
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)


def invalidate_shared_pages() -> None:
    """Make every cached page stale (a new generation), once the current transaction commits.

    Cheap and idempotent within a transaction: one bump however many rows an import saves.
    """
    # Django keeps the callbacks of the open transaction as (savepoint ids, callback, robust).
    if _new_generation not in [entry[1] for entry in connection.run_on_commit]:
        transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _generation() -> int:
    # A new one, never an old one, if the key was evicted: older entries stay unreachable.
    return cache.get_or_set(GENERATION_KEY, time.time_ns, timeout=None)


def _seconds() -> int:
    return int(getattr(settings, "WAKE_PAGE_CACHE_SECONDS", 0))


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not any(header in request.META for header in _CREDENTIAL_HEADERS)
    )


def shared_data(request: HttpRequest, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this address, shared by every caller for the cache's lifetime
    and the current generation. For views whose answer is the same for every caller but that
    must authenticate and throttle each request themselves (the public API with its keys):
    they cache what they computed, not the response."""
    seconds = _seconds()
    if not seconds:
        return compute()
    key = _key(request, _generation(), kind="data")
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=seconds)
    return value


def _key(request: HttpRequest, generation, *, kind: str = "page") -> str:
    address = "|".join(
        [
            translation.get_language() or "",
            request.scheme,
            request.get_host(),
            request.get_full_path(),
        ]
    )
    return f"pagecache:{kind}:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if "public" not in cache_control or "private" in cache_control or "no-" in cache_control:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    # A form's CSRF token was issued: the page belongs to this visitor's cookie.
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


class SharedPageCacheMiddleware:
    """Serves and stores shareable anonymous pages (see the module's contract).

    Sits after the locale middleware (the key needs the page language) and before the CSRF and
    authentication middleware (a hit needs neither, and a CSRF cookie set on the way out must be
    seen here so that the page is not stored).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = _seconds()
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request, _generation())
        stored = cache.get(key)
        if stored is not None:
            return self._replay(request, stored)
        response = self.get_response(request)
        if _storable(request, response):
            cache.set(key, self._entry(request, response), timeout=seconds)
            response["X-Cache"] = "MISS"
        return response

    @staticmethod
    def _entry(request: HttpRequest, response: HttpResponse) -> tuple:
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in _UNSHARED_HEADERS
        ]
        nonce = getattr(request, "_csp_nonce", None)
        return (
            response.status_code,
            headers,
            zlib.compress(response.content, 1),
            nonce if isinstance(nonce, str) else "",
            time.time(),
        )

    @staticmethod
    def _replay(request: HttpRequest, stored: tuple) -> HttpResponse:
        status, headers, compressed, nonce, stored_at = stored
        content = zlib.decompress(compressed)
        if nonce:
            # This response's own nonce (the policy middleware writes it into the header).
            content = content.replace(nonce.encode(), str(request.csp_nonce).encode())
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = "HIT"
        response["Age"] = str(max(0, int(time.time() - stored_at)))
        return response


# Content whose change shows on shared pages at once: the catalogue, the taxonomy, the site's
# pages and images, the analytics results. Job postings age out with the cache's lifetime.
INVALIDATING_APPS = frozenset(
    {"courses", "skills", "cms", "analytics", "wagtailcore", "wagtailimages", "taggit"}
)


# What visitors and API clients write themselves and no shared page shows: a subscription or
# a digest must not make every cached page cold.
PRIVATE_MODELS = frozenset({"cms.apikey", "cms.savedsearch", "cms.alertdelivery"})


def _on_change(sender, **kwargs) -> None:
    meta = sender._meta
    if (
        _seconds()
        and meta.app_label in INVALIDATING_APPS
        and meta.label_lower not in PRIVATE_MODELS
    ):
        invalidate_shared_pages()


def connect_invalidation() -> None:
    """Bump the generation on every save, delete or many-to-many change of shared content."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_on_change, dispatch_uid=f"pagecache-invalidation-{name}")
