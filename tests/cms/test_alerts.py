"""Alerts: double opt-in, each new item told once, failures retried, one-click unsubscribe,
feeds and calendars of any search."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from icalendar import Calendar

from cms.alerts import alert_digests_send
from cms.models import SavedSearch
from courses.models import Session
from search.services import rebuild_offer_documents
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
BASE = "http://testserver"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def offers(provider_index):
    provider = make_provider(name="Centre Alertes", province="namur")
    welding = make_offer(provider, title="Soudure TIG et MIG", summary="Apprendre la soudure.")
    pastry = make_offer(provider, title="Pâtisserie de base", summary="Les bases du sucré.")
    rebuild_offer_documents()
    return welding, pastry


def subscribe(client, *, query: str, email: str, frequency="daily", kind="offers"):
    response = client.post(
        "/alertes/", {"email": email, "kind": kind, "query": query, "frequency": frequency}
    )
    assert response.status_code == 200
    message = mail.outbox[-1]
    assert message.to == [email]
    link = re.search(r"http://testserver(/alertes/\S+/confirmer/)", message.body).group(1)
    assert client.get(link).status_code == 200  # a GET does not confirm: mail scanners open links
    saved = SavedSearch.objects.get(email=email)
    assert saved.confirmed_at is None
    client.post(link)
    saved.refresh_from_db()
    assert saved.is_active
    return saved


def add_session(offer, days: int) -> Session:
    return Session.objects.create(page=offer, start_date=TODAY + datetime.timedelta(days=days))


def test_a_new_session_triggers_exactly_the_expected_digests_once(client, offers):
    welding, _pastry = offers
    soudure = subscribe(client, query="q=soudure", email="soudeuse@example.be")
    patisserie = subscribe(client, query="q=pâtisserie", email="patissier@example.be")
    weekly = subscribe(client, query="q=soudure", email="hebdo@example.be", frequency="weekly")
    mail.outbox.clear()

    # What matched at confirmation is not news.
    assert alert_digests_send(frequency="daily", base_url=BASE).sent == 0
    assert mail.outbox == []

    new = add_session(welding, 60)
    report = alert_digests_send(frequency="daily", base_url=BASE)
    assert (report.sent, report.failed) == (1, 0)
    assert [m.to for m in mail.outbox] == [["soudeuse@example.be"]]
    digest = mail.outbox[0]
    assert "Soudure TIG et MIG" in digest.body and "Pâtisserie" not in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert soudure.deliveries.filter(item_kind="session", item_id=new.pk).exists()
    assert not patisserie.deliveries.filter(item_id=new.pk).exists()

    # Once: a second run the next day has nothing new for anyone.
    later = timezone.now() + datetime.timedelta(days=1)
    assert alert_digests_send(frequency="daily", base_url=BASE, now=later).sent == 0
    assert len(mail.outbox) == 1
    # The weekly subscriber gets the same news in its own digest.
    assert alert_digests_send(frequency="weekly", base_url=BASE).sent == 1
    assert mail.outbox[-1].to == ["hebdo@example.be"] and weekly.deliveries.exists()


def test_a_failed_send_is_retried_whole_and_never_lost(client, offers, settings):
    welding, _pastry = offers
    saved = subscribe(client, query="q=soudure", email="soudeuse@example.be")
    new = add_session(welding, 45)
    settings.EMAIL_BACKEND = "tests.cms.test_alerts.FailingBackend"
    report = alert_digests_send(frequency="daily", base_url=BASE)
    assert (report.sent, report.failed) == (0, 1)
    saved.refresh_from_db()
    assert saved.failures == 1 and "unreachable" in saved.last_error
    assert not saved.deliveries.filter(item_id=new.pk).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert alert_digests_send(frequency="daily", base_url=BASE).sent == 1
    assert "Soudure TIG et MIG" in mail.outbox[0].body
    saved.refresh_from_db()
    assert saved.failures == 0 and saved.deliveries.filter(item_id=new.pk).exists()


def test_one_click_unsubscribe_stops_the_alert(client, offers):
    welding, _pastry = offers
    saved = subscribe(client, query="q=soudure", email="soudeuse@example.be")
    add_session(welding, 30)
    alert_digests_send(frequency="daily", base_url=BASE)
    unsubscribe = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    # RFC 8058: the mail client posts without a CSRF token.
    client.post(unsubscribe.replace(BASE, ""), {"List-Unsubscribe": "One-Click"})
    saved.refresh_from_db()
    assert saved.unsubscribed_at is not None
    mail.outbox.clear()
    add_session(welding, 90)
    later = timezone.now() + datetime.timedelta(days=2)
    assert alert_digests_send(frequency="daily", base_url=BASE, now=later).sent == 0
    assert mail.outbox == []


def test_the_alert_form_says_in_words_what_will_be_followed(client, offers):
    response = client.get("/alertes/", {"kind": "offers", "query": "q=soudure&province=namur"})
    assert response.status_code == 200
    lead = re.search(r'<p class="lead">(.*?)</p>', response.text, re.S).group(1)
    assert "« soudure »" in lead and "Namur" in lead and "1 résultat aujourd’hui" in lead
    assert 'name="csrfmiddlewaretoken"' in response.text

    english = client.get("/en/alertes/", {"kind": "offers", "query": "q=soudure"})
    assert "“soudure”" in english.text and "1 result today" in english.text

    refused = client.get("/alertes/", {"kind": "offers", "query": "province=mars"})
    assert refused.status_code == 400
    assert (
        refused.text.count("This search cannot be followed")
        + refused.text.count("Cette recherche ne peut pas être suivie")
        == 1
    )


def test_an_invalid_search_cannot_be_followed(client, offers):
    response = client.post(
        "/alertes/",
        {"email": "x@example.be", "kind": "offers", "query": "province=mars", "frequency": "daily"},
    )
    assert response.status_code == 400
    assert not SavedSearch.objects.exists() and mail.outbox == []


def test_any_search_is_a_feed_and_a_calendar(client, offers):
    feed = client.get("/flux/formations/", {"q": "soudure"})
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Soudure TIG et MIG" in body and "Pâtisserie" not in body

    calendar = Calendar.from_ical(
        client.get("/calendrier/formations.ics", {"q": "soudure"}).content
    )
    summaries = {str(e["summary"]) for e in calendar.walk() if e.name == "VEVENT"}
    assert summaries == {"Soudure TIG et MIG"}


def test_posting_alerts_and_feeds_keep_to_the_public_board(client):
    """A published posting past its date leaves the board (410 there): no feed or digest
    points to it."""
    from django.core.management import call_command

    from jobs.models import JobPosting
    from tests.jobs.factories import JobPostingFactory

    current = JobPostingFactory(
        title="Soudeur en atelier", status=JobPosting.Status.PUBLISHED, posted_on=TODAY
    )
    past = JobPostingFactory(
        title="Ancienne offre de chaudronnier",
        status=JobPosting.Status.PUBLISHED,
        posted_on=TODAY - datetime.timedelta(days=30),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    call_command("rebuild_search_index", only="postings", stdout=io.StringIO())
    assert client.get(past.get_absolute_url()).status_code == 410
    body = client.get("/flux/emplois/").content.decode()
    assert "Soudeur en atelier" in body and "chaudronnier" not in body
    # Entries lead to the board page, whether or not the posting came from a feed.
    assert current.get_absolute_url() in body
