"""The public concept pages: skills, occupations, both hierarchies, shortage lists, and the
search box's suggestions (JSON).

Thin views: the concept comes from `skills.selectors`; on the skill and occupation pages, the
training offers that teach the skill or prepare for the occupation come from
`courses.selectors`.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from cms.forms import TaxonomySearchForm
from cms.jsonld import occupation_json_ld, skill_json_ld
from cms.views.advisor_access import is_advisor
from cms.views.advisor_public import occupation_figures, shortage_entries_with_figures
from core.languages import active_language
from core.pagecache import shared_cache
from core.text import fold
from courses.selectors import offers_for_skill
from skills import selectors

RESULTS_PER_PAGE = 20
# Offers listed on a concept page; the cadastre's own pages list and filter the rest.
OFFERS_CAP = 20


def _language(request: HttpRequest) -> str:
    """The page language, which LocaleMiddleware took from the URL (/en/ or none)."""
    return active_language(getattr(request, "LANGUAGE_CODE", None))


@require_GET
@shared_cache
def skill_detail(request: HttpRequest, key: str) -> HttpResponse:
    language = _language(request)
    try:
        detail = selectors.skill_detail(
            key=key,
            language=language,
            essential_page=request.GET.get("essential_page", 1),
            optional_page=request.GET.get("optional_page", 1),
        )
    except Http404:
        # ESCO skill groups share the /skill/ URI space: a group's key lands on its page.
        group = selectors.skill_group_by_key(key)
        if group is None:
            raise
        return redirect(group.get_absolute_url(), permanent=True)
    return render(
        request,
        "cms/concepts/skill_detail.html",
        {
            "detail": detail,
            "skill": detail.skill,
            "offers": list(offers_for_skill(skill=detail.skill, limit=OFFERS_CAP)),
            "json_ld": skill_json_ld(skill=detail.skill, request=request, language=language),
        },
    )


@require_GET
@shared_cache
def occupation_detail(request: HttpRequest, key: str) -> HttpResponse:
    language = _language(request)
    detail = selectors.occupation_detail(key=key, language=language)
    return render(
        request,
        "cms/concepts/occupation_detail.html",
        {
            "detail": detail,
            "occupation": detail.occupation,
            "json_ld": occupation_json_ld(detail=detail, request=request, language=language),
            # The gap analytics' figures (postings, sessions, coverage), when it follows it.
            "figures": occupation_figures(detail.occupation),
            "is_advisor": is_advisor(request.user),
        },
    )


@require_GET
@shared_cache
def skill_group_detail(request: HttpRequest, key: str) -> HttpResponse:
    detail = selectors.skill_group_detail(
        key=key, language=_language(request), page=request.GET.get("page", 1)
    )
    return render(request, "cms/concepts/skill_group_detail.html", {"detail": detail})


@require_GET
@shared_cache
def isco_group_detail(request: HttpRequest, code: str) -> HttpResponse:
    detail = selectors.isco_group_detail(code=code, language=_language(request))
    return render(request, "cms/concepts/isco_group_detail.html", {"detail": detail})


@require_GET
@shared_cache
def browser(request: HttpRequest) -> HttpResponse:
    """Search and browse skills and occupations; without a query, the top of both hierarchies."""
    language = _language(request)
    form = TaxonomySearchForm(request.GET or None)
    context: dict = {"form": form, "searching": False}
    if form.is_bound and form.is_valid() and form.has_criteria():
        data = form.cleaned_data
        if data["type"] == "occupation":
            results = selectors.occupation_search(query=data["q"], language=language)
        else:
            results = selectors.skill_search(
                query=data["q"],
                language=language,
                collection=data["collection"].slug if data["collection"] else "",
                skill_type=data["skill_type"],
            )
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        folded = data["q"] and fold(data["q"])
        context.update(
            searching=True,
            result_type=data["type"] or "skill",
            page_obj=page,
            results=[
                (item, selectors.matched_alternative(item, folded, language) if folded else "")
                for item in page.object_list
            ],
            query_without_page=_query_without_page(request),
        )
    else:
        context.update(
            skill_roots=selectors.skill_group_tree_roots(),
            isco_major_groups=selectors.isco_major_groups(),
            collections=selectors.skill_collections(),
        )
    return render(request, "cms/concepts/browser.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@shared_cache
def autocomplete(request: HttpRequest) -> JsonResponse:
    """`{"results": [{"uri", "label", "alt_match", "type", "url"}]}`, at most 10, best first."""
    kind = request.GET.get("type", "")
    language = request.GET.get("lang") or _language(request)
    results = selectors.taxonomy_autocomplete(
        query=request.GET.get("q", "")[:100], kind=kind, language=language
    )
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@shared_cache
def shortage_lists(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cms/concepts/shortage_lists.html",
        {"shortage_lists": selectors.shortage_lists()},
    )


@require_GET
@shared_cache
def shortage_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shortage_list, entries = selectors.shortage_list_detail(pk=pk)
    return render(
        request,
        "cms/concepts/shortage_list_detail.html",
        {
            "shortage_list": shortage_list,
            "entries": shortage_entries_with_figures(entries),
            "is_advisor": is_advisor(request.user),
        },
    )
