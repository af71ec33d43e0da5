"""Posting search on the database engine: published unique postings from
`search_postingdocument`, for advisors and employers.

Same shape as the catalogue: full-text and understood skills make the candidates, picked
skills must be asked for (at least one; more rank first), a picked occupation is the
posting's matched occupation, and each facet (province, contract, working time, posted) is
counted without its own filter.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.places import Province
from jobs.models import JobPosting
from search.contract import (
    POSTING_FACETS,
    Facet,
    FacetValue,
    PostingHit,
    PostingQuery,
    PostingResult,
    Understanding,
)
from search.engines import sql as vendor_sql
from search.engines.database import (
    COVERAGE_WEIGHT,
    MAX_PAGE_SIZE,
    STRONG_BOOST,
    _as_date,
    _Condition,
    _date_param,
    _fetch,
    _in_ints,
    _Plan,
    _skill_refs,
)
from search.text import query_words

POSTED_LABELS = {
    "week": gettext_lazy("Last 7 days"),
    "month": gettext_lazy("Last 30 days"),
    "quarter": gettext_lazy("Last 3 months"),
    "older": gettext_lazy("Older"),
}
POSTING_FACET_LABELS = {
    "province": gettext_lazy("Province"),
    "contract": gettext_lazy("Contract"),
    "working_time": gettext_lazy("Working time"),
    "posted": gettext_lazy("Posted"),
}


def _facet_values(today: datetime.date) -> dict[str, list[tuple[str, str, _Condition]]]:
    week, month, quarter = (
        _date_param(today - datetime.timedelta(days=days)) for days in (7, 30, 91)
    )
    return {
        "province": [
            (str(v), str(label), _Condition("d.province = %s", [str(v)]))
            for v, label in Province.choices
        ],
        "contract": [
            (str(v), str(label), _Condition("d.contract = %s", [str(v)]))
            for v, label in JobPosting.ContractType.choices
            if v
        ],
        "working_time": [
            (str(v), str(label), _Condition("d.working_time = %s", [str(v)]))
            for v, label in JobPosting.WorkingTime.choices
            if v
        ],
        "posted": [
            ("week", str(POSTED_LABELS["week"]), _Condition("d.posted >= %s", [week])),
            (
                "month",
                str(POSTED_LABELS["month"]),
                _Condition("(d.posted >= %s AND d.posted < %s)", [month, week]),
            ),
            (
                "quarter",
                str(POSTED_LABELS["quarter"]),
                _Condition("(d.posted >= %s AND d.posted < %s)", [quarter, month]),
            ),
            (
                "older",
                str(POSTED_LABELS["older"]),
                _Condition("(d.posted IS NULL OR d.posted < %s)", [quarter]),
            ),
        ],
    }


def _plan(query: PostingQuery, understanding: Understanding, any_word: bool) -> _Plan:
    plan = _Plan(table="search_postingdocument")
    score = []
    words = query_words(understanding.terms)
    picked = tuple(dict.fromkeys(understanding.skill_ids))
    strong = tuple(s for s in dict.fromkeys(understanding.boost_skill_ids) if s not in picked)
    if words:
        sql = vendor_sql.text_hits_sql("search_postingdocument", "posting_id")
        plan.ctes.append(f"text_hits AS ({sql})")
        plan.cte_params.append(vendor_sql.match_expression(words, any_word=any_word))
        plan.joins.append("LEFT JOIN text_hits t ON t.doc_id = d.posting_id")
        score.append("COALESCE(t.rank, 0)")
    if strong:
        plan.ctes.append(
            "boost AS (SELECT posting_id, COUNT(*) AS strong FROM search_postingskilldocument "
            f"WHERE skill_id IN ({_in_ints(strong)}) GROUP BY posting_id)"
        )
        plan.joins.append("LEFT JOIN boost b ON b.posting_id = d.posting_id")
        score.append(f"COALESCE(b.strong, 0) * {STRONG_BOOST}")
    if words:
        plan.where.append(
            _Condition(
                "(t.doc_id IS NOT NULL OR b.strong > 0)" if strong else "t.doc_id IS NOT NULL"
            )
        )
    if picked:
        plan.ctes.append(
            "wanted AS (SELECT posting_id, COUNT(*) AS covered FROM search_postingskilldocument "
            f"WHERE skill_id IN ({_in_ints(picked)}) GROUP BY posting_id)"
        )
        plan.joins.append("JOIN wanted w ON w.posting_id = d.posting_id")
        score.append(f"w.covered * {COVERAGE_WEIGHT / len(picked):.6f}")
        plan.wanted_ids = picked
    if understanding.occupation_id:
        plan.where.append(_Condition(f"d.occupation_id = {int(understanding.occupation_id)}"))
    plan.score = " + ".join(score) or "0"
    return plan


def posting_search(*, query: PostingQuery, understanding: Understanding, engine: str):
    today = timezone.localdate()
    values = _facet_values(today)
    filters: dict[str, _Condition] = {}
    for name in POSTING_FACETS:
        selected = {str(v) for v in query.filters.get(name, ()) if v}
        chosen = [cond for value, _label, cond in values[name] if value in selected]
        if chosen:
            filters[name] = _Condition(
                "(" + " OR ".join(c.sql for c in chosen) + ")",
                [p for c in chosen for p in c.params],
            )
    if query.posted_since:
        filters["posted_since"] = _Condition("d.posted >= %s", [_date_param(query.posted_since)])
    words = query_words(understanding.terms)
    any_word = False
    if len(words) > 1:
        exists = vendor_sql.text_exists_sql("search_postingdocument", "posting_id")
        any_word = not _fetch(exists, [vendor_sql.match_expression(words)])
    plan = _plan(query, understanding, any_word)

    counts: dict[str, dict[str, int]] = {}
    groups = [([name for name in POSTING_FACETS if name not in filters], list(filters.values()))]
    groups += [
        ([name], [cond for other, cond in filters.items() if other != name])
        for name in POSTING_FACETS
        if name in filters
    ]
    total = 0
    for names, conditions in groups:
        own = [(name, value, cond) for name in names for value, _l, cond in values[name]]
        sums = [f"SUM(CASE WHEN {cond.sql} THEN 1 ELSE 0 END)" for _n, _v, cond in own]
        sql, params = plan.statement(
            ", ".join(["COUNT(*)", *sums]),
            conditions,
            select_params=[p for _n, _v, cond in own for p in cond.params],
        )
        row = _fetch(sql, params)[0]
        if conditions is groups[0][1]:
            total = int(row[0] or 0)
        for (name, value, _cond), count in zip(own, row[1:], strict=True):
            counts.setdefault(name, {})[value] = int(count or 0)
    facet_list = tuple(
        Facet(
            name,
            str(POSTING_FACET_LABELS[name]),
            tuple(
                FacetValue(
                    value, label, counts[name].get(value, 0), value in query.filters.get(name, ())
                )
                for value, label, _cond in values[name]
                if counts[name].get(value, 0) or value in query.filters.get(name, ())
            ),
        )
        for name in POSTING_FACETS
    )

    page_size = max(1, min(int(query.page_size or 20), MAX_PAGE_SIZE))
    page = max(1, int(query.page or 1))
    order = "(d.posted IS NULL), d.posted DESC, d.posting_id DESC"
    if query.sort != "date":
        order = f"score DESC, {order}"
    sql, params = plan.statement(
        "d.posting_id, d.url, d.title, d.employer, d.place, d.contract, d.posted, "
        f"{plan.score} AS score",
        list(filters.values()),
        f" ORDER BY {order} LIMIT {page_size} OFFSET {(page - 1) * page_size}",
    )
    rows = _fetch(sql, params)
    covered: dict[int, set[int]] = defaultdict(set)
    refs = {}
    if plan.wanted_ids and rows:
        for posting_id, skill_id in _fetch(
            "SELECT posting_id, skill_id FROM search_postingskilldocument "
            f"WHERE posting_id IN ({_in_ints(r[0] for r in rows)}) "
            f"AND skill_id IN ({_in_ints(plan.wanted_ids)})",
            [],
        ):
            covered[posting_id].add(skill_id)
        refs = _skill_refs(plan.wanted_ids, query.language)
    contracts = dict(JobPosting.ContractType.choices)
    hits = tuple(
        PostingHit(
            posting_id=row[0],
            url=row[1],
            title=row[2],
            employer=row[3],
            place=row[4],
            contract=str(contracts.get(row[5], row[5])) if row[5] else "",
            posted=_as_date(row[6]),
            score=round(float(row[7] or 0), 4),
            covered=tuple(refs[s] for s in plan.wanted_ids if s in covered[row[0]] and s in refs),
            wanted=len(plan.wanted_ids),
        )
        for row in rows
    )
    return PostingResult(
        query=query,
        total=total,
        hits=hits,
        facets=tuple(facet_list),
        chips=understanding.chips,
        engine=engine,
    )
