"""The database engine: SQLite or PostgreSQL answer every catalogue and posting search from the
search tables (`search.models`), with no service besides the database.

One catalogue search is a handful of SQL statements over `search_offerfacets` (narrow rows:
facets and sort keys), the texts (`search_offerdocument`) being read for the page of hits only:
- candidates: full-text matches (FTS5 bm25 or `ts_rank`, normalised to (0, 1]) and offers
  teaching an understood skill; picked skills and a goal join their coverage counts;
- filters: one SQL condition per selected facet (bit masks for multi-valued facets);
- facet counts: one aggregate statement with every filter for the facets nobody filtered on,
  and one per filtered facet without its own filter (so multi-select stays right); each
  also says how many results dropping that filter would bring (the empty-result suggestion);
- hits: the page, sorted in SQL, then the covered skills of those 20 offers.

Relevance = text rank + 0.5 per understood skill taught (+ 0.05 per essential skill of an
understood occupation) + 2 x the share of wanted (picked or goal) skills covered.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.places import Province, province_distance, resolve_place
from courses.models import FundingScheme
from search import facets
from search.contract import (
    CATALOGUE_FACETS,
    CatalogueQuery,
    CatalogueResult,
    Facet,
    FacetValue,
    OfferHit,
    PostingQuery,
    PostingResult,
    SkillRef,
    Suggestion,
    Understanding,
)
from search.engines import register
from search.engines import sql as vendor_sql
from search.text import query_words
from skills.models import Skill

MAX_PAGE_SIZE = 100
PATH_CANDIDATES = 200
PATH_LENGTH = 3
# Distance without coordinates: within this radius the commune's province, within the next
# its neighbours too, beyond it anywhere (see `_near_condition`).
SAME_PROVINCE_KM = 30
NEIGHBOURS_KM = 80

STRONG_BOOST = 0.5
RELATED_BOOST = 0.05
COVERAGE_WEIGHT = 2.0

_MULTI = {
    "province": ("province_mask", facets.PROVINCES),
    "audience": ("audience_mask", facets.AUDIENCES),
    "language": ("language_mask", facets.LANGUAGES),
    "schedule": ("schedule_mask", facets.SCHEDULES),
}
_SINGLE = {"modality": "modality", "format": "format", "provider_kind": "provider_kind"}


def _date_param(value: datetime.date):
    # SQLite stores dates as ISO text; PostgreSQL wants a date.
    return value if connection.vendor == "postgresql" else value.isoformat()


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _as_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _in_ints(values) -> str:
    return ", ".join(str(int(value)) for value in values) or "NULL"


@dataclass
class _Condition:
    sql: str
    params: list = field(default_factory=list)


class _FacetValues:
    """For each catalogue facet, its values: (value, label, condition)."""

    def __init__(self, today: datetime.date):
        self.today = today
        single_labels = facets.single_value_labels()
        multi_labels = facets.multi_value_labels()
        self.values: dict[str, list[tuple[str, str, _Condition]]] = {}
        # {facet: (mask column, {value: bit value})} of the facets stored as bit masks.
        self.bits: dict[str, tuple[str, dict[str, int]]] = {}
        for name, (column, vocabulary) in _MULTI.items():
            self.bits[name] = (column, {value: 1 << bit for bit, value in enumerate(vocabulary)})
            self.values[name] = [
                (value, str(multi_labels[name].get(value, value)), _mask(column, 1 << bit))
                for bit, value in enumerate(vocabulary)
            ]
        for name, column in _SINGLE.items():
            self.values[name] = [
                (str(value), str(label), _Condition(f"d.{column} = %s", [str(value)]))
                for value, label in single_labels[name].items()
            ]
        self.values["level"] = [
            (value, str(label), _Condition(f"d.level = {int(value)}"))
            for value, label in single_labels["level"].items()
        ]
        self.values["price"] = [
            (slug, str(single_labels["price"][slug]), _Condition("d.price_band = %s", [slug]))
            for slug, _low, _high in facets.PRICE_BANDS
        ]
        schemes = list(FundingScheme.objects.filter(pk__lte=facets.MAX_FUNDING_BIT + 1))
        self.bits["funding"] = ("funding_mask", {s.slug: 1 << (s.pk - 1) for s in schemes})
        self.values["funding"] = [
            (scheme.slug, scheme.name, _mask("funding_mask", 1 << (scheme.pk - 1)))
            for scheme in sorted(schemes, key=lambda s: s.name)
        ]
        first_of_next_month, three_months = facets.start_bounds(today)
        today_p, month_p, three_p = (
            _date_param(today),
            _date_param(first_of_next_month),
            _date_param(three_months),
        )
        start_conditions = {
            "this-month": _Condition(
                "(d.next_session >= %s AND d.next_session < %s)", [today_p, month_p]
            ),
            "three-months": _Condition(
                "(d.next_session >= %s AND d.next_session < %s)", [month_p, three_p]
            ),
            "later": _Condition("d.next_session >= %s", [three_p]),
            "none": _Condition("(d.next_session IS NULL OR d.next_session < %s)", [today_p]),
        }
        self.values["start"] = [
            (slug, str(single_labels["start"][slug]), start_conditions[slug])
            for slug in facets.START_BUCKETS
        ]
        self.values["certification"] = [
            ("yes", str(single_labels["certification"]["yes"]), _Condition("d.has_certification")),
            (
                "no",
                str(single_labels["certification"]["no"]),
                _Condition("NOT d.has_certification"),
            ),
        ]

    def filter_for(self, name: str, selected: tuple[str, ...]) -> _Condition | None:
        """The condition "any of the selected values", or None when none is a known value."""
        chosen = [cond for value, _label, cond in self.values.get(name, []) if value in selected]
        if not chosen:
            return None
        if name in self.bits:
            # One mask test for all the selected bits.
            column, bits = self.bits[name]
            return _mask(column, sum(bits[v] for v in dict.fromkeys(selected) if v in bits))
        return _Condition(
            "(" + " OR ".join(cond.sql for cond in chosen) + ")",
            [param for cond in chosen for param in cond.params],
        )


def _mask(column: str, bits: int) -> _Condition:
    return _Condition(f"(d.{column} & {int(bits)}) <> 0")


@dataclass
class _Plan:
    ctes: list[str] = field(default_factory=list)
    cte_params: list = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    where: list[_Condition] = field(default_factory=list)
    score: str = "0"
    wanted_ids: tuple[int, ...] = ()
    has_wanted: bool = False
    table: str = "search_offerfacets"
    # What the rows come from: the table, or the scored candidates joined to it.
    source: str = ""

    def statement(
        self, select: str, filters: list[_Condition], tail: str = "", select_params=(), joins=()
    ) -> tuple[str, list]:
        """The SQL and its parameters, in text order: CTEs, SELECT list, WHERE clause."""
        conditions = [*self.where, *filters]
        sql = ""
        if self.ctes:
            sql = "WITH " + ", ".join(self.ctes) + " "
        source = self.source or f"{self.table} d"
        sql += f"SELECT {select} FROM {source} " + " ".join([*self.joins, *joins])
        if conditions:
            sql += " WHERE " + " AND ".join(cond.sql for cond in conditions)
        sql += tail
        params = [
            *self.cte_params,
            *select_params,
            *(p for cond in conditions for p in cond.params),
        ]
        return sql, params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class DatabaseEngine:
    name = "database"

    # ------------------------------------------------------------------ catalogue

    def catalogue(self, *, query: CatalogueQuery, understanding: Understanding) -> CatalogueResult:
        language = "en" if query.language == "en" else "fr"
        with translation.override(language):
            return self._catalogue(query, understanding, language)

    def _plan(self, query: CatalogueQuery, understanding: Understanding, any_word: bool) -> _Plan:
        picked = tuple(dict.fromkeys(understanding.skill_ids))
        wanted = tuple(dict.fromkeys((*picked, *understanding.goal_skill_ids)))
        strong = tuple(s for s in dict.fromkeys(understanding.boost_skill_ids) if s not in wanted)
        related = tuple(
            s for s in dict.fromkeys(understanding.related_skill_ids) if s not in (*wanted, *strong)
        )
        plan = scored_plan(
            table="search_offerfacets",
            text_table="search_offerdocument",
            skill_table="search_offerskilldocument",
            key="offer_id",
            words=query_words(understanding.terms),
            any_word=any_word,
            strong=strong,
            related=related,
            wanted=wanted,
            picked=picked,
            needed=len(picked) if query.require_all_skills else 1,
        )
        if understanding.excluded_skill_ids:
            plan.where.append(
                _Condition(
                    "NOT EXISTS (SELECT 1 FROM search_offerskilldocument x "
                    "WHERE x.offer_id = d.offer_id "
                    f"AND x.skill_id IN ({_in_ints(understanding.excluded_skill_ids)}))"
                )
            )
        return plan

    def _filters(self, query: CatalogueQuery, values: _FacetValues, notes: list[str]):
        """{name: condition} of every active filter: the facets, the price range, distance."""
        filters: dict[str, _Condition] = {}
        for name in CATALOGUE_FACETS:
            selected = tuple(str(v) for v in query.filters.get(name, ()) if v)
            if selected:
                condition = values.filter_for(name, selected)
                if condition is not None:
                    filters[name] = condition
        price = []
        params: list = []
        if query.price_min is not None and query.price_min > 0:
            price.append("d.price >= %s")
            params.append(float(query.price_min))
        if query.price_max is not None:
            price.append("(d.is_free OR d.price <= %s)")
            params.append(float(query.price_max))
        if price:
            filters["price_range"] = _Condition("(" + " AND ".join(price) + ")", params)
        if query.near:
            near = _near_condition(query.near, query.radius_km, notes)
            if near is not None:
                filters["near"] = near
        return filters

    def _catalogue(self, query, understanding, language) -> CatalogueResult:
        today = timezone.localdate()
        values = _FacetValues(today)
        notes: list[str] = []
        filters = self._filters(query, values, notes)
        words = query_words(understanding.terms)
        any_word = False
        if words and len(words) > 1 and not _text_matches(words):
            # No offer holds every word: rank by any of them rather than answer nothing.
            any_word = True
            notes.append(_("No offer contains every word; offers with some of them are shown."))
        plan = self._plan(query, understanding, any_word)

        total, counts, totals_without = _count_facets(plan, filters, values)

        facet_list = []
        for name in CATALOGUE_FACETS:
            selected = set(query.filters.get(name, ()))
            facet_values = tuple(
                FacetValue(value, label, counts.get(name, {}).get(value, 0), value in selected)
                for value, label, _cond in values.values[name]
                if counts.get(name, {}).get(value, 0) or value in selected
            )
            facet_list.append(Facet(name, str(facets.FACET_LABELS[name]), facet_values))

        hits = self._hits(query, plan, list(filters.values()), language)
        path, path_coverage = (), 0.0
        if understanding.goal_skill_ids and total:
            path, path_coverage = self._path(
                query, plan, list(filters.values()), language, understanding.goal_skill_ids
            )
        suggestions = ()
        if total == 0:
            suggestions = self._suggestions(query, understanding, filters, totals_without, language)
        return CatalogueResult(
            query=query,
            total=total,
            hits=hits,
            facets=tuple(facet_list),
            chips=understanding.chips,
            suggestions=suggestions,
            path=path,
            path_coverage=path_coverage,
            engine=self.name,
            notes=tuple(notes),
        )

    def _order(self, query: CatalogueQuery, plan: _Plan) -> str:
        """ORDER BY of the hits. Without a score (browsing), the order is exactly an index's
        (key, offer_id), which the database walks instead of sorting every offer."""
        scored = plan.score != "0"
        key = {
            "next_session": "d.session_key",
            "duration": "d.duration_key",
            "price": "d.price_key",
        }.get(query.sort)
        if key is None:  # relevance
            return (
                "score DESC, d.session_key, d.offer_id" if scored else "d.session_key, d.offer_id"
            )
        return f"{key}, score DESC, d.offer_id" if scored else f"{key}, d.offer_id"

    _HIT_COLUMNS = (
        "d.offer_id, o.url, o.title, o.summary, o.provider_name, o.place, d.next_session, "
        "d.price, d.is_free, d.duration_hours"
    )
    _HIT_JOIN = " JOIN search_offerdocument o ON o.offer_id = d.offer_id"

    def _hits(self, query, plan: _Plan, filters, language) -> tuple[OfferHit, ...]:
        page_size = max(1, min(int(query.page_size or 20), MAX_PAGE_SIZE))
        page = max(1, int(query.page or 1))
        # The page is chosen on the narrow rows; the texts of its offers are read afterwards
        # (joining them first made PostgreSQL read every candidate's text before sorting).
        sql, params = plan.statement(
            f"d.offer_id, d.next_session, d.price, d.is_free, d.duration_hours, "
            f"{plan.score} AS score",
            filters,
            f" ORDER BY {self._order(query, plan)} "
            f"LIMIT {page_size} OFFSET {(page - 1) * page_size}",
        )
        page_rows = _fetch(sql, params)
        display = (
            {
                row[0]: row[1:]
                for row in _fetch(
                    "SELECT offer_id, url, title, summary, provider_name, place "
                    "FROM search_offerdocument "
                    f"WHERE offer_id IN ({_in_ints(row[0] for row in page_rows)})",
                    [],
                )
            }
            if page_rows
            else {}
        )
        rows = [(row[0], *display.get(row[0], ("", "", "", "", "")), *row[1:]) for row in page_rows]
        return self._make_hits(rows, plan.wanted_ids, language)

    def _make_hits(self, rows, wanted_ids, language) -> tuple[OfferHit, ...]:
        covered_by_offer: dict[int, set[int]] = defaultdict(set)
        refs: dict[int, SkillRef] = {}
        if wanted_ids and rows:
            offer_ids = [row[0] for row in rows]
            links = _fetch(
                "SELECT offer_id, skill_id FROM search_offerskilldocument "
                f"WHERE offer_id IN ({_in_ints(offer_ids)}) "
                f"AND skill_id IN ({_in_ints(wanted_ids)})",
                [],
            )
            for offer_id, skill_id in links:
                covered_by_offer[offer_id].add(skill_id)
            refs = _skill_refs(wanted_ids, language)
        hits = []
        for row in rows:
            offer_id = row[0]
            covered = covered_by_offer.get(offer_id, set())
            hits.append(
                OfferHit(
                    offer_id=offer_id,
                    url=row[1],
                    title=row[2],
                    summary=row[3],
                    provider=row[4],
                    place=row[5],
                    next_session=_as_date(row[6]),
                    price=_as_decimal(row[7]),
                    is_free=bool(row[8]),
                    duration_hours=row[9],
                    score=round(float(row[10] or 0), 4) if len(row) > 10 else 0.0,
                    covered=tuple(refs[s] for s in wanted_ids if s in covered and s in refs),
                    missing=tuple(refs[s] for s in wanted_ids if s not in covered and s in refs),
                    wanted=len(wanted_ids),
                )
            )
        return tuple(hits)

    def _path(self, query, plan: _Plan, filters, language, goal_ids) -> tuple[tuple, float]:
        """Greedy set cover: up to three offers that together teach most essential skills,
        chosen among the best-covering offers the filters allow."""
        sql, params = plan.statement(
            f"d.offer_id, {plan.score} AS score",
            filters,
            f" ORDER BY s.covered DESC, {self._order(query, plan)} LIMIT {PATH_CANDIDATES}",
        )
        candidates = [row[0] for row in _fetch(sql, params)]
        if not candidates:
            return (), 0.0
        goal = set(goal_ids)
        teaches: dict[int, set[int]] = defaultdict(set)
        for offer_id, skill_id in _fetch(
            "SELECT offer_id, skill_id FROM search_offerskilldocument "
            f"WHERE offer_id IN ({_in_ints(candidates)}) AND skill_id IN ({_in_ints(goal)})",
            [],
        ):
            teaches[offer_id].add(skill_id)
        chosen: list[int] = []
        covered: set[int] = set()
        for _step in range(PATH_LENGTH):
            best = max(candidates, key=lambda o: (len(teaches[o] - covered), -candidates.index(o)))
            gain = teaches[best] - covered
            if not gain or best in chosen:
                break
            chosen.append(best)
            covered |= gain
        if not chosen:
            return (), 0.0
        rows = _fetch(
            f"SELECT {self._HIT_COLUMNS}, 0 FROM search_offerfacets d{self._HIT_JOIN} "
            f"WHERE d.offer_id IN ({_in_ints(chosen)})",
            [],
        )
        by_id = {row[0]: row for row in rows}
        hits = self._make_hits([by_id[o] for o in chosen if o in by_id], plan.wanted_ids, language)
        return hits, round(len(covered) / len(goal), 4)

    def _suggestions(self, query, understanding, filters, totals_without, language):
        suggestions: list[Suggestion] = []
        from search.api import query_params  # the public module imports this one

        params = query_params(query)
        best_name, best_count = "", 0
        for name in filters:
            count = totals_without.get(name)
            if count is None:
                # The price range and distance are not facets: count without them here.
                plan = self._plan(query, understanding, any_word=False)
                others = [cond for other, cond in filters.items() if other != name]
                sql, sql_params = plan.statement("COUNT(*)", others)
                count = int(_fetch(sql, sql_params)[0][0] or 0)
            if count > best_count:
                best_name, best_count = name, count
        if best_name:
            dropped = {
                key: value for key, value in params.items() if key not in _param_names_of(best_name)
            }
            suggestions.append(
                Suggestion(
                    kind="drop_filter",
                    label=_filter_label(best_name),
                    params=dropped,
                    count=best_count,
                )
            )
        asked = [*understanding.skill_ids, *understanding.boost_skill_ids]
        for skill, count in _nearest_skills_with_offers(asked):
            suggestions.append(
                Suggestion(
                    kind="skill",
                    label=skill.label(language),
                    params={"skill": (skill.uri,)},
                    count=count,
                )
            )
        return tuple(suggestions)

    # ------------------------------------------------------------------ postings

    def postings(self, *, query: PostingQuery, understanding: Understanding) -> PostingResult:
        from search.engines.database_postings import posting_search

        language = "en" if query.language == "en" else "fr"
        with translation.override(language):
            return posting_search(query=query, understanding=understanding, engine=self.name)

    # ------------------------------------------------------------------ indexing

    def index_offers(self, *, offer_ids: list[int]) -> None:
        from search.services import refresh_offer_documents

        refresh_offer_documents(offer_ids=offer_ids)

    def index_postings(self, *, posting_ids: list[int]) -> None:
        from search.services import refresh_posting_documents

        refresh_posting_documents(posting_ids=posting_ids)


def scored_plan(
    *,
    table: str,
    text_table: str,
    skill_table: str,
    key: str,
    words: list,
    any_word: bool,
    strong: tuple[int, ...] = (),
    related: tuple[int, ...] = (),
    wanted: tuple[int, ...] = (),
    picked: tuple[int, ...] = (),
    needed: int = 1,
) -> _Plan:
    """The candidates and their scores, as one materialised CTE `scores` (one row per
    candidate: text rank, understood and related skills taught, wanted and picked skills
    covered) that drives the query: the database reads the candidates, then looks each one
    up in `table` by its key, instead of joining every row of `table` to the candidates
    (which SQLite did row by row: minutes at 100,000 offers). Without text or skills the
    plan reads `table` alone."""
    plan = _Plan(table=table)
    parts = []
    skills = tuple(dict.fromkeys((*strong, *related, *wanted)))
    if words:
        sql = vendor_sql.text_hits_sql(text_table, key)
        plan.ctes.append(f"text_hits AS MATERIALIZED ({sql})")
        plan.cte_params.append(vendor_sql.match_expression(words, any_word=any_word))
        parts.append(
            "SELECT doc_id AS item, 1 AS matched, rank AS rank, 0 AS strong, 0 AS related, "
            "0 AS covered, 0 AS picked FROM text_hits"
        )
    if skills:

        def flag(ids) -> str:
            return f"CASE WHEN skill_id IN ({_in_ints(ids)}) THEN 1 ELSE 0 END" if ids else "0"

        parts.append(
            f"SELECT {key} AS item, 0 AS matched, 0 AS rank, {flag(strong)} AS strong, "
            f"{flag(related)} AS related, {flag(wanted)} AS covered, {flag(picked)} AS picked "
            f"FROM {skill_table} WHERE skill_id IN ({_in_ints(skills)})"
        )
    if not parts:
        return plan
    plan.ctes.append(
        "scores AS MATERIALIZED (SELECT item, MAX(matched) AS matched, SUM(rank) AS rank, "
        "SUM(strong) AS strong, SUM(related) AS related, SUM(covered) AS covered, "
        f"SUM(picked) AS picked FROM ({' UNION ALL '.join(parts)}) AS found GROUP BY item)"
    )
    # SQLite: CROSS JOIN keeps the candidates as the outer loop.
    join = "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"
    plan.source = f"scores s {join} {table} d ON d.{key} = s.item"
    score = []
    if words:
        score.append("s.rank")
        plan.where.append(
            _Condition("(s.matched > 0 OR s.strong > 0)" if strong else "s.matched > 0")
        )
    if strong:
        score.append(f"s.strong * {STRONG_BOOST}")
    if related:
        score.append(f"s.related * {RELATED_BOOST}")
    if wanted:
        score.append(f"s.covered * {COVERAGE_WEIGHT / len(wanted):.6f}")
        plan.where.append(_Condition("s.covered > 0"))
        plan.wanted_ids = wanted
        plan.has_wanted = True
    if picked:
        plan.where.append(_Condition(f"s.picked >= {int(needed)}"))
    plan.score = " + ".join(score) or "0"
    return plan


def _count_statements(plan: _Plan, filters: dict[str, _Condition], values: _FacetValues):
    """[(sql, params, [(facet, value)], facet left out or "")]: one statement counting the
    facets nobody filtered on (with every filter), and one per filtered facet (with the
    other filters only), which also says how many results dropping that filter gives."""
    statements = []
    groups = [("", [n for n in CATALOGUE_FACETS if n not in filters], list(filters.values()))]
    for name in filters:
        others = [cond for other, cond in filters.items() if other != name]
        groups.append((name, [name] if name in values.values else [], others))
    for left_out, names, conditions in groups:
        own = [(name, value, cond) for name in names for value, _l, cond in values.values[name]]
        sql, params = plan.statement(
            ", ".join(
                ["COUNT(*)", *(f"SUM(CASE WHEN {c.sql} THEN 1 ELSE 0 END)" for *_x, c in own)]
            ),
            conditions,
            select_params=[p for *_x, cond in own for p in cond.params],
        )
        statements.append((sql, params, [(name, value) for name, value, _c in own], left_out))
    return statements


def _count_facets(plan: _Plan, filters: dict[str, _Condition], values: _FacetValues):
    """(total, {facet: {value: count}}, {filter: total without it}), from the cache while the
    search rows have not changed (`search.services.bump_generation`): counting every offer
    of a broad search is the costly part of a search, and the same broad searches recur."""
    from search.services import current_generation

    statements = _count_statements(plan, filters, values)
    seconds = getattr(settings, "SEARCH_FACET_CACHE_SECONDS", 600)
    key = ""
    if seconds:
        digest = hashlib.sha256(
            repr([(sql, params) for sql, params, _k, _l in statements]).encode()
        ).hexdigest()
        key = f"search:facets:{connection.alias}:{current_generation()}:{digest}"
        cached = cache.get(key)
        if cached is not None:
            return cached
    total = 0
    counts: dict[str, dict[str, int]] = {}
    totals_without: dict[str, int] = {}
    for sql, params, keys, left_out in statements:
        row = _fetch(sql, params)[0]
        if left_out:
            totals_without[left_out] = int(row[0] or 0)
        else:
            total = int(row[0] or 0)
        for (name, value), count in zip(keys, row[1:], strict=True):
            counts.setdefault(name, {})[value] = int(count or 0)
    result = (total, counts, totals_without)
    if key:
        cache.set(key, result, seconds)
    return result


def _text_matches(words) -> bool:
    sql = vendor_sql.text_exists_sql("search_offerdocument", "offer_id")
    return bool(_fetch(sql, [vendor_sql.match_expression(words)]))


def _near_condition(near: str, radius_km: int | None, notes: list[str]) -> _Condition | None:
    """Offers near a commune. Communes carry no coordinates here, so distance is approximated
    by province: the commune's own within `SAME_PROVINCE_KM`, with its neighbours within
    `NEIGHBOURS_KM`, anywhere beyond."""
    _commune, province = resolve_place(commune=near)
    if not province:
        notes.append(
            _("The commune “%(near)s” is not known; distance is ignored.") % {"near": near}
        )
        return None
    radius = radius_km if radius_km is not None else SAME_PROVINCE_KM
    if radius > NEIGHBOURS_KM:
        return None
    allowed = [
        p
        for p in facets.PROVINCES
        if province_distance(province, p) <= (0 if radius <= SAME_PROVINCE_KM else 1)
    ]
    notes.append(
        _("Distance is approximated by province: %(provinces)s.")
        % {"provinces": ", ".join(str(Province(p).label) for p in allowed)}
    )
    return _mask("province_mask", facets.mask(allowed, facets.PROVINCES))


def _skill_refs(skill_ids, language) -> dict[int, SkillRef]:
    skills = Skill.objects.filter(pk__in=list(skill_ids)).only(
        "pk", "uri", "preferred_label_fr", "preferred_label_en"
    )
    return {skill.pk: SkillRef(skill.uri, skill.label(language)) for skill in skills}


def _nearest_skills_with_offers(skill_ids, limit: int = 3) -> list[tuple[Skill, int]]:
    """Skills next to these in ESCO (same skill group, broader or narrower skill) that
    indexed offers teach, most taught first."""
    if not skill_ids:
        return []
    asked = list(dict.fromkeys(skill_ids))
    group_ids = list(
        Skill.broader_groups.through.objects.filter(skill_id__in=asked).values_list(
            "skillgroup_id", flat=True
        )
    )
    neighbour_ids = set(
        Skill.broader_groups.through.objects.filter(skillgroup_id__in=group_ids).values_list(
            "skill_id", flat=True
        )
    )
    through = Skill.broader_skills.through
    neighbour_ids.update(
        through.objects.filter(from_skill_id__in=asked).values_list("to_skill_id", flat=True)
    )
    neighbour_ids.update(
        through.objects.filter(to_skill_id__in=asked).values_list("from_skill_id", flat=True)
    )
    neighbour_ids.difference_update(asked)
    if not neighbour_ids:
        return []
    rows = _fetch(
        "SELECT skill_id, COUNT(*) FROM search_offerskilldocument "
        f"WHERE skill_id IN ({_in_ints(neighbour_ids)}) GROUP BY skill_id "
        f"ORDER BY COUNT(*) DESC, skill_id LIMIT {int(limit)}",
        [],
    )
    skills = Skill.objects.in_bulk([row[0] for row in rows])
    return [(skills[skill_id], int(count)) for skill_id, count in rows if skill_id in skills]


def _param_names_of(filter_name: str) -> tuple[str, ...]:
    if filter_name == "price_range":
        return ("price_min", "price_max")
    if filter_name == "near":
        return ("near", "radius")
    return (filter_name,)


def _filter_label(name: str) -> str:
    if name == "price_range":
        return _("Price range")
    if name == "near":
        return _("Distance")
    return str(facets.FACET_LABELS[name])


register("database", DatabaseEngine)
