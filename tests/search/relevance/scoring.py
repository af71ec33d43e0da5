"""The relevance set (`queries.toml`) and its measures: nDCG@10 and a good first result.

Shared by the suite (`test_relevance.py`, on the demo loaded into the test database) and the
benchmark (`bench/search_relevance.py`, on the development database). An offer is named
"<provider slug>/<external id>"; the judgements may name offers by pattern (see the file).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "queries.toml"
CUTOFF = 10


@dataclass(frozen=True)
class Judged:
    id: str
    text: str
    language: str
    patterns: dict[str, int]  # key or pattern -> grade, as written
    note: str = ""

    def grades(self, keys: list[str]) -> dict[str, int]:
        """The grade of every offer `keys` names that the judgements reach: an exact key
        beats a pattern, a later pattern an earlier one."""
        grades: dict[str, int] = {}
        for pattern, grade in self.patterns.items():
            if "*" in pattern or "?" in pattern:
                for key in keys:
                    if fnmatchcase(key, pattern):
                        grades[key] = grade
        for pattern, grade in self.patterns.items():
            if "*" not in pattern and "?" not in pattern and pattern in keys:
                grades[pattern] = grade
        return {key: grade for key, grade in grades.items() if grade > 0}

    def unmatched_patterns(self, keys: list[str]) -> list[str]:
        return [p for p in self.patterns if not any(fnmatchcase(key, p) for key in keys)]


def load_queries(path: Path = QUERIES) -> list[Judged]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [
        Judged(
            id=row["id"],
            text=row["q"],
            language=row["lang"],
            patterns=dict(row.get("relevant", {})),
            note=row.get("note", ""),
        )
        for row in data["queries"]
    ]


def dcg(gains: list[int]) -> float:
    return sum((2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains[:CUTOFF]))


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(key, 0) for key in ranked]) / ideal if ideal else 0.0


def good_first(ranked: list[str], grades: dict[str, int]) -> bool:
    """The first result has the best grade any offer has for this query."""
    return bool(ranked and grades) and grades.get(ranked[0], 0) == max(grades.values())


@dataclass(frozen=True)
class QueryScore:
    judged: Judged
    ranked: tuple[str, ...]
    total: int
    ndcg: float | None  # None: nothing relevant in the demo
    good_first: bool | None
    suggestions: int = 0


@dataclass(frozen=True)
class Report:
    scores: tuple[QueryScore, ...]

    @property
    def judged(self) -> list[QueryScore]:
        return [s for s in self.scores if s.ndcg is not None]

    @property
    def mean_ndcg(self) -> float:
        judged = self.judged
        return sum(s.ndcg for s in judged) / len(judged) if judged else 0.0

    @property
    def good_first_share(self) -> float:
        judged = self.judged
        return sum(bool(s.good_first) for s in judged) / len(judged) if judged else 0.0


def offer_keys() -> dict[int, str]:
    """Every live offer's key by its page id."""
    from courses.models import OfferPage

    return {
        offer_id: f"{slug}/{external_id}"
        for offer_id, slug, external_id in OfferPage.objects.live().values_list(
            "pk", "provider__slug", "external_id"
        )
    }


def evaluate(queries: list[Judged] | None = None) -> Report:
    """Run every query of the set through the search interface and score the first page."""
    from search import catalogue_search
    from search.contract import CatalogueQuery

    queries = queries if queries is not None else load_queries()
    keys_by_id = offer_keys()
    keys = list(keys_by_id.values())
    scores = []
    for judged in queries:
        result = catalogue_search(
            query=CatalogueQuery(text=judged.text, language=judged.language, page_size=CUTOFF)
        )
        ranked = [keys_by_id.get(hit.offer_id, f"?{hit.offer_id}") for hit in result.hits]
        grades = judged.grades(keys)
        scores.append(
            QueryScore(
                judged=judged,
                ranked=tuple(ranked),
                total=result.total,
                ndcg=ndcg(ranked, grades) if grades else None,
                good_first=good_first(ranked, grades) if grades else None,
                suggestions=len(result.suggestions),
            )
        )
    return Report(scores=tuple(scores))
