"""iCalendar (.ics) feeds of sessions: a provider's, an offer's. Calendar applications
subscribe to the URL and refresh it; each session keeps its UID, so a moved date updates the
event instead of adding one, and a cancelled session shows as cancelled."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from courses.models import OfferPage, ProviderPage, Session, SessionStatus

UID_DOMAIN = "wake-for-skills"


def sessions_calendar(*, name: str, sessions, request) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//wake! for skills//sessions//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("method", "PUBLISH")
    stamp = timezone.now()
    for session in sessions:
        offer = session.page
        event = Event()
        event.add("uid", f"session-{session.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", offer.title)
        # All-day events: DTEND is exclusive, so the day after the last day.
        event.add("dtstart", session.start_date)
        event.add("dtend", (session.end_date or session.start_date) + datetime.timedelta(days=1))
        place = session.location or session.effective_commune
        if place:
            event.add("location", place)
        url = request.build_absolute_uri(offer.url) if offer.url else ""
        if url:
            event.add("url", url)
        event.add("description", f"{offer.summary}\n{url}".strip())
        event.add(
            "status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return calendar.to_ical()


def _upcoming_sessions():
    horizon = timezone.localdate() - datetime.timedelta(days=settings.CALENDAR_PAST_DAYS)
    return (
        Session.objects.filter(page__live=True, start_date__gte=horizon)
        .select_related("page", "page__provider")
        .order_by("start_date", "pk")
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


@require_GET
def provider_calendar(request, slug: str):
    provider = get_object_or_404(ProviderPage.objects.live().public(), slug=slug)
    offers = OfferPage.objects.live().public().filter(provider=provider)
    sessions = _upcoming_sessions().filter(page__in=offers)
    return _ics_response(
        sessions_calendar(name=provider.title, sessions=sessions, request=request), slug
    )


@require_GET
def offer_calendar(request, pk: int):
    offer = OfferPage.objects.live().public().filter(pk=pk).first()
    if offer is None:
        raise Http404
    sessions = _upcoming_sessions().filter(page=offer)
    return _ics_response(
        sessions_calendar(name=offer.title, sessions=sessions, request=request), f"offre-{pk}"
    )
