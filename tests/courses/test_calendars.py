"""Session calendars (.ics), read back by a real iCalendar parser."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk() if c.name == "VEVENT"]


def test_a_providers_calendar_lists_its_live_offers_sessions(client, provider_index):
    provider = make_provider(name="Centre Agenda")
    offer = make_offer(
        provider,
        title="Soudure TIG",
        sessions=[
            {
                "start_date": TODAY + datetime.timedelta(days=10),
                "end_date": TODAY + datetime.timedelta(days=12),
                "commune": "Namur",
            },
            {"start_date": TODAY + datetime.timedelta(days=40), "status": "cancelled"},
            {"start_date": TODAY - datetime.timedelta(days=400)},  # long past: left out
        ],
    )
    make_offer(provider, title="Brouillon", publish=False)
    make_offer(make_provider(name="Autre centre"), title="Pas d'ici")

    found = events(client.get(f"/calendrier/organismes/{provider.slug}.ics"))
    assert [str(e["summary"]) for e in found] == ["Soudure TIG", "Soudure TIG"]
    first, cancelled = found
    assert first["dtstart"].dt == TODAY + datetime.timedelta(days=10)
    assert first["dtend"].dt == TODAY + datetime.timedelta(days=13)  # exclusive end
    assert str(first["location"]) == "Namur"
    assert str(first["url"]).endswith(offer.url)
    assert str(cancelled["status"]) == "CANCELLED"
    assert len({str(e["uid"]) for e in found}) == 2

    # A moved session keeps its UID: calendars update the event instead of adding one.
    session = offer.sessions.order_by("start_date").last()
    uid = next(str(e["uid"]) for e in found if e["dtstart"].dt == session.start_date)
    session.start_date += datetime.timedelta(days=7)
    session.save()
    again = events(client.get(f"/calendrier/offres/{offer.pk}.ics"))
    assert uid in {str(e["uid"]) for e in again}


def test_unpublished_offers_and_unknown_providers_have_no_calendar(client, provider_index):
    draft = make_offer(make_provider(), publish=False)
    assert client.get(f"/calendrier/offres/{draft.pk}.ics").status_code == 404
    assert client.get("/calendrier/organismes/inconnu.ics").status_code == 404
