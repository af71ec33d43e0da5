"""Occupation matching: a job title (French or English, with its usual noise) to ESCO occupations.

Every preferred label, alternative label and ROME job title of an occupation is a row of a
character n-gram TF-IDF matrix (n-grams absorb gender and number variants such as
"développeur"/"développeuse" and small spelling differences); a cleaned title is scored by
cosine against all rows and each occupation keeps its best row. A title that equals a known
one exactly wins outright. When the posting text is given, the skills found in it that the
occupation lists as essential or optional add a bounded bonus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from skills.extraction.taxonomy import JOB_TITLE, TaxonomySnapshot
from skills.extraction.text import clean_title


@dataclass(frozen=True, slots=True)
class OccupationCandidate:
    occupation: int
    score: float
    method: str
    evidence: str


def _title_variants(title: str) -> list[str]:
    """A title and, for "développeur web/développeuse web", each gendered half."""
    variants = [title]
    if "/" in title:
        parts = [part.strip() for part in title.split("/")]
        if all(len(part.split()) >= 2 for part in parts) or all(
            len(part.split()) == 1 for part in parts
        ):
            variants.extend(part for part in parts if part)
    return variants


class OccupationIndex:
    text_weight = 0.25
    # Title-only matches are memoised per cleaned title: feeds repeat the same few thousand
    # titles all day long, and a title costs milliseconds (every row shares some n-gram).
    title_memo_size = 20_000

    def __init__(self, snapshot: TaxonomySnapshot):
        titles, cleaned_titles, owners, is_label, exact = [], [], [], [], {}
        for idx, occupation in enumerate(snapshot.occupations):
            seen = set()
            for kind, title in occupation.titles:
                for variant in _title_variants(title):
                    cleaned = clean_title(variant)
                    if not cleaned or cleaned in seen:
                        continue
                    seen.add(cleaned)
                    titles.append(variant)
                    cleaned_titles.append(cleaned)
                    owners.append(idx)
                    is_label.append(kind != JOB_TITLE)
                    exact.setdefault(cleaned, set()).add(idx)
        self.titles = titles
        self.owners = np.asarray(owners, dtype=np.int32)
        self.is_label = np.asarray(is_label, dtype=bool)
        self.exact = {key: tuple(sorted(value)) for key, value in exact.items()}
        self.n_occupations = len(snapshot.occupations)
        # Rows are appended occupation by occupation: each occupation owns one contiguous run
        # of rows, so "best row per occupation" is a segmented maximum (`np.maximum.reduceat`).
        self.owner_ids, self.segment_starts = np.unique(self.owners, return_index=True)
        self.segment_ends = np.append(self.segment_starts[1:], len(self.owners))
        vectoriser = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
        )
        if titles:
            matrix = vectoriser.fit_transform(cleaned_titles)
            # Queries are scored without going through scikit-learn (its input validation cost
            # more than the scoring itself): the same analyser, tf and idf, applied by hand.
            self.analyser = vectoriser.build_analyzer()
            self.vocabulary: dict[str, int] = vectoriser.vocabulary_
            self.idf = vectoriser.idf_.astype(np.float32)
            self.matrix_t = matrix.T.tocsr()
        else:
            self.matrix_t = None
        self._title_memo: dict[tuple[str, int], list[OccupationCandidate]] = {}
        self.skill_sets: list[dict[int, float]] = [
            {skill: 1.0 if essential else 0.5 for skill, essential in occupation.skills}
            for occupation in snapshot.occupations
        ]

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_title_memo"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._title_memo = {}

    def _title_similarities(self, cleaned: str) -> np.ndarray:
        """Cosine of the cleaned title with every row (dense, one value per row)."""
        counts: dict[int, int] = {}
        for gram in self.analyser(cleaned):
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(len(self.owners), dtype=np.float32)
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        weights *= self.idf[columns]
        weights /= np.sqrt(np.dot(weights, weights))
        # The title's n-gram rows of the (n-gram x title) matrix, weighted and summed.
        return self.matrix_t[columns].T @ weights

    def _best_row(self, occupation: int, sims: np.ndarray, mask=None) -> int:
        segment = np.searchsorted(self.owner_ids, occupation)
        start, end = self.segment_starts[segment], self.segment_ends[segment]
        values = sims[start:end] if mask is None else np.where(mask[start:end], sims[start:end], 0)
        return int(start + np.argmax(values))

    def match(
        self, title: str, *, skill_scores: dict[int, float] | None = None, top_k: int = 5
    ) -> list[OccupationCandidate]:
        cleaned = clean_title(title)
        if not cleaned or self.matrix_t is None:
            return []
        if skill_scores:
            return self._rank(cleaned, skill_scores, top_k)
        key = (cleaned, top_k)
        found = self._title_memo.get(key)
        if found is None:
            if len(self._title_memo) >= self.title_memo_size:
                self._title_memo.clear()
            found = self._title_memo[key] = self._rank(cleaned, None, top_k)
        return list(found)

    def _rank(
        self, cleaned: str, skill_scores: dict[int, float] | None, top_k: int
    ) -> list[OccupationCandidate]:
        sims = self._title_similarities(cleaned)
        best = np.zeros(self.n_occupations, dtype=np.float32)
        best[self.owner_ids] = np.maximum.reduceat(sims, self.segment_starts)
        scores = 0.9 * best
        exact_hits = self.exact.get(cleaned, ())
        for occ in exact_hits:
            # A title shared by several occupations (ROME titles often are) goes first to the
            # occupation whose own ESCO labels it resembles most.
            row = self._best_row(occ, sims, self.is_label)
            label_sim = float(sims[row]) if self.is_label[row] else 0.0
            scores[occ] = max(scores[occ], 0.92 + 0.07 * label_sim)
        bonus = np.zeros_like(scores)
        if skill_scores:
            candidates = np.argpartition(-scores, min(50, len(scores) - 1))[:50]
            for occ in candidates:
                links = self.skill_sets[occ]
                if not links:
                    continue
                found = sum(links[s] * w for s, w in skill_scores.items() if s in links)
                bonus[occ] = self.text_weight * min(1.0, found / (3.0 + 0.1 * len(links)))
        final = np.minimum(scores + bonus * (scores > 0), 1.0)
        k = min(top_k, int((final > 0).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-final, k - 1)[:k]
        top = top[np.lexsort((top, -final[top]))]  # ties: lower occupation index first
        out = []
        for occ in top:
            exact = occ in exact_hits
            evidence = cleaned if exact else self.titles[self._best_row(occ, sims)]
            method = "title" if exact else "similar_title"
            if bonus[occ] > 0:
                method += "+skills"
            out.append(OccupationCandidate(int(occ), float(final[occ]), method, evidence))
        return out
