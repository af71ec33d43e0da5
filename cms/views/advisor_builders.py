"""The advisor pages' tables and charts, built from what `analytics.selectors` returns.

One function per table: its columns (labels in the active language) and its rows, in the order
the page shows them. A suppressed row (too few postings to say anything) keeps its name and
loses its figures, here, so the page, the chart and the downloads all leave them out alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from analytics import selectors
from cms.views.advisor_filters import FILTER_FIELDS
from cms.views.advisor_tables import Chart, Column, Table
from core.places import Province
from courses.selectors import provider_list

LIST_SEPARATOR = "; "
# Skills named in one cell; the rest are counted ("… and 12 more"): the profession page lists
# every uncovered skill already, a cell of sixty names helps nobody.
NAMED_IN_A_CELL = 3


def short_tension(label: str, display: str) -> str:
    """The tension label as a table cell says it (the profession page gives the full label
    and why): the rule stays visible, Le Forem's or the estimate from postings."""
    short = {
        "forem_shortage": _("shortage (Le Forem)"),
        "forem_critical": _("critical (Le Forem)"),
        "forem_none": _("no tension (Le Forem)"),
        "proxy_tense": _("tense (estimate)"),
        "proxy_none": _("no tension (estimate)"),
    }
    return str(short.get(label, display))


def filter_query(request: HttpRequest) -> str:
    """The page's filters as a query string ("?province=liege&period=24m", or ""), for links to
    other advisor pages that keep them."""
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_FIELDS or not query.get(key):
            del query[key]
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _linker(name: str, query: str = ""):
    """key → URL of the detail page `name` (+ `query`), reversing once: a table links hundreds
    of rows, and one `reverse` per row was a tenth of a page's time."""
    placeholder = "0"
    head = reverse(name, args=[placeholder])[: -len(placeholder) - 1]
    return lambda key: f"{head}{quote(str(key), safe='')}/{query}"


def _some(labels: list[str]) -> str:
    """The first few labels, then how many more."""
    named = LIST_SEPARATOR.join(labels[:NAMED_IN_A_CELL])
    rest = len(labels) - NAMED_IN_A_CELL
    if rest > 0:
        return _("%(named)s … and %(count)s more") % {"named": named, "count": rest}
    return named


def _month(value) -> str:
    return date_format(value, "M Y") if value else ""


def _province_label(value: str) -> str:
    if value in Province.values:
        return str(Province(value).label)
    if value == "online":
        return _("Distance learning")
    return value or ""


def suppressed_note(minimum: int | None = None) -> str:
    if minimum is None:
        run = selectors.latest_run()
        minimum = (run.parameters if run else {}).get("min_cell_volume")
    if minimum is None:
        return _("Rows with too few postings show no figures (—): they would say nothing.")
    return _(
        "Rows with fewer than %(minimum)s postings show no figures (—): too few postings "
        "to say anything."
    ) % {"minimum": minimum}


# -- overview ---------------------------------------------------------------------------------


def overview_tiles(summary: selectors.Overview) -> list[dict]:
    """The overview's tiles: a figure, what it counts, and where to read more."""
    coverage = summary.average_coverage
    return [
        {"value": summary.postings, "kind": "int", "label": _("unique job postings")},
        {"value": summary.duplicates, "kind": "int", "label": _("re-posts counted once")},
        {"value": summary.offers, "kind": "int", "label": _("training offers")},
        {"value": summary.sessions, "kind": "int", "label": _("training sessions")},
        {"value": summary.seats, "kind": "int", "label": _("seats in those sessions")},
        {"value": summary.skills_demanded, "kind": "int", "label": _("skills employers ask for")},
        {
            "value": summary.skills_in_shortage,
            "kind": "int",
            "label": _("skills short of training"),
        },
        {
            "value": summary.shortage_professions,
            "kind": "int",
            "label": _("professions on a shortage list"),
            "url": reverse("advisor:shortages"),
        },
        {
            "value": summary.tense_professions,
            "kind": "int",
            "label": _("professions flagged as tense"),
            "url": reverse("advisor:shortages"),
        },
        {
            "value": coverage,
            "kind": "percent",
            "label": _("average coverage of essential skills"),
        },
        {
            "value": summary.emerging_terms,
            "kind": "int",
            "label": _("emerging terms to review"),
            "url": reverse("advisor:emerging"),
        },
    ]


def gap_chart(rows: list[selectors.GapRow], *, query: str = "") -> Chart:
    table = gap_table(rows, query=query)
    return Chart(
        slug="skill-gaps",
        table=table,
        x="skill",
        series=["demand_share", "supply_share"],
        kind="bar",
        options={"horizontal": True},
    )


def gap_table(rows: list[selectors.GapRow], *, query: str = "") -> Table:
    skill_url = _linker("advisor:skill", query)
    columns = [
        Column("skill", _("Skill"), link_key="skill_url"),
        Column("demand_postings", _("Postings"), "int"),
        Column("demand_share", _("Share of demand"), "percent"),
        Column("supply_sessions", _("Sessions"), "int"),
        Column("supply_seats", _("Seats"), "int"),
        Column("supply_share", _("Share of training supply"), "percent"),
        Column("log_ratio", _("Gap (smoothed log ratio)"), "ratio"),
    ]
    table_rows = []
    for row in rows:
        shown = not row.suppressed
        table_rows.append(
            {
                "skill": row.skill.label,
                "skill_url": skill_url(row.skill.key),
                "demand_postings": row.demand_postings if shown else None,
                "demand_share": row.demand_share if shown else None,
                "supply_sessions": row.supply_sessions if shown else None,
                "supply_seats": row.supply_seats if shown else None,
                "supply_share": row.supply_share if shown else None,
                "log_ratio": row.log_ratio if shown else None,
            }
        )
    return Table(
        slug="skill-gaps",
        title=_("Skills most short of training"),
        columns=columns,
        rows=table_rows,
        note=_(
            "A positive gap means employers ask for the skill more, in share, than training "
            "teaches it."
        ),
        empty_message=_("No skill is short of training for these filters."),
    )


# -- shortage professions ------------------------------------------------------------------------


COMPACT_SHORTAGE_COLUMNS = ("occupation", "tension", "postings", "trend", "sessions", "coverage")


def shortage_table(
    rows: list[selectors.ShortageRow],
    *,
    query: str = "",
    slug: str = "shortage-professions",
    compact: bool = False,
) -> Table:
    """`compact`: the overview's few columns (the shortage page has them all)."""
    profession_url = _linker("advisor:profession", query)
    columns = [
        Column("occupation", _("Profession"), link_key="occupation_url"),
        Column("isco", _("ISCO")),
        Column("tension", _("Tension")),
        Column("lists", _("As listed")),
        Column("postings", _("Postings"), "int"),
        Column("previous", _("Previous period"), "int"),
        Column("trend", _("Monthly postings (24 months)"), "series"),
        Column("sessions", _("Training sessions"), "int"),
        Column("seats", _("Seats"), "int"),
        Column("coverage", _("Essential skills covered"), "percent"),
        Column("uncovered", _("Essential skills uncovered"), "int"),
    ]
    if compact:
        columns = [column for column in columns if column.key in COMPACT_SHORTAGE_COLUMNS]
    table_rows = []
    for row in rows:
        shown = not row.suppressed
        table_rows.append(
            {
                "occupation": row.occupation.label,
                "occupation_url": profession_url(row.occupation.key),
                "isco": row.isco_code,
                "tension": short_tension(row.tension_label, row.tension_label_display)
                if shown
                else _("too few postings"),
                # The profession as each list publishes it, with the list's year; the list
                # itself is one filter away.
                "lists": LIST_SEPARATOR.join(
                    f"{entry.get('entry', '')} ({entry.get('year', '')})"
                    for entry in row.list_entries
                ),
                "postings": row.demand_postings if shown else None,
                "previous": row.demand_previous if shown else None,
                "trend": list(row.demand_trend) if shown else None,
                "sessions": row.supply_sessions if shown else None,
                "seats": row.supply_seats if shown else None,
                "coverage": row.coverage if shown else None,
                "uncovered": (row.essential_skills - row.covered_skills) if shown else None,
            }
        )
    title = (
        _("Professions flagged as tense")
        if slug == "tense-professions"
        else _("Shortage professions")
    )
    return Table(
        slug=slug,
        title=title,
        columns=columns,
        rows=table_rows,
        note=suppressed_note(),
        empty_message=_("No profession matches these filters."),
    )


def tension_basis(row: selectors.ShortageRow) -> list[tuple[str, str]]:
    """Why the profession has its label: the rule and each input, as (what, value) pairs."""
    basis = row.tension_basis or {}
    yes, no = _("yes"), _("no")

    def flag(key: str) -> str:
        return yes if basis.get(key) else no

    if row.is_proxy:
        return [
            (_("Rule"), _("estimate from postings (no vacancy statistics loaded)")),
            (_("Postings this period"), str(basis.get("postings", ""))),
            (_("Postings the period before"), str(basis.get("previous_postings", ""))),
            (_("Enough postings"), flag("enough_postings")),
            (_("Demand rising"), flag("rising")),
            (_("Essential skills poorly covered"), flag("poorly_covered")),
            (_("Re-posted more than average"), flag("reposted_more")),
        ]
    return [(_("Rule"), _("Le Forem's rule (vacancy statistics)"))] + [
        (str(key).replace("_", " "), str(value)) for key, value in basis.items() if key != "rule"
    ]


# -- profession page ------------------------------------------------------------------------------


def profession_trend_chart(detail: selectors.ProfessionDetail) -> Chart:
    table = Table(
        slug="monthly-postings",
        title=_("Unique postings per month"),
        columns=[Column("month", _("Month")), Column("postings", _("Postings"), "int")],
        rows=[
            {"month": _month(month), "postings": postings}
            for month, postings in zip(detail.trend_months, detail.trend_postings, strict=True)
        ],
    )
    return Chart(slug="monthly-postings", table=table, x="month", series=["postings"])


def profession_provinces_chart(detail: selectors.ProfessionDetail) -> Chart:
    rows = []
    for figures in detail.by_province:
        shown = not figures.suppressed
        rows.append(
            {
                "province": figures.province_label,
                "postings": figures.postings if shown else None,
                "sessions": figures.supply_sessions if shown else None,
                "seats": figures.supply_seats if shown else None,
                "coverage": figures.coverage,
            }
        )
    table = Table(
        slug="by-province",
        title=_("Demand and training supply by province"),
        columns=[
            Column("province", _("Province")),
            Column("postings", _("Postings"), "int"),
            Column("sessions", _("Training sessions"), "int"),
            Column("seats", _("Seats"), "int"),
            Column("coverage", _("Essential skills covered"), "percent"),
        ],
        rows=rows,
        note=suppressed_note(),
    )
    return Chart(
        slug="by-province", table=table, x="province", series=["postings", "sessions"], kind="bar"
    )


def essential_skills_table(detail: selectors.ProfessionDetail, *, query: str = "") -> Table:
    """Uncovered skills first: they are what a new course would have to teach."""
    skill_url = _linker("advisor:skill", query)
    rows = [
        {
            "skill": skill.label,
            "skill_url": skill_url(skill.key),
            "status": _("not taught"),
        }
        for skill in detail.uncovered_skills
    ] + [
        {
            "skill": skill.label,
            "skill_url": skill_url(skill.key),
            "status": _("taught"),
        }
        for skill in detail.covered_skills
    ]
    return Table(
        slug="essential-skills",
        title=_("Essential skills and their coverage"),
        columns=[
            Column("skill", _("Essential skill"), link_key="skill_url"),
            Column("status", _("Taught by a session reachable here")),
        ],
        rows=rows,
        empty_message=_("ESCO lists no essential skill for this occupation."),
    )


def offers_table(offers: Iterable[selectors.OfferRef]) -> Table:
    return Table(
        slug="nearest-offers",
        title=_("Nearest training offers"),
        columns=[
            Column("offer", _("Offer"), link_key="offer_url"),
            Column("provider", _("Provider")),
            Column("province", _("Province")),
            Column("modality", _("Modality")),
        ],
        rows=[
            {
                "offer": offer.title,
                "offer_url": offer.url,
                "provider": offer.provider_name,
                "province": _province_label(offer.province),
                "modality": offer.modality,
            }
            for offer in offers
        ],
        empty_message=_("No published offer prepares for this profession yet."),
    )


def training_requests_table(requests: Iterable[selectors.TrainingRequestRef]) -> Table:
    return Table(
        slug="training-requests",
        title=_("Employers' training requests"),
        columns=[
            Column("employer", _("Employer")),
            Column("headcount", _("People"), "int"),
            Column("needed_by", _("Needed by")),
            Column("province", _("Province")),
            Column("status", _("Status")),
            Column("skills", _("Skills asked for")),
        ],
        rows=[
            {
                "employer": request.employer_name,
                "headcount": request.headcount,
                "needed_by": date_format(request.needed_by, "SHORT_DATE_FORMAT")
                if request.needed_by
                else "",
                "province": _province_label(request.province),
                "status": request.status,
                "skills": LIST_SEPARATOR.join(request.skills),
            }
            for request in requests
        ],
        empty_message=_("No employer has asked for a training for this profession."),
    )


def candidates_table(candidates: list[selectors.ProviderCandidate]) -> Table:
    urls = _provider_urls(candidate.provider_id for candidate in candidates)
    return Table(
        slug="candidate-providers",
        title=_("Providers that could open a course"),
        columns=[
            Column("provider", _("Provider"), link_key="provider_url"),
            Column("covered", _("Essential skills already taught"), "int"),
            Column("essential", _("Essential skills"), "int"),
            Column("coverage", _("Coverage"), "percent"),
            Column("offers", _("Related offers")),
            Column("missing", _("Skills still missing")),
        ],
        rows=[
            {
                "provider": candidate.name,
                "provider_url": urls.get(candidate.provider_id, candidate.url),
                "covered": candidate.covered_skills,
                "essential": candidate.essential_skills,
                "coverage": candidate.coverage,
                "offers": _some([offer.title for offer in candidate.offers]),
                "missing": _some([skill.label for skill in candidate.missing_skills]),
            }
            for candidate in candidates
        ],
        empty_message=_("No provider teaches any of this profession's essential skills yet."),
    )


def _provider_urls(provider_ids: Iterable[int]) -> dict[int, str]:
    """{provider id: its advisor alignment page}, in one query."""
    provider_url = _linker("advisor:provider")
    ids = set(provider_ids)
    if not ids:
        return {}
    return {
        provider.pk: provider_url(provider.slug)
        for provider in provider_list().filter(pk__in=ids).only("pk", "slug")
    }


# -- skill page -----------------------------------------------------------------------------------


def skill_months_chart(detail: selectors.SkillAnalytics) -> Chart:
    table = Table(
        slug="skill-months",
        title=_("Demand and training supply per month"),
        columns=[
            Column("month", _("Month")),
            Column("postings", _("Postings asking for it"), "int"),
            Column("demand_weight", _("Weighted demand"), "float"),
            Column("sessions", _("Sessions teaching it"), "int"),
            Column("seats", _("Seats"), "int"),
            Column("supply_weight", _("Weighted supply"), "float"),
        ],
        rows=[
            {
                "month": _month(month.month),
                "postings": month.postings,
                "demand_weight": month.demand_weight,
                "sessions": month.sessions,
                "seats": month.seats,
                "supply_weight": month.supply_weight,
            }
            for month in detail.months
        ],
        note=_("Months after the reference month hold the sessions already planned."),
    )
    return Chart(slug="skill-months", table=table, x="month", series=["postings", "sessions"])


def skill_occupations_table(detail: selectors.SkillAnalytics, *, query: str = "") -> Table:
    profession_url = _linker("advisor:profession", query)
    relations = {"essential": _("essential"), "optional": _("optional")}
    return Table(
        slug="top-occupations",
        title=_("Occupations asking for it"),
        columns=[
            Column("occupation", _("Occupation"), link_key="occupation_url"),
            Column("relation", _("Relation in ESCO")),
            Column("postings", _("Postings"), "int"),
        ],
        rows=[
            {
                "occupation": item.occupation.label,
                "occupation_url": profession_url(item.occupation.key),
                "relation": relations.get(item.relation, item.relation),
                "postings": item.postings,
            }
            for item in detail.top_occupations
        ],
        empty_message=_("No posting of an occupation that needs this skill in this period."),
    )


def skill_providers_table(detail: selectors.SkillAnalytics) -> Table:
    urls = _provider_urls(item.provider_id for item in detail.top_providers)
    return Table(
        slug="top-providers",
        title=_("Providers teaching it"),
        columns=[
            Column("provider", _("Provider"), link_key="provider_url"),
            Column("offers", _("Offers"), "int"),
            Column("sessions", _("Sessions"), "int"),
            Column("seats", _("Seats"), "int"),
        ],
        rows=[
            {
                "provider": item.name,
                "provider_url": urls.get(item.provider_id, item.url),
                "offers": item.offers,
                "sessions": item.sessions,
                "seats": item.seats,
            }
            for item in detail.top_providers
        ],
        empty_message=_("No published offer teaches this skill (confirmed links only)."),
    )


# -- emerging skills ------------------------------------------------------------------------------


def emerging_table(terms: Iterable[selectors.EmergingTermRow]) -> Table:
    return Table(
        slug="emerging-terms",
        title=_("Candidate terms"),
        columns=[
            Column("term", _("Term")),
            Column("postings", _("Postings"), "int"),
            Column("recent_share", _("Share of recent postings"), "percent"),
            Column("previous_share", _("Share before"), "percent"),
            Column("growth", _("Growth"), "float"),
            Column("cluster", _("Related terms")),
            Column("examples", _("Example postings")),
        ],
        rows=[
            {
                "term": term.term,
                "postings": term.postings,
                "recent_share": term.recent_share,
                "previous_share": term.previous_share,
                "growth": term.growth,
                "cluster": term.cluster_label,
                "examples": LIST_SEPARATOR.join(example.title for example in term.examples),
            }
            for term in terms
        ],
        empty_message=_("No term waits for a decision."),
    )


# -- providers -------------------------------------------------------------------------------------


def providers_table(providers) -> Table:
    provider_url = _linker("advisor:provider")
    return Table(
        slug="providers",
        title=_("Providers"),
        columns=[
            Column("provider", _("Provider"), link_key="provider_url"),
            Column("province", _("Province")),
            Column("offers", _("Published offers"), "int"),
        ],
        rows=[
            {
                "provider": provider.title,
                "provider_url": provider_url(provider.slug),
                "province": _province_label(provider.province),
                "offers": provider.offer_count,
            }
            for provider in providers
        ],
        empty_message=_("No provider is published yet."),
    )


def alignment_table(
    rows: Iterable[selectors.AlignmentRow],
    *,
    query: str = "",
    slug: str = "alignment",
    advisor_links: bool = True,
) -> Table:
    """`advisor_links`: professions link to their advisor page, else (a provider's editor) to
    the public occupation page."""
    profession_url = _linker("advisor:profession", query)
    nearly = slug == "nearly-covered"
    return Table(
        slug=slug,
        title=_("Professions it nearly covers: the skills to add")
        if nearly
        else _("Shortage professions its offers answer"),
        columns=[
            Column("occupation", _("Profession"), link_key="occupation_url"),
            Column("tension", _("Tension")),
            Column("listed", _("On a shortage list")),
            Column("covered", _("Essential skills taught"), "int"),
            Column("essential", _("Essential skills"), "int"),
            Column("coverage", _("Coverage"), "percent"),
            Column("offers", _("Its offers that answer it")),
            Column("missing", _("Skills to add")),
        ],
        rows=[
            {
                "occupation": row.occupation.label,
                "occupation_url": profession_url(row.occupation.key)
                if advisor_links
                else row.occupation.url,
                "tension": short_tension(row.tension_label, row.tension_label_display),
                "listed": _("yes") if row.listed else _("no"),
                "covered": row.covered_skills,
                "essential": row.essential_skills,
                "coverage": row.coverage,
                "offers": _some([offer.title for offer in row.offers]),
                "missing": _some([skill.label for skill in row.missing_skills]),
            }
            for row in rows
        ],
        empty_message=_(
            "Its offers cover half or more of no shortage profession's essential skills."
        )
        if nearly
        else _("None of its offers teaches an essential skill of a shortage profession."),
    )
