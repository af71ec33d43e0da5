"""What anyone may see of the gap analytics: the public summary page and the figures the
shortage-list and occupation pages show. Region-wide or per province, never an employer, a
training request or a single posting (`analytics.selectors.public_summary` leaves them out).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from analytics import selectors
from cms.views import advisor_builders as build
from cms.views.advisor_access import is_advisor
from cms.views.advisor_tables import Chart, Column, Table, export_response


def public_professions_table(rows: list[selectors.ShortageRow]) -> Table:
    return Table(
        slug="professions",
        title=_("Professions on the shortage lists"),
        columns=[
            Column("occupation", _("Profession"), link_key="occupation_url"),
            Column("tension", _("Tension")),
            Column("postings", _("Postings"), "int"),
            Column("trend", _("Monthly postings (24 months)"), "series"),
            Column("sessions", _("Training sessions"), "int"),
            Column("coverage", _("Essential skills covered"), "percent"),
        ],
        rows=[
            {
                "occupation": row.occupation.label,
                "occupation_url": row.occupation.url,
                "tension": build.short_tension(row.tension_label, row.tension_label_display),
                "postings": row.demand_postings,
                "trend": list(row.demand_trend),
                "sessions": row.supply_sessions,
                "coverage": row.coverage,
            }
            for row in rows
            if not row.suppressed
        ],
        note=build.suppressed_note(),
        empty_message=_("No listed profession has enough postings to show figures."),
    )


def public_skills_table(rows: list[selectors.GapRow]) -> Table:
    return Table(
        slug="skills",
        title=_("Skills most short of training"),
        columns=[
            Column("skill", _("Skill"), link_key="skill_url"),
            Column("postings", _("Postings"), "int"),
            Column("demand_share", _("Share of demand"), "percent"),
            Column("supply_share", _("Share of training supply"), "percent"),
            Column("log_ratio", _("Gap (smoothed log ratio)"), "ratio"),
        ],
        rows=[
            {
                "skill": row.skill.label,
                "skill_url": row.skill.url,
                "postings": row.demand_postings,
                "demand_share": row.demand_share,
                "supply_share": row.supply_share,
                "log_ratio": row.log_ratio,
            }
            for row in rows
            if not row.suppressed
        ],
        empty_message=_("No skill is short of training."),
    )


def public_provinces_chart(rows: list[selectors.ProvinceFigures]) -> Chart:
    table = Table(
        slug="provinces",
        title=_("Postings and training sessions by province"),
        columns=[
            Column("province", _("Province")),
            Column("postings", _("Postings"), "int"),
            Column("sessions", _("Training sessions"), "int"),
            Column("seats", _("Seats"), "int"),
            Column("coverage", _("Average coverage of essential skills"), "percent"),
        ],
        rows=[
            {
                "province": row.province_label,
                "postings": None if row.suppressed else row.postings,
                "sessions": None if row.suppressed else row.supply_sessions,
                "seats": None if row.suppressed else row.supply_seats,
                "coverage": None if row.suppressed else row.coverage,
            }
            for row in rows
        ],
        note=build.suppressed_note(),
    )
    return Chart(
        slug="provinces", table=table, x="province", series=["postings", "sessions"], kind="bar"
    )


@require_GET
def public_summary(request: HttpRequest) -> HttpResponse:
    summary = selectors.public_summary()
    charts, tables = [], []
    if summary is not None:
        charts = [public_provinces_chart(summary.by_province)]
        tables = [
            public_professions_table(summary.professions),
            public_skills_table(summary.skills_in_shortage),
        ]
    download = export_response(request, [*tables, *(chart.table for chart in charts)])
    if download is not None:
        return download
    return render(
        request,
        "cms/advisor/public_summary.html",
        {
            "summary": summary,
            "run": summary.run if summary else None,
            "charts": charts,
            "tables": tables,
            "methodology": selectors.methodology(),
            "is_advisor": is_advisor(request.user),
            "summary_postings": {"value": summary.postings if summary else None},
            "summary_offers": {"value": summary.offers if summary else None},
            "summary_sessions": {"value": summary.sessions if summary else None},
        },
    )


def shortage_entries_with_figures(entries) -> list[tuple[object, list[tuple[object, object]]]]:
    """[(entry, [(occupation, its figures or None)])] for a shortage list's page: region wide,
    default period; None for an occupation without figures or with too few postings."""
    ids = {occupation.pk for entry in entries for occupation in entry.occupations.all()}
    figures = selectors.occupation_figures(occupation_ids=ids)
    return [
        (
            entry,
            [
                (occupation, _shown(figures.get(occupation.pk)))
                for occupation in entry.occupations.all()
            ],
        )
        for entry in entries
    ]


def occupation_figures(occupation) -> selectors.ShortageRow | None:
    """The occupation's figures for its public page, or None (not tracked, or suppressed)."""
    return _shown(selectors.occupation_figures(occupation_ids=[occupation.pk]).get(occupation.pk))


def _shown(row: selectors.ShortageRow | None) -> selectors.ShortageRow | None:
    return None if row is None or row.suppressed else row
