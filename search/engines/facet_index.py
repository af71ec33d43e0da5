"""The catalogue's facet index: `search_offerfacets` held in memory as columns, one position
per indexed offer, so that a search filters, counts every facet value and picks its page of
hits with a few array operations instead of scanning the table once per facet.

Why: counting the sixty-odd facet values of a broad search in SQL read every candidate row
once per filtered facet, with one `CASE` per value (0.4 to 2 s at 100,000 offers on the 2-core
machine); the same counts over arrays take a few milliseconds. This is the bitmap index search
engines keep for facets, with the skill links beside it (required skills, goal coverage and
boosts are counted per offer on them). The tables stay the only source: the index is read
from them again, once per process, whenever the search generation changes
(`search.services.bump_generation`, a random token, so a rolled-back change never brings back
an old index).

Values are stored as the table stores them: single-valued facets as small codes, the
multi-valued ones as the same bit masks, dates as day numbers, prices in cents.
"""

from __future__ import annotations

import datetime
import gc
import threading
from dataclasses import dataclass

import numpy as np
from django.db import connection

_EPOCH = datetime.date(1970, 1, 1)
NO_DAY = -1  # no next session

SINGLE_COLUMNS = ("modality", "format", "provider_kind", "price_band")
MASK_COLUMNS = ("province_mask", "audience_mask", "language_mask", "schedule_mask", "funding_mask")

_lock = threading.Lock()
_indexes: dict[str, FacetIndex] = {}


def day_number(value: datetime.date) -> int:
    return (value - _EPOCH).days


@dataclass(frozen=True, eq=False)
class FacetIndex:
    """The columns of `search_offerfacets`, row `i` being the offer `ids[i]` (ascending)."""

    key: tuple
    ids: np.ndarray
    codes: dict[str, np.ndarray]  # single-valued column -> code per row
    vocabulary: dict[str, dict[str, int]]  # single-valued column -> {stored value: code}
    masks: dict[str, np.ndarray]
    level: np.ndarray  # 0 when unknown
    certified: np.ndarray
    is_free: np.ndarray
    price: np.ndarray  # float, NaN when unknown
    next_day: np.ndarray  # day number of the next session, NO_DAY when none
    sort_keys: dict[str, np.ndarray]  # "session" / "duration" / "price" -> integer keys
    # Positions in the order of each sort key then offer id: browsing reads a page off these.
    orders: dict[str, np.ndarray]
    # The confirmed skill links (`search_offerskilldocument`), by skill then row.
    link_skill: np.ndarray
    link_row: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def everything(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    def positions(self, offer_ids) -> tuple[np.ndarray, np.ndarray]:
        """(positions, found): the rows of `offer_ids`; `found` says which ids are indexed."""
        wanted = np.asarray(offer_ids, dtype=np.int64)
        positions = np.searchsorted(self.ids, wanted)
        found = positions < self.size
        found[found] = self.ids[positions[found]] == wanted[found]
        return positions, found

    def selection(self, offer_ids) -> np.ndarray:
        """The rows of `offer_ids` as a boolean mask (ids not indexed are left out)."""
        positions, found = self.positions(offer_ids)
        chosen = np.zeros(self.size, dtype=bool)
        chosen[positions[found]] = True
        return chosen

    def single(self, column: str, values) -> np.ndarray:
        vocabulary = self.vocabulary[column]
        codes = [vocabulary[value] for value in values if value in vocabulary]
        if not codes:
            return np.zeros(self.size, dtype=bool)
        return np.isin(self.codes[column], codes)

    def single_counts(self, column: str, rows: np.ndarray) -> dict[str, int]:
        vocabulary = self.vocabulary[column]
        counted = np.bincount(self.codes[column][rows], minlength=len(vocabulary))
        return {value: int(counted[code]) for value, code in vocabulary.items()}

    def any_bit(self, column: str, bits: int) -> np.ndarray:
        return (self.masks[column] & np.int64(bits)) != 0

    def skill_counts(self, skill_ids) -> np.ndarray:
        """How many of `skill_ids` each row's offer teaches (an integer per row)."""
        if not skill_ids:
            return np.zeros(self.size, dtype=np.int64)
        wanted = np.unique(np.asarray(skill_ids, dtype=np.int64))
        starts = np.searchsorted(self.link_skill, wanted, side="left")
        ends = np.searchsorted(self.link_skill, wanted, side="right")
        rows = np.concatenate([self.link_row[s:e] for s, e in zip(starts, ends, strict=True)])
        return np.bincount(rows, minlength=self.size)

    def bit_counts(self, column: str, rows: np.ndarray, bits: dict[str, int]) -> dict[str, int]:
        selected = self.masks[column][rows]
        if selected.size and selected.min() >= 0 and selected.max() < 4096:
            # Few distinct masks (provinces, audiences...): count each mask once, then its bits.
            by_mask = np.bincount(selected)
            masks = np.flatnonzero(by_mask)
            return {
                value: int(by_mask[masks[(masks & bit) != 0]].sum()) for value, bit in bits.items()
            }
        return {
            value: int(np.count_nonzero(selected & np.int64(bit))) for value, bit in bits.items()
        }


def facet_index() -> FacetIndex:
    """The index of the current search rows on the default connection, read from the table
    when the generation changed since this process last read it."""
    from search.services import current_generation

    key = (connection.alias, connection.settings_dict.get("NAME"), current_generation())
    index = _indexes.get(connection.alias)
    if index is not None and index.key == key:
        return index
    with _lock:
        index = _indexes.get(connection.alias)
        if index is None or index.key != key:
            index = _read(key)
            _indexes[connection.alias] = index
    return index


def _day_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _read(key: tuple) -> FacetIndex:
    columns = [
        "offer_id",
        *SINGLE_COLUMNS,
        *MASK_COLUMNS,
        "COALESCE(level, 0)",
        "has_certification",
        "is_free",
        "price",
        f"COALESCE({_day_sql('next_session')}, {NO_DAY})",
        _day_sql("session_key"),
        "duration_key",
        "CAST(ROUND(price_key * 100) AS BIGINT)",
    ]
    # Many small tuples at once: the cyclic garbage collector would walk them all, for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM search_offerfacets ORDER BY offer_id")
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT skill_id, offer_id FROM search_offerskilldocument "
                "ORDER BY skill_id, offer_id"
            )
            links = cursor.fetchall()
    finally:
        if collecting:
            gc.enable()
    # One list per column (zip runs in C): no Python loop over the rows.
    data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    at = iter(range(len(columns)))
    ids = np.array(data[next(at)], dtype=np.int64)
    codes, vocabulary = {}, {}
    for column in SINGLE_COLUMNS:
        values, inverse = np.unique(np.array(data[next(at)], dtype=object), return_inverse=True)
        codes[column] = inverse.astype(np.int32)
        vocabulary[column] = {str(value): code for code, value in enumerate(values)}
    masks = {column: np.array(data[next(at)], dtype=np.int64) for column in MASK_COLUMNS}
    level = np.array(data[next(at)], dtype=np.int64)
    certified = np.array(data[next(at)], dtype=bool)
    is_free = np.array(data[next(at)], dtype=bool)
    price = np.array(data[next(at)], dtype=float)  # None becomes NaN
    next_day = np.array(data[next(at)], dtype=np.int64)
    sort_keys = {
        "session": np.array(data[next(at)], dtype=np.int64),
        "duration": np.array(data[next(at)], dtype=np.int64),
        "price": np.array(data[next(at)], dtype=np.int64),
    }
    # np.lexsort sorts by its last key first: (key, offer id), as the SQL indexes did.
    orders = {name: np.lexsort((ids, values)) for name, values in sort_keys.items()}
    link_skill, link_offer = (
        (np.array(column, dtype=np.int64) for column in zip(*links, strict=True))
        if links
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )
    positions = np.searchsorted(ids, link_offer)
    indexed = positions < len(ids)
    indexed[indexed] = ids[positions[indexed]] == link_offer[indexed]
    return FacetIndex(
        key=key,
        ids=ids,
        codes=codes,
        vocabulary=vocabulary,
        masks=masks,
        level=level,
        certified=certified,
        is_free=is_free,
        price=price,
        next_day=next_day,
        sort_keys=sort_keys,
        orders=orders,
        link_skill=link_skill[indexed],
        link_row=positions[indexed],
    )
