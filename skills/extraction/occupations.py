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
    max_candidate_rows = 2000

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
        self.vectoriser = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32
        )
        if titles:
            matrix = self.vectoriser.fit_transform(cleaned_titles)
            self.matrix_t = matrix.T.tocsr()
        else:
            self.matrix_t = None
        self.skill_sets: list[dict[int, float]] = [
            {skill: 1.0 if essential else 0.5 for skill, essential in occupation.skills}
            for occupation in snapshot.occupations
        ]

    def match(
        self, title: str, *, skill_scores: dict[int, float] | None = None, top_k: int = 5
    ) -> list[OccupationCandidate]:
        cleaned = clean_title(title)
        if not cleaned or self.matrix_t is None:
            return []
        query = self.vectoriser.transform([cleaned])
        sims = (query @ self.matrix_t).tocoo()
        rows, data = sims.col, sims.data
        if len(data) > self.max_candidate_rows:
            # Common n-grams touch tens of thousands of titles; only the best few hundred can
            # reach the top of the ranking, and sorting them all dominated the cost.
            keep = np.argpartition(-data, self.max_candidate_rows)[: self.max_candidate_rows]
            rows, data = rows[keep], data[keep]
        best = np.zeros(self.n_occupations, dtype=np.float32)
        best_row = np.full(self.n_occupations, -1, dtype=np.int64)
        order = np.argsort(data)  # ascending: the last write per occupation is its best
        owners = self.owners[rows[order]]
        best[owners] = data[order]
        best_row[owners] = rows[order]
        scores = 0.9 * best
        exact_hits = self.exact.get(cleaned, ())
        if exact_hits:
            # A title shared by several occupations (ROME titles often are) goes first to the
            # occupation whose own ESCO labels it resembles most.
            label_sims = np.zeros(self.n_occupations, dtype=np.float32)
            from_labels = self.is_label[sims.col]
            np.maximum.at(label_sims, self.owners[sims.col[from_labels]], sims.data[from_labels])
            for occ in exact_hits:
                scores[occ] = max(scores[occ], 0.92 + 0.07 * float(label_sims[occ]))
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
            exact = occ in self.exact.get(cleaned, ())
            evidence = cleaned if exact else self.titles[best_row[occ]]
            method = "title" if exact else "similar_title"
            if bonus[occ] > 0:
                method += "+skills"
            out.append(OccupationCandidate(int(occ), float(final[occ]), method, evidence))
        return out
