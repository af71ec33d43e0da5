"""The learner's training search (HTML and JSON) and the job-posting search of advisors and
employers.

Thin views: the query string becomes a `CatalogueQuery` in `cms.search_params` (a bad value is
a 400 that says which parameter is wrong), the search interface answers, and
`cms.search_display` turns the result into what the template draws (every link is a URL of
the same scheme). Which engine answered is the search interface's business, not the view's.
"""

from __future__ import annotations

import math
from dataclasses import replace

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cms import search_display
from cms.search_params import (
    SearchParamsError,
    catalogue_params,
    catalogue_query_from_params,
    posting_params,
    posting_query_from_params,
    to_querystring,
)
from core.languages import active_language
from core.pagecache import shared_cache
from jobs.selectors import employer_for_user
from search import catalogue_search, posting_search
from skills.selectors import taxonomy_autocomplete

# Free-text fields of the skill and goal pickers: without JavaScript, the server picks the
# best suggestion and redirects to the URL with its URI.
PICK_SKILL = "pick"
PICK_GOAL = "goal"


def _language(request: HttpRequest) -> str:
    return active_language(getattr(request, "LANGUAGE_CODE", None))


def _submitted_pairs(request: HttpRequest, *, ignore: tuple[str, ...] = ()) -> list:
    return [
        (name, value.strip())
        for name, values in request.GET.lists()
        if name not in ignore
        for value in values
        if value.strip()
    ]


def _resolve_pick(text: str, *, kind: str, language: str) -> dict | None:
    results = taxonomy_autocomplete(query=text[:100], kind=kind, language=language, limit=1)
    return results[0] if results else None


def _apply_picks(query, picks: dict[str, str], *, language: str):
    """`query` with the skill and goal typed in the pickers (no JavaScript), and the texts
    nothing matched."""
    unresolved = []
    if picks[PICK_SKILL]:
        found = _resolve_pick(picks[PICK_SKILL], kind="skill", language=language)
        if found is None:
            unresolved.append(picks[PICK_SKILL])
        elif found["uri"] not in query.skills:
            query = replace(query, skills=(*query.skills, found["uri"]))
    if picks[PICK_GOAL]:
        found = _resolve_pick(picks[PICK_GOAL], kind="occupation", language=language)
        if found is None:
            unresolved.append(picks[PICK_GOAL])
        else:
            query = replace(query, occupation=found["uri"])
    return query, unresolved


def _bad_request(request: HttpRequest, error: SearchParamsError, template: str) -> HttpResponse:
    return render(
        request,
        template,
        {"errors": error.errors, "reset_url": request.path},
        status=400,
    )


def _alert_context(
    *, kind: str, params: list[tuple[str, str]], feed_path: str, calendar_path: str = ""
) -> dict:
    """What the alert form (`cms/alerts/subscribe_form.html`) of a search page needs: the
    search's parameters without its page (an alert follows the search, not one page)."""
    return {
        "kind": kind,
        "query_string": to_querystring(params),
        "feed_path": feed_path,
        "calendar_path": calendar_path,
    }


@require_GET
@shared_cache
def offer_search(request: HttpRequest) -> HttpResponse:
    """The learner's search page; every state is its URL (see `cms.search_params`)."""
    language = _language(request)
    params = request.GET.copy()
    picks = {name: params.pop(name, [""])[-1].strip() for name in (PICK_SKILL, PICK_GOAL)}
    try:
        query = catalogue_query_from_params(params, language=language)
    except SearchParamsError as error:
        return _bad_request(request, error, "cms/search/offer_search_error.html")

    query, unresolved = _apply_picks(query, picks, language=language)

    # One canonical URL per search: a form submission with empty fields, defaults or a
    # resolved picker lands on the clean, shareable URL of the same search.
    canonical = catalogue_params(query)
    if not unresolved and sorted(canonical) != sorted(_submitted_pairs(request)):
        target = request.path + (f"?{to_querystring(canonical)}" if canonical else "")
        return HttpResponseRedirect(target)

    result = catalogue_search(query=query)
    last_page = max(1, math.ceil(result.total / query.page_size))
    if query.page > last_page:  # an old link past the end of a search that shrank
        return HttpResponseRedirect(
            f"{request.path}?{to_querystring(catalogue_params(query, page=last_page))}"
        )
    context = search_display.catalogue_context(result=result, path=request.path)
    context["unresolved_picks"] = unresolved
    context["alert"] = _alert_context(
        kind="offers",
        params=catalogue_params(query, page=1),
        feed_path=reverse("alerts:offers_feed"),
        calendar_path=reverse("alerts:offers_calendar"),
    )
    return render(request, "cms/search/offer_search.html", context)


@require_GET
@shared_cache
def offer_search_api(request: HttpRequest) -> JsonResponse:
    """The same search as JSON: the `CatalogueResult`, plus the page's URL and its neighbours."""
    try:
        query = catalogue_query_from_params(request.GET, language=_language(request))
    except SearchParamsError as error:
        return JsonResponse(
            {"error": _("Some search parameters are not valid."), "errors": error.errors},
            status=400,
        )
    result = catalogue_search(query=query)
    page_url = reverse("search:offers")
    return JsonResponse(
        search_display.catalogue_json(result=result, page_url=page_url),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )


def may_search_postings(user) -> bool:
    """Advisors, competence centres, moderators (who may view postings) and the members of an
    approved employer."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm("jobs.view_jobposting"):
        return True
    employer = employer_for_user(user)
    return employer is not None and employer.is_approved


@require_GET
def posting_search_page(request: HttpRequest) -> HttpResponse:
    """Published job postings by occupation, skills, province, contract and date."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("jobs:login"))
    if not may_search_postings(request.user):
        raise PermissionDenied
    language = _language(request)
    params = request.GET.copy()
    picks = {name: params.pop(name, [""])[-1].strip() for name in (PICK_SKILL, PICK_GOAL)}
    try:
        query = posting_query_from_params(params, language=language)
    except SearchParamsError as error:
        return _bad_request(request, error, "cms/search/posting_search_error.html")
    query, unresolved = _apply_picks(query, picks, language=language)
    canonical = posting_params(query)
    if not unresolved and sorted(canonical) != sorted(_submitted_pairs(request)):
        target = request.path + (f"?{to_querystring(canonical)}" if canonical else "")
        return HttpResponseRedirect(target)
    result = posting_search(query=query)
    context = search_display.posting_context(result=result, path=request.path)
    context["unresolved_picks"] = unresolved
    context["alert"] = _alert_context(
        kind="postings",
        params=posting_params(query, page=1),
        feed_path=reverse("alerts:postings_feed"),
    )
    return render(request, "cms/search/posting_search.html", context)
