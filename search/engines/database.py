"""The database engine: SQLite or PostgreSQL answer every catalogue and posting search from the
search tables (`search.models`), with no service besides the database.

One catalogue search is a handful of SQL statements over `search_offerdocument`:
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
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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
    table: str = "search_offerdocument"

    def statement(
        self, select: str, filters: list[_Condition], tail: str = "", select_params=()
    ) -> tuple[str, list]:
        """The SQL and its parameters, in text order: CTEs, SELECT list, WHERE clause."""
        conditions = [*self.where, *filters]
        sql = ""
        if self.ctes:
            sql = "WITH " + ", ".join(self.ctes) + " "
        sql += f"SELECT {select} FROM {self.table} d " + " ".join(self.joins)
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
        plan = _Plan()
        score = []
        words = query_words(understanding.terms)
        picked = tuple(dict.fromkeys(understanding.skill_ids))
        wanted = tuple(dict.fromkeys((*picked, *understanding.goal_skill_ids)))
        strong = tuple(s for s in dict.fromkeys(understanding.boost_skill_ids) if s not in wanted)
        related = tuple(
            s for s in dict.fromkeys(understanding.related_skill_ids) if s not in (*wanted, *strong)
        )
        if words:
            plan.ctes.append(
                "text_hits AS ("
                + vendor_sql.text_hits_sql("search_offerdocument", "offer_id")
                + ")"
            )
            plan.cte_params.append(vendor_sql.match_expression(words, any_word=any_word))
            plan.joins.append("LEFT JOIN text_hits t ON t.doc_id = d.offer_id")
            score.append("COALESCE(t.rank, 0)")
        if strong or related:
            plan.ctes.append(
                "boost AS (SELECT offer_id, "
                f"SUM(CASE WHEN skill_id IN ({_in_ints(strong)}) THEN 1 ELSE 0 END) AS strong, "
                f"SUM(CASE WHEN skill_id IN ({_in_ints(related)}) THEN 1 ELSE 0 END) AS related "
                "FROM search_offerskilldocument "
                f"WHERE skill_id IN ({_in_ints((*strong, *related))}) GROUP BY offer_id)"
            )
            plan.joins.append("LEFT JOIN boost b ON b.offer_id = d.offer_id")
            score.append(f"COALESCE(b.strong, 0) * {STRONG_BOOST}")
            score.append(f"COALESCE(b.related, 0) * {RELATED_BOOST}")
        if words:
            # Text matches, and offers teaching what the text was understood to mean.
            plan.where.append(
                _Condition(
                    "(t.doc_id IS NOT NULL OR b.strong > 0)" if strong else "t.doc_id IS NOT NULL"
                )
            )
        if wanted:
            plan.ctes.append(
                "wanted AS (SELECT offer_id, COUNT(*) AS covered, "
                f"SUM(CASE WHEN skill_id IN ({_in_ints(picked)}) THEN 1 ELSE 0 END) AS picked "
                "FROM search_offerskilldocument "
                f"WHERE skill_id IN ({_in_ints(wanted)}) GROUP BY offer_id)"
            )
            plan.joins.append("JOIN wanted w ON w.offer_id = d.offer_id")
            score.append(f"w.covered * {COVERAGE_WEIGHT / len(wanted):.6f}")
            plan.has_wanted = True
            plan.wanted_ids = wanted
            if picked:
                needed = len(picked) if query.require_all_skills else 1
                plan.where.append(_Condition(f"w.picked >= {needed}"))
        if understanding.excluded_skill_ids:
            plan.where.append(
                _Condition(
                    "NOT EXISTS (SELECT 1 FROM search_offerskilldocument x "
                    "WHERE x.offer_id = d.offer_id "
                    f"AND x.skill_id IN ({_in_ints(understanding.excluded_skill_ids)}))"
                )
            )
        plan.score = " + ".join(score) or "0"
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

        # Facet counts: one statement for the facets without a filter, one per filtered one.
        counts: dict[str, dict[str, int]] = {}
        totals_without: dict[str, int] = {}
        unfiltered = [name for name in CATALOGUE_FACETS if name not in filters]
        sums, keys = [], []
        for name in unfiltered:
            for value, _label, cond in values.values[name]:
                sums.append(f"SUM(CASE WHEN {cond.sql} THEN 1 ELSE 0 END)")
                keys.append((name, value, cond.params))
        sql, params = plan.statement(
            ", ".join(["COUNT(*)", *sums]),
            list(filters.values()),
            select_params=[p for _n, _v, ps in keys for p in ps],
        )
        row = _fetch(sql, params)[0]
        total = int(row[0] or 0)
        for (name, value, _ps), count in zip(keys, row[1:], strict=True):
            counts.setdefault(name, {})[value] = int(count or 0)
        for name in filters:
            others = [cond for other, cond in filters.items() if other != name]
            own = values.values.get(name, [])
            sums = [f"SUM(CASE WHEN {cond.sql} THEN 1 ELSE 0 END)" for _v, _l, cond in own]
            sql, params = plan.statement(
                ", ".join(["COUNT(*)", *sums]),
                others,
                select_params=[p for _v, _l, cond in own for p in cond.params],
            )
            row = _fetch(sql, params)[0]
            totals_without[name] = int(row[0] or 0)
            counts[name] = {
                value: int(count or 0) for (value, _l, _c), count in zip(own, row[1:], strict=True)
            }

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

    def _order(self, query: CatalogueQuery) -> str:
        tiebreak = "d.sort_title, d.offer_id"
        if query.sort == "next_session":
            return f"(d.next_session IS NULL), d.next_session, score DESC, {tiebreak}"
        if query.sort == "duration":
            return f"(d.duration_hours IS NULL), d.duration_hours, score DESC, {tiebreak}"
        if query.sort == "price":
            return (
                "(CASE WHEN d.is_free THEN 0 WHEN d.price IS NULL THEN 2 ELSE 1 END), "
                f"d.price, score DESC, {tiebreak}"
            )
        return f"score DESC, (d.next_session IS NULL), d.next_session, {tiebreak}"

    _HIT_COLUMNS = (
        "d.offer_id, d.url, d.title, d.summary, d.provider_name, d.place, d.next_session, "
        "d.price, d.is_free, d.duration_hours"
    )

    def _hits(self, query, plan: _Plan, filters, language) -> tuple[OfferHit, ...]:
        page_size = max(1, min(int(query.page_size or 20), MAX_PAGE_SIZE))
        page = max(1, int(query.page or 1))
        sql, params = plan.statement(
            f"{self._HIT_COLUMNS}, {plan.score} AS score",
            filters,
            f" ORDER BY {self._order(query)} LIMIT {page_size} OFFSET {(page - 1) * page_size}",
        )
        rows = _fetch(sql, params)
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
            f" ORDER BY w.covered DESC, {self._order(query)} LIMIT {PATH_CANDIDATES}",
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
            f"SELECT {self._HIT_COLUMNS}, 0 FROM search_offerdocument d "
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
