"""Answers to clients that asked too often: the login lock-out page (django-axes calls it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def login_locked_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """429 with a page that says why and for how long; Retry-After in seconds."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 15 * 60
    minutes = max(1, (seconds + 59) // 60)
    response = render(request, "core/login_locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
