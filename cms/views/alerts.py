"""Alert pages: create (from a search page), confirm (double opt-in), unsubscribe (one click,
RFC 8058), and Atom feeds and calendars of any search or saved alert."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cms.alerts import (
    AlertItem,
    alert_items,
    saved_search_confirm,
    saved_search_create,
    saved_search_unsubscribe,
    search_summary,
)
from cms.models import SavedSearch
from cms.search_params import SearchParamsError
from courses.calendars import sessions_calendar
from courses.models import Session


def _page(request, *, heading, message="", action="", saved=None, errors=(), status=200):
    context = {
        "heading": heading,
        "message": message,
        "action": action,
        "saved": saved,
        "errors": errors,
    }
    return render(request, "cms/alerts/page.html", context, status=status)


@require_http_methods(["GET", "POST"])
def create(request):
    """GET: the alert form for the search in `kind` and `query` (search pages link here, so
    that they carry no per-visitor form token and can be shared from the cache); POST: record
    the alert and send the confirmation link."""
    data = request.POST if request.method == "POST" else request.GET
    form = {
        "kind": data.get("kind", ""),
        "query": data.get("query", ""),
        "email": data.get("email", "").strip(),
        "frequency": data.get("frequency", SavedSearch.Frequency.WEEKLY),
    }
    if form["kind"] not in SavedSearch.Kind.values:
        return _page(
            request,
            heading=_("The alert could not be created"),
            errors=[_("Unknown kind of alert.")],
            status=400,
        )
    if request.method == "GET":
        return _form(request, form)
    try:
        saved_search_create(
            email=form["email"],
            kind=form["kind"],
            query_string=form["query"],
            language=translation.get_language() or "fr",
            frequency=form["frequency"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as error:
        return _form(request, form, errors=error.messages, status=400)
    return _page(
        request,
        heading=_("Check your mailbox"),
        message=_("We sent a confirmation link to %(email)s. The alert starts once you click it.")
        % {"email": form["email"]},
    )


def _form(request, form: dict, *, errors=(), status=200):
    search_path = reverse(
        "search:offers" if form["kind"] == SavedSearch.Kind.OFFERS else "search:postings"
    )
    try:
        summary, total = search_summary(
            kind=form["kind"],
            query_string=form["query"],
            language=translation.get_language() or "fr",
        )
    except SearchParamsError as error:
        summary, total = [], None
        message = _("This search cannot be followed: %(error)s") % {"error": error}
        errors = [*errors, message] if message not in errors else errors
        status = 400
    context = {
        "form": form,
        "errors": errors,
        "summary": summary,
        "total": total,
        "frequencies": SavedSearch.Frequency.choices,
        "search_url": f"{search_path}?{form['query']}" if form["query"] else search_path,
    }
    return render(request, "cms/alerts/create.html", context, status=status)


def confirm(request, token: str):
    saved = get_object_or_404(SavedSearch, token=token)
    if request.method == "POST":
        saved_search_confirm(saved=saved)
        return _page(
            request,
            heading=_("Your alert is on"),
            message=_("You will receive the new results by e-mail (%(frequency)s).")
            % {"frequency": saved.get_frequency_display()},
            saved=saved,
        )
    # A GET only shows the button: mail scanners that open links must not confirm for people.
    return _page(request, heading=_("Confirm your alert"), action=_("Confirm"), saved=saved)


@csrf_exempt  # RFC 8058 one-click unsubscribe posts from the mail client, without a CSRF token
def unsubscribe(request, token: str):
    saved = get_object_or_404(SavedSearch, token=token)
    if request.method == "POST":
        saved_search_unsubscribe(saved=saved)
        return _page(
            request,
            heading=_("You are unsubscribed"),
            message=_("This alert will send nothing more."),
        )
    return _page(request, heading=_("Stop this alert?"), action=_("Unsubscribe"), saved=saved)


class _ItemsFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: AlertItem) -> str:
        date = f" · {item.date:%d/%m/%Y}" if item.date else ""
        return f"{item.title}{date}"

    def item_description(self, item: AlertItem) -> str:
        return item.detail

    def item_link(self, item: AlertItem) -> str:
        return item.url

    def item_guid(self, item: AlertItem) -> str:
        return f"{item.kind}-{item.id}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: AlertItem):
        date = item.date or timezone.localdate()
        return timezone.make_aware(datetime.datetime.combine(date, datetime.time()))


class SavedSearchFeed(_ItemsFeed):
    """The current results of a confirmed alert."""

    def get_object(self, request, token: str):
        saved = SavedSearch.objects.filter(token=token).first()
        if saved is None or not saved.is_active:
            raise Http404
        return saved

    def title(self, saved) -> str:
        return _("wake! for skills alert: %(kind)s") % {"kind": saved.get_kind_display()}

    def link(self, saved) -> str:
        return "/"

    def items(self, saved):
        return alert_items(saved=saved)


class SearchFeed(_ItemsFeed):
    """Any search as a feed, without subscribing: the URL carries the search."""

    kind = SavedSearch.Kind.OFFERS

    def get_object(self, request):
        saved = SavedSearch(
            kind=self.kind,
            query_string=request.GET.urlencode(),
            language=translation.get_language() or "fr",
        )
        try:
            alert_items(saved=saved)
        except SearchParamsError as error:
            raise Http404(str(error)) from error
        return saved

    def title(self, saved) -> str:
        return _("wake! for skills: %(kind)s") % {"kind": saved.get_kind_display()}

    def link(self, saved) -> str:
        return "/"

    def items(self, saved):
        return alert_items(saved=saved)


class PostingSearchFeed(SearchFeed):
    kind = SavedSearch.Kind.POSTINGS


def search_calendar(request):
    """The upcoming sessions of the offers a search finds, as an iCalendar feed."""
    saved = SavedSearch(
        kind=SavedSearch.Kind.OFFERS,
        query_string=request.GET.urlencode(),
        language=translation.get_language() or "fr",
    )
    try:
        items = alert_items(saved=saved)
    except SearchParamsError as error:
        return HttpResponseBadRequest(str(error))
    sessions = Session.objects.filter(pk__in=[item.id for item in items]).select_related(
        "page", "page__provider"
    )
    content = sessions_calendar(name=_("My training search"), sessions=sessions, request=request)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="recherche.ics"'
    return response
