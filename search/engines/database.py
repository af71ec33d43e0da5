"""The database engine: SQLite or PostgreSQL answer every catalogue and posting search from the
search tables (`search.models`), with no service besides the database.

One catalogue search is two or three SQL statements and a few array operations:
- candidates: one statement reads the full-text matches (FTS5 bm25 or `ts_rank`, normalised
  to (0, 1]); the offers teaching an understood, picked or goal skill, and their coverage
  counts, come from the facet index's skill links; without text or skills every offer is a
  candidate;
- filters, facet counts and the page: on the facet index (`search.engines.facet_index`, the
  columns of `search_offerfacets` in memory): each facet is counted with every filter but its
  own (multi-select stays right), which also says how many results dropping a filter would
  bring (the empty-result suggestion); the page is sorted there too;
- hits: the texts of the page's offers (`search_offerdocument`) and the skills they cover.

Relevance = text rank + 0.5 per understood skill taught (+ 0.05 per essential skill of an
understood occupation) + 2 x the share of wanted (picked or goal) skills covered.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

import numpy as np
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
from search.engines import register, spelling
from search.engines import sql as vendor_sql
from search.engines.facet_index import FacetIndex, day_number, facet_index
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
    """For each catalogue facet, its values (value, label) and which offers of the facet
    index hold each: the one place that says what a facet value means."""

    def __init__(self, today: datetime.date, index: FacetIndex):
        self.today = today
        self.index = index
        single_labels = facets.single_value_labels()
        multi_labels = facets.multi_value_labels()
        self.values: dict[str, list[tuple[str, str]]] = {}
        # {facet: (mask column, {value: bit value})} of the facets stored as bit masks.
        self.bits: dict[str, tuple[str, dict[str, int]]] = {}
        for name, (column, vocabulary) in _MULTI.items():
            self.bits[name] = (column, {value: 1 << bit for bit, value in enumerate(vocabulary)})
            self.values[name] = [
                (value, str(multi_labels[name].get(value, value))) for value in vocabulary
            ]
        for name in (*_SINGLE, "level"):
            self.values[name] = [
                (str(value), str(label)) for value, label in single_labels[name].items()
            ]
        self.values["price"] = [
            (slug, str(single_labels["price"][slug])) for slug, _low, _high in facets.PRICE_BANDS
        ]
        schemes = list(FundingScheme.objects.filter(pk__lte=facets.MAX_FUNDING_BIT + 1))
        self.bits["funding"] = ("funding_mask", {s.slug: 1 << (s.pk - 1) for s in schemes})
        self.values["funding"] = [
            (scheme.slug, scheme.name) for scheme in sorted(schemes, key=lambda s: s.name)
        ]
        first_of_next_month, three_months = facets.start_bounds(today)
        self._start_days = (
            day_number(today),
            day_number(first_of_next_month),
            day_number(three_months),
        )
        self.values["start"] = [
            (slug, str(single_labels["start"][slug])) for slug in facets.START_BUCKETS
        ]
        self.values["certification"] = [
            (value, str(single_labels["certification"][value])) for value in ("yes", "no")
        ]

    @cached_property
    def _start_codes(self) -> np.ndarray:
        """Each offer's next-session bucket, as its position in `facets.START_BUCKETS`
        (a missing next session is stored as a day before any today: "none")."""
        today, next_month, three_months = self._start_days
        day = self.index.next_day
        return np.select(
            [day < today, day < next_month, day < three_months],
            [3, 0, 1],
            default=2,
        ).astype(np.int64)

    def _start(self, slug: str) -> np.ndarray:
        return self._start_codes == facets.START_BUCKETS.index(slug)

    def filter_for(self, name: str, selected: tuple[str, ...]) -> np.ndarray | None:
        """The offers holding any of the selected values, or None when none is a known value."""
        chosen = [value for value, _label in self.values.get(name, []) if value in selected]
        if not chosen:
            return None
        index = self.index
        if name in self.bits:
            column, bits = self.bits[name]
            return index.any_bit(column, sum(bits[value] for value in chosen if value in bits))
        if name in _SINGLE or name == "price":
            return index.single(_SINGLE.get(name, "price_band"), chosen)
        if name == "level":
            return np.isin(index.level, [int(value) for value in chosen])
        if name == "certification":
            wanted = {"yes": index.certified, "no": ~index.certified}
            return np.logical_or.reduce([wanted[value] for value in chosen])
        return np.logical_or.reduce([self._start(value) for value in chosen])  # "start"

    def counts(self, name: str, rows: np.ndarray) -> dict[str, int]:
        """{value: how many of `rows` (a mask over the index) hold it}."""
        index = self.index
        if name in self.bits:
            column, bits = self.bits[name]
            return index.bit_counts(column, rows, bits)
        if name in _SINGLE or name == "price":
            return index.single_counts(_SINGLE.get(name, "price_band"), rows)
        if name == "level":
            by_level = np.bincount(index.level[rows], minlength=9)
            return {value: int(by_level[int(value)]) for value, _label in self.values[name]}
        if name == "certification":
            certified = int(np.count_nonzero(index.certified[rows]))
            return {"yes": certified, "no": int(np.count_nonzero(rows)) - certified}
        by_bucket = np.bincount(self._start_codes[rows], minlength=len(facets.START_BUCKETS))
        return {slug: int(by_bucket[code]) for code, slug in enumerate(facets.START_BUCKETS)}


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

    def _scoring(self, query: CatalogueQuery, understanding: Understanding) -> _Scoring:
        picked = tuple(dict.fromkeys(understanding.skill_ids))
        wanted = tuple(dict.fromkeys((*picked, *understanding.goal_skill_ids)))
        strong = tuple(s for s in dict.fromkeys(understanding.boost_skill_ids) if s not in wanted)
        related = tuple(
            s for s in dict.fromkeys(understanding.related_skill_ids) if s not in (*wanted, *strong)
        )
        return _Scoring(
            words=query_words(understanding.terms),
            strong=strong,
            related=related,
            wanted_ids=wanted,
            picked=picked,
            needed=len(picked) if query.require_all_skills else 1,
        )

    def _candidates(self, scoring: _Scoring, index: FacetIndex, notes: list[str]) -> _Candidates:
        """The offers the text and skills allow, with their scores and how many wanted
        skills each covers: the full-text match is one statement (its best
        `MAX_TEXT_CANDIDATES`), the skills are counted on the facet index's links. The rules
        are `scored_plan`'s (the posting search's), on arrays."""
        if not scoring.words and not scoring.skills:
            return _Candidates(rows=index.everything(), score=None, covered=None)
        matched = np.zeros(index.size, dtype=bool)
        rank = np.zeros(index.size, dtype=float)
        if scoring.words:
            found = _text_hits(scoring.words, any_word=False)
            if not found:
                corrected = _corrected_words(scoring.words)
                if corrected != scoring.words:
                    scoring = replace(scoring, words=corrected)
                    found = _text_hits(scoring.words, any_word=False)
                    notes.append(
                        _("Some words matched nothing; close spellings were searched instead.")
                    )
            if not found and len(scoring.words) > 1:
                # No offer holds every word: rank by any of them rather than answer nothing.
                found = _text_hits(scoring.words, any_word=True)
                notes.append(_("No offer contains every word; offers with some of them are shown."))
            if found:
                offer_ids, ranks = zip(*found, strict=True)
                positions, known = index.positions(offer_ids)
                matched[positions[known]] = True
                rank[positions[known]] = np.array(ranks, dtype=float)[known]
        strong = index.skill_counts(scoring.strong)
        related = index.skill_counts(scoring.related)
        covered = index.skill_counts(scoring.wanted_ids)
        rows = matched | (strong > 0) | (related > 0) | (covered > 0)
        # The score adds its parts in `scored_plan`'s order, so ties fall the same way.
        parts = []
        if scoring.words:
            parts.append(rank)
            rows &= (matched | (strong > 0)) if scoring.strong else matched
        if scoring.strong:
            parts.append(strong * STRONG_BOOST)
        if scoring.related:
            parts.append(related * RELATED_BOOST)
        if scoring.wanted_ids:
            parts.append(covered * float(f"{COVERAGE_WEIGHT / len(scoring.wanted_ids):.6f}"))
            rows &= covered > 0
        if scoring.picked:
            rows &= index.skill_counts(scoring.picked) >= scoring.needed
        score = parts[0].astype(float) if parts else np.zeros(index.size, dtype=float)
        for part in parts[1:]:
            score = score + part
        return _Candidates(rows=rows, score=score, covered=covered)

    def _filters(self, query: CatalogueQuery, values: _FacetValues, notes: list[str]):
        """{name: offers it keeps} of every active filter: the facets, the price range,
        distance."""
        index = values.index
        filters: dict[str, np.ndarray] = {}
        for name in CATALOGUE_FACETS:
            selected = tuple(str(v) for v in query.filters.get(name, ()) if v)
            if selected:
                kept = values.filter_for(name, selected)
                if kept is not None:
                    filters[name] = kept
        price = None
        if query.price_min is not None and query.price_min > 0:
            price = index.price >= float(query.price_min)  # an unknown price (NaN) fails
        if query.price_max is not None:
            cheap = index.is_free | (index.price <= float(query.price_max))
            price = cheap if price is None else price & cheap
        if price is not None:
            filters["price_range"] = price
        if query.near:
            provinces = _near_provinces(query.near, query.radius_km, notes)
            if provinces is not None:
                filters["near"] = index.any_bit(
                    "province_mask", facets.mask(provinces, facets.PROVINCES)
                )
        return filters

    def _catalogue(self, query, understanding, language) -> CatalogueResult:
        today = timezone.localdate()
        index = facet_index()
        values = _FacetValues(today, index)
        notes: list[str] = []
        filters = self._filters(query, values, notes)
        plan = self._scoring(query, understanding)
        candidates = self._candidates(plan, index, notes)
        if understanding.excluded_skill_ids:
            excluded = _fetch(
                "SELECT offer_id FROM search_offerskilldocument "
                f"WHERE skill_id IN ({_in_ints(understanding.excluded_skill_ids)})",
                [],
            )
            candidates.rows &= ~index.selection([row[0] for row in excluded])

        total, counts, totals_without, kept = _count_facets(candidates.rows, filters, values)

        facet_list = []
        for name in CATALOGUE_FACETS:
            selected = set(query.filters.get(name, ()))
            facet_values = tuple(
                FacetValue(value, label, counts.get(name, {}).get(value, 0), value in selected)
                for value, label in values.values[name]
                if counts.get(name, {}).get(value, 0) or value in selected
            )
            facet_list.append(Facet(name, str(facets.FACET_LABELS[name]), facet_values))

        hits = self._hits(query, plan, index, candidates, kept, language)
        path, path_coverage = (), 0.0
        if understanding.goal_skill_ids and total:
            path, path_coverage = self._path(
                query, plan, index, candidates, kept, language, understanding.goal_skill_ids
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

    @staticmethod
    def _ordered(query, index: FacetIndex, candidates: _Candidates, kept, first=None):
        """The positions of `kept` in the order of the hits: by relevance (score, then next
        session) or by a sort key (then score), the offer id last; `first` (an array over
        the index, higher first) comes before everything."""
        key = {"next_session": "session", "duration": "duration", "price": "price"}.get(
            query.sort, "session"
        )
        if candidates.score is None and first is None:
            order = index.orders[key]  # precomputed: (key, offer id)
            return order[kept[order]]
        rows = np.flatnonzero(kept)
        keys = [index.ids[rows]]  # np.lexsort: the last key sorts first
        if candidates.score is None:
            keys.append(index.sort_keys[key][rows])
        elif query.sort in ("next_session", "duration", "price"):
            keys += [-candidates.score[rows], index.sort_keys[key][rows]]
        else:
            keys += [index.sort_keys["session"][rows], -candidates.score[rows]]
        if first is not None:
            keys.append(-first[rows])
        return rows[np.lexsort(keys)]

    _HIT_COLUMNS = (
        "d.offer_id, o.url, o.title, o.summary, o.provider_name, o.place, d.next_session, "
        "d.price, d.is_free, d.duration_hours"
    )

    def _hit_rows(self, offer_ids, scores) -> list[tuple]:
        """The rows `_make_hits` reads, in the order of `offer_ids` (texts from the documents,
        the rest from the facets)."""
        if not offer_ids:
            return []
        rows = _fetch(
            f"SELECT {self._HIT_COLUMNS} FROM search_offerfacets d "
            "LEFT JOIN search_offerdocument o ON o.offer_id = d.offer_id "
            f"WHERE d.offer_id IN ({_in_ints(offer_ids)})",
            [],
        )
        by_id = {row[0]: row for row in rows}
        return [
            (
                *by_id[offer_id][:1],
                *(v or "" for v in by_id[offer_id][1:6]),
                *by_id[offer_id][6:],
                score,
            )
            for offer_id, score in zip(offer_ids, scores, strict=True)
            if offer_id in by_id
        ]

    def _hits(
        self, query, plan: _Scoring, index, candidates, kept, language
    ) -> tuple[OfferHit, ...]:
        page_size = max(1, min(int(query.page_size or 20), MAX_PAGE_SIZE))
        page = max(1, int(query.page or 1))
        start = (page - 1) * page_size
        if start >= np.count_nonzero(kept):
            return ()
        positions = self._ordered(query, index, candidates, kept)[start : start + page_size]
        scores = (
            candidates.score[positions].tolist()
            if candidates.score is not None
            else [0.0] * len(positions)
        )
        rows = self._hit_rows(index.ids[positions].tolist(), scores)
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

    def _path(
        self, query, plan: _Scoring, index, candidates, kept, language, goal_ids
    ) -> tuple[tuple, float]:
        """Greedy set cover: up to three offers that together teach most essential skills,
        chosen among the best-covering offers the filters allow."""
        ordered = self._ordered(query, index, candidates, kept, first=candidates.covered)
        candidates_ids = index.ids[ordered[:PATH_CANDIDATES]].tolist()
        if not candidates_ids:
            return (), 0.0
        goal = set(goal_ids)
        teaches: dict[int, set[int]] = defaultdict(set)
        for offer_id, skill_id in _fetch(
            "SELECT offer_id, skill_id FROM search_offerskilldocument "
            f"WHERE offer_id IN ({_in_ints(candidates_ids)}) AND skill_id IN ({_in_ints(goal)})",
            [],
        ):
            teaches[offer_id].add(skill_id)
        chosen: list[int] = []
        covered: set[int] = set()
        for _step in range(PATH_LENGTH):
            best = max(
                candidates_ids,
                key=lambda o: (len(teaches[o] - covered), -candidates_ids.index(o)),
            )
            gain = teaches[best] - covered
            if not gain or best in chosen:
                break
            chosen.append(best)
            covered |= gain
        if not chosen:
            return (), 0.0
        rows = self._hit_rows(chosen, [0.0] * len(chosen))
        hits = self._make_hits(rows, plan.wanted_ids, language)
        return hits, round(len(covered) / len(goal), 4)

    def _suggestions(self, query, understanding, filters, totals_without, language):
        suggestions: list[Suggestion] = []
        from search.api import query_params  # the public module imports this one

        params = query_params(query)
        best_name, best_count = "", 0
        for name in filters:
            count = totals_without.get(name, 0)
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


@dataclass(frozen=True)
class _Scoring:
    """What ranks a catalogue search: its words and the skills understood (strong), related,
    wanted (picked or goal, coverage counted) and picked (required: `needed` of them)."""

    words: list
    strong: tuple[int, ...]
    related: tuple[int, ...]
    wanted_ids: tuple[int, ...]
    picked: tuple[int, ...]
    needed: int

    @property
    def skills(self) -> tuple[int, ...]:
        return (*self.strong, *self.related, *self.wanted_ids)


@dataclass
class _Candidates:
    """The offers a search's text and skills allow (a mask over the facet index) with their
    scores and how many wanted skills each covers; without text or skills, every offer and
    no score."""

    rows: np.ndarray
    score: np.ndarray | None
    covered: np.ndarray | None


def _count_facets(base: np.ndarray, filters: dict[str, np.ndarray], values: _FacetValues):
    """(total, {facet: {value: count}}, {filter: total without it}, the offers every filter
    keeps): each facet counted with every filter but its own, so multi-select stays right;
    the total without a filter is the empty result's suggestion."""
    kept = base.copy()
    for rows in filters.values():
        kept &= rows
    total = int(np.count_nonzero(kept))
    counts = {name: values.counts(name, kept) for name in CATALOGUE_FACETS if name not in filters}
    totals_without: dict[str, int] = {}
    for name in filters:
        others = base.copy()
        for other, rows in filters.items():
            if other != name:
                others &= rows
        totals_without[name] = int(np.count_nonzero(others))
        if name in values.values:
            counts[name] = values.counts(name, others)
    return total, counts, totals_without, kept


def _corrected_words(words: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """`words` with each word no offer holds replaced by the close indexed terms
    (`search.engines.spelling`); a word without a close term stays as it is."""
    exists = vendor_sql.text_exists_sql("search_offerdocument", "offer_id")
    corrected = []
    for forms in words:
        if _fetch(exists, [vendor_sql.match_expression([forms])]):
            corrected.append(forms)
            continue
        close = [term for form in forms for term in spelling.corrections(form)]
        corrected.append(tuple(dict.fromkeys(close)) or forms)
    return corrected


def _text_hits(words, *, any_word: bool) -> list[tuple]:
    """[(offer id, rank)] of the best full-text matches of `words` (all of them, or any)."""
    sql = vendor_sql.text_hits_sql("search_offerdocument", "offer_id")
    return _fetch(sql, [vendor_sql.match_expression(words, any_word=any_word)])


def _near_provinces(near: str, radius_km: int | None, notes: list[str]) -> list[str] | None:
    """The provinces of offers near a commune, or None for anywhere. Communes carry no
    coordinates here, so distance is approximated by province: the commune's own within
    `SAME_PROVINCE_KM`, with its neighbours within `NEIGHBOURS_KM`, anywhere beyond."""
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
    return allowed


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
