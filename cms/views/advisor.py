"""The advisor area: gap dashboards over the stored analytics (`analytics.selectors`).

Every page and download is for accounts with `cms.view_advisor_dashboards` (see
`advisor_access`); decisions on emerging skills need `cms.curate_emerging_skills` as well.
Views stay thin: a selector gives the figures, `advisor_builders` turns them into the page's
tables and charts, and the same tables answer `?export=csv|xlsx&table=<slug>`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from analytics import selectors
from analytics.models import ALL
from cms.views import advisor_builders as build
from cms.views.advisor_access import advisor_required, curator_required, is_advisor, is_curator
from cms.views.advisor_filters import AdvisorFilterForm, AdvisorFilters
from cms.views.advisor_tables import Chart, Table, export_response
from courses.selectors import provider_list
from skills.models import Occupation, Skill, SkillGroup

OVERVIEW_TOP = 15
# What each page filters on (the others would not change its figures, so they are not offered).
AREA_FILTERS = ("province", "period")
SHORTAGE_FILTERS = ("province", "period", "isco", "sector", "shortage_list")


def _filters(request: HttpRequest) -> tuple[AdvisorFilterForm, AdvisorFilters]:
    form = AdvisorFilterForm(request.GET)
    return form, form.filters()


def _province(filters: AdvisorFilters) -> str | None:
    return None if filters.province == ALL else filters.province


def _nav(request: HttpRequest, current: str) -> list[dict]:
    if not is_advisor(request.user):
        return []  # a provider's editor on its alignment page: the rest is not theirs to see
    items = [
        ("overview", _("Overview"), reverse("advisor:overview")),
        ("shortages", _("Shortage professions"), reverse("advisor:shortages")),
        ("emerging", _("Emerging skills"), reverse("advisor:emerging")),
        ("providers", _("Providers' alignment"), reverse("advisor:providers")),
        ("public", _("Public summary"), reverse("gaps:public_summary")),
    ]
    return [
        {"key": key, "label": label, "url": url, "current": key == current}
        for key, label, url in items
    ]


def _page(
    request: HttpRequest,
    template: str,
    *,
    current: str,
    title: str,
    tables: list[Table] = (),
    charts: list[Chart] = (),
    form: AdvisorFilterForm | None = None,
    filter_fields: tuple[str, ...] = (),
    filters: AdvisorFilters | None = None,
    **context,
) -> HttpResponse:
    """The page, or the download of one of its tables (same filters, same rows)."""
    all_tables = [*tables, *(chart.table for chart in charts)]
    download = export_response(
        request, all_tables, filename_parts=filters.filename_parts() if filters else ()
    )
    if download is not None:
        return download
    return render(
        request,
        template,
        {
            "page_title": title,
            "advisor_nav": _nav(request, current),
            "run": selectors.latest_run(),
            "methodology": selectors.methodology(),
            "filters": form,
            "filter_fields": filter_fields,
            "tables": tables,
            "charts": charts,
            "filter_query": build.filter_query(request),
            **context,
        },
    )


@require_GET
@advisor_required
def overview(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    province = _province(filters)
    summary = selectors.overview(province=province, period=filters.period)
    gaps = selectors.skill_gaps(
        province=province, period=filters.period, shortage_only=True, limit=OVERVIEW_TOP
    )
    professions = selectors.shortage_professions(
        province=province, period=filters.period, tense_only=True
    )[:OVERVIEW_TOP]
    query = build.filter_query(request)
    return _page(
        request,
        "cms/advisor/overview.html",
        current="overview",
        title=_("Gaps between training and employers' demand"),
        charts=[build.gap_chart(gaps, query=query)],
        tables=[
            build.shortage_table(professions, query=query, slug="tense-professions", compact=True)
        ],
        form=form,
        filter_fields=AREA_FILTERS,
        filters=filters,
        tiles=build.overview_tiles(summary) if summary else [],
        summary=summary,
    )


@require_GET
@advisor_required
def shortages(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    rows = selectors.shortage_professions(
        province=_province(filters),
        period=filters.period,
        shortage_list=filters.shortage_list.pk if filters.shortage_list else None,
        isco_group=filters.isco or None,
        sector=filters.sector or None,
    )
    return _page(
        request,
        "cms/advisor/shortages.html",
        current="shortages",
        title=_("Shortage professions"),
        tables=[build.shortage_table(rows, query=build.filter_query(request))],
        form=form,
        filter_fields=SHORTAGE_FILTERS,
        filters=filters,
    )


@require_GET
@advisor_required
def profession(request: HttpRequest, key: str) -> HttpResponse:
    occupation = get_object_or_404(Occupation.objects.only("uri", "key"), key=key)
    form, filters = _filters(request)
    detail = selectors.profession_detail(
        occupation_uri=occupation.uri, province=_province(filters), period=filters.period
    )
    if detail is None:
        return _page(
            request,
            "cms/advisor/profession.html",
            current="shortages",
            title=occupation.label(),
            occupation=occupation,
            form=form,
            filter_fields=AREA_FILTERS,
            filters=filters,
        )
    query = build.filter_query(request)
    return _page(
        request,
        "cms/advisor/profession.html",
        current="shortages",
        title=detail.occupation.label,
        charts=[
            build.profession_trend_chart(detail),
            build.profession_provinces_chart(detail),
        ],
        tables=[
            build.essential_skills_table(detail, query=query),
            build.offers_table(detail.nearest_offers),
            build.training_requests_table(detail.training_requests),
            build.candidates_table(detail.candidate_providers),
        ],
        form=form,
        filter_fields=AREA_FILTERS,
        filters=filters,
        occupation=occupation,
        detail=detail,
        row=detail.row,
        basis=build.tension_basis(detail.row) if detail.row else [],
    )


@require_GET
@advisor_required
def skill(request: HttpRequest, key: str) -> HttpResponse:
    concept = get_object_or_404(Skill.objects.only("uri", "key"), key=key)
    form, filters = _filters(request)
    detail = selectors.skill_detail(
        skill_uri=concept.uri, province=_province(filters), period=filters.period
    )
    charts, tables = [], []
    if detail is not None:
        query = build.filter_query(request)
        charts = [build.skill_months_chart(detail)]
        tables = [
            build.skill_occupations_table(detail, query=query),
            build.skill_providers_table(detail),
        ]
    return _page(
        request,
        "cms/advisor/skill.html",
        current="",
        title=detail.skill.label if detail else concept.label(),
        charts=charts,
        tables=tables,
        form=form,
        filter_fields=AREA_FILTERS,
        filters=filters,
        concept=concept,
        detail=detail,
        gap=detail.gap if detail else None,
    )


@require_GET
@advisor_required
def emerging(request: HttpRequest) -> HttpResponse:
    terms = selectors.emerging_terms()
    return _page(
        request,
        "cms/advisor/emerging.html",
        current="emerging",
        title=_("Emerging skills"),
        tables=[build.emerging_table(terms)],
        terms=terms,
        can_decide=is_curator(request.user),
    )


def _concept_by_reference(reference: str, *, groups: bool = False):
    """The skill (or, with `groups`, skill group) a curator names by its URI, its key or its
    exact preferred label (French or English); None when nothing, or several, match."""
    reference = reference.strip()
    if not reference:
        return None
    models = [Skill, SkillGroup] if groups else [Skill]
    for model in models:
        found = model.objects.filter(uri=reference).first()
        if found is not None:
            return found
    found = Skill.objects.filter(key=reference).first()
    if found is not None:
        return found
    for model in models:
        matches = list(
            model.objects.filter(
                Q(preferred_label_fr__iexact=reference) | Q(preferred_label_en__iexact=reference),
                is_obsolete=False,
            )[:2]
        )
        if len(matches) == 1:
            return matches[0]
    return None


@require_POST
@curator_required
def emerging_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a queued term as a local concept or a synonym, or reject it (analytics services,
    which record the decision so the term is not proposed again)."""
    from analytics.services.emerging import (
        emerging_term_accept_concept,
        emerging_term_accept_synonym,
        emerging_term_reject,
    )

    queued = next((term for term in selectors.emerging_terms() if term.id == pk), None)
    if queued is None:
        messages.error(request, _("This term is no longer in the queue (decided, or recomputed)."))
        return redirect("advisor:emerging")
    action = request.POST.get("action", "")
    try:
        if action == "reject":
            emerging_term_reject(
                term=queued.term, note=request.POST.get("note", "")[:1000], user=request.user
            )
            messages.success(
                request,
                _("“%(term)s” is rejected: it will not be proposed again.") % {"term": queued.term},
            )
        elif action == "synonym":
            skill = _concept_by_reference(request.POST.get("skill", ""))
            if skill is None:
                raise ValidationError(
                    _("No single skill has this URI or label: copy the URI from the skill's page.")
                )
            emerging_term_accept_synonym(term=queued.term, skill=skill, user=request.user)
            messages.success(
                request,
                _("“%(term)s” is now a synonym of “%(skill)s”.")
                % {"term": queued.term, "skill": skill.label()},
            )
        elif action == "concept":
            broader = _concept_by_reference(request.POST.get("broader", ""), groups=True)
            if broader is None:
                raise ValidationError(
                    _(
                        "No single ESCO skill or skill group has this URI or label: copy the URI "
                        "from its page."
                    )
                )
            decision = emerging_term_accept_concept(
                term=queued.term,
                label_fr=request.POST.get("label_fr", "").strip()[:255] or queued.term,
                label_en=request.POST.get("label_en", "").strip()[:255],
                broader=broader,
                user=request.user,
            )
            messages.success(
                request,
                _("“%(term)s” is now the local concept “%(skill)s”.")
                % {"term": queued.term, "skill": decision.skill.label() if decision.skill else ""},
            )
        else:
            raise ValidationError(_("Choose a decision: synonym, local concept or reject."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("advisor:emerging") + f"#term-{pk}")


@require_GET
@advisor_required
def providers(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "cms/advisor/providers.html",
        current="providers",
        title=_("Providers' alignment with shortage professions"),
        tables=[build.providers_table(provider_list())],
    )


@require_GET
@login_required
def provider(request: HttpRequest, slug: str) -> HttpResponse:
    """A provider's alignment with the shortage professions: for advisors, and for the people
    who edit the provider's pages (its own offers and what they could add; no employer in it)."""
    page = provider_list().filter(slug=slug).first()
    if page is None:
        raise Http404("No provider with this slug.")
    advisor = is_advisor(request.user)
    if not advisor and not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    alignment = selectors.provider_alignment(provider_id=page.pk)
    tables = []
    if alignment is not None:
        query = build.filter_query(request)
        tables = [
            build.alignment_table(
                alignment.rows, query=query, slug="alignment", advisor_links=advisor
            ),
            build.alignment_table(
                alignment.nearly_covered, query=query, slug="nearly-covered", advisor_links=advisor
            ),
        ]
    return _page(
        request,
        "cms/advisor/provider.html",
        current="providers",
        title=page.title,
        tables=tables,
        provider=page,
        alignment=alignment,
    )
