"""Saved searches and their alerts: double opt-in, digests, one-click unsubscribe, feeds.

An alert tells its subscriber about *items*: the upcoming open sessions of the offers a
catalogue search finds, or the postings a posting search finds. What was told is recorded in
`AlertDelivery` only after the e-mail went out, in the same transaction as `last_sent_at`:
each item is told once, and a failed send is retried whole at the next run (never lost).
Confirming records what already matches, so the first digest brings only what is new.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.models import AlertDelivery, SavedSearch
from cms.search_params import (
    SearchParamsError,
    catalogue_query_from_params,
    posting_query_from_params,
)
from courses.models import Session, SessionStatus
from jobs.selectors import board_postings
from search import catalogue_search, posting_search

logger = logging.getLogger(__name__)

# How many results of a saved search an alert looks at (best first), and how often at most a
# digest of each frequency goes out (a little under the period: cron runs drift).
ALERT_RESULT_LIMIT = 200
_PAGE_SIZE = 100
MINIMUM_INTERVAL = {
    SavedSearch.Frequency.DAILY: datetime.timedelta(hours=20),
    SavedSearch.Frequency.WEEKLY: datetime.timedelta(days=6, hours=12),
}


@dataclass(frozen=True)
class AlertItem:
    kind: str  # AlertDelivery.ItemKind
    id: int
    title: str
    detail: str
    url: str
    date: datetime.date | None


@dataclass(frozen=True)
class DigestReport:
    sent: int = 0
    nothing_new: int = 0
    failed: int = 0


def _query(saved: SavedSearch):
    params = QueryDict(saved.query_string)
    if saved.kind == SavedSearch.Kind.OFFERS:
        return catalogue_query_from_params(params, language=saved.language)
    return posting_query_from_params(params, language=saved.language)


def search_summary(*, kind: str, query_string: str, language: str) -> tuple[list[str], int]:
    """What a search is, in words (its text, the concepts it uses, the filters in force), and
    how many results it has today: what the alert form shows before anyone subscribes.
    Raises SearchParamsError for parameters that are not a valid search."""
    saved = SavedSearch(kind=kind, query_string=query_string, language=language)
    query = dataclasses.replace(_query(saved), page=1, page_size=1)
    search = catalogue_search if kind == SavedSearch.Kind.OFFERS else posting_search
    result = search(query=query)
    quoted = "“{}”" if language.startswith("en") else "« {} »"
    parts = [quoted.format(query.text)] if query.text else []
    parts += [chip.label for chip in result.chips]
    parts += [value.label for facet in result.facets for value in facet.values if value.selected]
    return parts, result.total


def alert_items(*, saved: SavedSearch) -> list[AlertItem]:
    """What the saved search finds now, as items (soonest or newest first)."""
    query = _query(saved)
    if saved.kind == SavedSearch.Kind.OFFERS:
        offer_ids = []
        page = 1
        while len(offer_ids) < ALERT_RESULT_LIMIT:
            result = catalogue_search(
                query=dataclasses.replace(query, page=page, page_size=_PAGE_SIZE)
            )
            offer_ids += [hit.offer_id for hit in result.hits]
            if page * _PAGE_SIZE >= result.total or not result.hits:
                break
            page += 1
        sessions = (
            Session.objects.filter(
                page_id__in=offer_ids[:ALERT_RESULT_LIMIT],
                page__live=True,
                start_date__gte=timezone.localdate(),
                status=SessionStatus.OPEN,
            )
            .select_related("page", "page__provider")
            .order_by("start_date", "pk")
        )
        return [
            AlertItem(
                kind=AlertDelivery.ItemKind.SESSION,
                id=session.pk,
                title=session.page.title,
                detail=" · ".join(
                    part
                    for part in (
                        session.page.provider.title if session.page.provider else "",
                        session.effective_commune,
                    )
                    if part
                ),
                url=session.page.url or "",
                date=session.start_date,
            )
            for session in sessions
        ]
    result = posting_search(query=dataclasses.replace(query, page=1, page_size=_PAGE_SIZE))
    # The search ranks every published unique posting; the board drops those past their date
    # (410 there), so an alert or a public feed never points to one.
    # Items link to the board page (schema.org markup, training offers for the job), not to
    # the feed's source: portal postings have no source at all.
    board_urls = {
        posting.pk: posting.get_absolute_url()
        for posting in board_postings()
        .select_related(None)
        .prefetch_related(None)
        .filter(pk__in=[hit.posting_id for hit in result.hits])
        .only("pk", "title")
    }
    return [
        AlertItem(
            kind=AlertDelivery.ItemKind.POSTING,
            id=hit.posting_id,
            title=hit.title,
            detail=" · ".join(part for part in (hit.employer, hit.place) if part),
            url=board_urls[hit.posting_id],
            date=hit.posted,
        )
        for hit in result.hits
        if hit.posting_id in board_urls
    ]


def new_alert_items(*, saved: SavedSearch) -> list[AlertItem]:
    told = set(saved.deliveries.values_list("item_kind", "item_id"))
    return [item for item in alert_items(saved=saved) if (item.kind, item.id) not in told]


def saved_search_create(
    *, email: str, kind: str, query_string: str, language: str, frequency: str, base_url: str
) -> SavedSearch:
    """Record a search to follow and send the confirmation e-mail (double opt-in). Raises
    ValidationError when the search's parameters are not a valid search."""
    if kind not in SavedSearch.Kind.values or frequency not in SavedSearch.Frequency.values:
        raise ValidationError(_("Unknown kind of alert."))
    saved = SavedSearch(
        email=email,
        kind=kind,
        query_string=query_string[:2000],
        # French is the default language: its URLs carry no prefix only under LANGUAGE_CODE.
        language="en" if language.startswith("en") else settings.LANGUAGE_CODE,
        frequency=frequency,
        token=secrets.token_urlsafe(32),
    )
    try:
        _query(saved)
    except SearchParamsError as error:
        message = _("This search cannot be followed: %(error)s") % {"error": error}
        raise ValidationError(message) from error
    saved.full_clean()
    saved.save()
    with translation.override(saved.language):
        link = base_url + reverse("alerts:confirm", args=[saved.token])
        context = {"saved": saved, "link": link}
        send = EmailMultiAlternatives(
            subject=_("Confirm your wake! for skills alert"),
            body=render_to_string("cms/alerts/confirm_email.txt", context),
            to=[saved.email],
        )
        send.send()
    return saved


def saved_search_confirm(*, saved: SavedSearch) -> None:
    """Start the alert; what matches today counts as already told."""
    if saved.confirmed_at is not None:
        return
    with transaction.atomic():
        saved.confirmed_at = timezone.now()
        saved.unsubscribed_at = None
        saved.save(update_fields=["confirmed_at", "unsubscribed_at"])
        _record(saved, alert_items(saved=saved))


def saved_search_unsubscribe(*, saved: SavedSearch) -> None:
    if saved.unsubscribed_at is None:
        saved.unsubscribed_at = timezone.now()
        saved.save(update_fields=["unsubscribed_at"])


def alert_digests_send(*, frequency: str, base_url: str, now=None) -> DigestReport:
    """Send every due digest of `frequency` that has something new; see the module doc."""
    now = now or timezone.now()
    due_before = now - MINIMUM_INTERVAL[frequency]
    report = DigestReport()
    searches = SavedSearch.objects.filter(
        frequency=frequency, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    for saved in searches.iterator():
        if saved.last_sent_at is not None and saved.last_sent_at > due_before:
            continue
        try:
            items = new_alert_items(saved=saved)
            if not items:
                report = dataclasses.replace(report, nothing_new=report.nothing_new + 1)
                continue
            with transaction.atomic():
                # The e-mail goes out inside the transaction: when sending fails, nothing is
                # recorded and the same items are sent next time.
                _send_digest(saved, items, base_url=base_url)
                _record(saved, items)
                saved.last_sent_at, saved.failures, saved.last_error = now, 0, ""
                saved.save(update_fields=["last_sent_at", "failures", "last_error"])
            report = dataclasses.replace(report, sent=report.sent + 1)
        except Exception as error:  # one subscriber's failure must not stop the others
            logger.exception("Alert digest %s to %s failed", saved.pk, saved.email)
            SavedSearch.objects.filter(pk=saved.pk).update(
                failures=saved.failures + 1, last_error=str(error)[:2000]
            )
            report = dataclasses.replace(report, failed=report.failed + 1)
    return report


def _record(saved: SavedSearch, items: list[AlertItem]) -> None:
    AlertDelivery.objects.bulk_create(
        [AlertDelivery(saved_search=saved, item_kind=i.kind, item_id=i.id) for i in items],
        ignore_conflicts=True,
    )


def _send_digest(saved: SavedSearch, items: list[AlertItem], *, base_url: str) -> None:
    with translation.override(saved.language):
        unsubscribe = base_url + reverse("alerts:unsubscribe", args=[saved.token])
        search_path = reverse(
            "search:offers" if saved.kind == SavedSearch.Kind.OFFERS else "search:postings"
        )
        context = {
            "saved": saved,
            "items": [
                dataclasses.replace(item, url=_absolute(item.url, base_url)) for item in items
            ],
            "search_url": f"{base_url}{search_path}?{saved.query_string}",
            "unsubscribe_url": unsubscribe,
            "feed_url": base_url + reverse("alerts:feed", args=[saved.token]),
        }
        message = EmailMultiAlternatives(
            subject=_("%(count)d new results for your alert") % {"count": len(items)},
            body=render_to_string("cms/alerts/digest_email.txt", context),
            to=[saved.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            render_to_string("cms/alerts/digest_email.html", context), "text/html"
        )
        message.send()


def _absolute(url: str, base_url: str) -> str:
    return url if url.startswith("http") else base_url + url


def site_base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
