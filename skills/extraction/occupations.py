"""Occupation matching: a job title (French or English, with its usual noise) to ESCO occupations.

Every preferred label, alternative label and ROME job title of an occupation is a row of a
character n-gram TF-IDF matrix (n-grams absorb gender and number variants such as
"développeur"/"développeuse" and small spelling differences); a cleaned title is scored by
cosine against all rows and each occupation keeps its best row. A title that equals a known
one exactly wins outright. When the posting text is given, the skills found in it that the
occupation lists as essential or optional add a bounded bonus.

Posted titles carry more than the job: "Développeur Java / J2EE (H/F) – CDI – Liège". Before
scoring, `read_title` cuts the title at its separators, drops the segments that only say where
and on which contract, and keeps the job (the first segment left) apart from what specialises
it (the other segments, parenthesised tools). The job and the whole title are both scored; an
occupation keeps the better of the two. Then three rules correct the cosine:

- **the specialising words count**: a row that shares none of the title's rarer words
  ("Java", "jeux", "pneus") loses part of its score, so "développeur AL" no longer beats the
  software developer on the word "développeur" alone;
- **a title several occupations share is weaker evidence** (ROME job titles often are, and
  short ESCO alternative labels such as "Opérateur régleur"): such a row counts a little less
  for each occupation than a title that names one occupation only;
- **ties go to the exact preferred label**: among occupations scoring the same, one whose own
  preferred label is the job segment comes first ("Comptable" → *comptable*, not
  *expert-comptable*).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from core.text import fold
from skills.extraction.gazetteer import NameKind, load_entries
from skills.extraction.memos import PickledWithoutMemos
from skills.extraction.taxonomy import JOB_TITLE, TaxonomySnapshot
from skills.extraction.text import clean_text, clean_title

# Where a posted title is cut into segments: a dash, a bar or a bullet between spaces, a comma,
# a colon, and "pour", after which the title says whom or what the job serves ("Graphiste pour
# notre site", "Technicien son pour soirées"). "/" is not a cut: it joins alternatives of one
# job ("Puériculteur / Puéricultrice").
_SEGMENT_CUT_RE = re.compile(r"\s+[–—-]+\s+|\s*[|•;]\s*|,\s+|\s*:\s+|📍|\s+pour\s+", re.IGNORECASE)
# French inclusive writing: "Intégrateur·trice", "Monteur·euse", "Technicien·ne" name one job.
_INCLUSIVE_SUFFIX_RE = re.compile(
    r"[·•.](?:e|ne|euse|rice|trice|se|ère|eure|ve)s?\b", re.IGNORECASE
)
_PARENTHESES_RE = re.compile(r"\(([^()]*)\)")
# A title an employer writes as a request names the job after the request: "Besoin : un
# graphiste", "Besoin urgent d'un soudeur", "Recherche un(e) comptable", "Nous recrutons un
# technicien". The request goes, with the article after it; a verb must be followed by a colon
# or an article, so "Recherche et développement" stays a job.
_REQUEST_VERBS = r"(?:recherche|recherchons|cherche|cherchons|recrute|recrutons|engage|engageons)"
_REQUEST_FRAME_RE = re.compile(
    r"^\s*(?:besoins?(?:\s+urgents?)?(?:\s*:\s*|\s+(?:d['’]\s*(?:une?\b)?|de\s+|des\s+))"
    rf"|(?:nous|on|je)\s+{_REQUEST_VERBS}(?:\s+urgent)?(?:\s*:\s*|\s+)"
    rf"|{_REQUEST_VERBS}(?:\s+urgent)?(?:\s*:\s*|\s+(?=(?:une?|des|d['’]\s*une?)\b)))"
    r"(?:(?:une?|des)\b(?:\s*\(e\))?\s*|d['’]\s*une?\b(?:\s*\(e\))?\s*)?",
    re.IGNORECASE,
)
# Words that only say on which terms the job is offered, or how senior it is ("Intérim avec
# option CDI", "3 pauses", "Maçon qualifié"); `clean_title` already drops the commonest.
_TERMS_WORDS = frozenset(
    (  # noqa: SIM905 (fifty words read better as text than as a list)
        "avec option vue en possibilite pauses pause mois semaines semaine renouvelable hybride "
        "full remote ou et de du des la le les a au aux h f x m contrat temps plein partiel "
        "nuit jour week end zone lieu region province sur place belgique wallonie bruxelles"
    ).split()
)
# Words that say how senior or versatile the worker is, not which job: dropped from the job.
_GRADE_WORDS = frozenset(
    ["qualifie", "qualifiee", "qualifies", "polyvalent", "polyvalente", "autonome"]
)
# A word shorter than this says nothing specific ("de", "h", "IT" aside, which n-grams handle).
_MIN_SPECIFIC_CHARS = 3
# Words compared by their first letters: "développeur"/"développeuse", "pneus"/"pneumatiques".
_PREFIX_CHARS = 4


@cache
def _place_words() -> frozenset[str]:
    """Folded words of the gazetteer's places: a title segment made of them only says where."""
    words = set()
    for entry in load_entries():
        if entry.kind == NameKind.PLACE:
            words.update(re.findall(r"\w+", fold(entry.text)))
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class TitleParts:
    """A posted title read apart: the job, and what specialises it (tools, sector, service)."""

    job: str  # cleaned (`clean_title`), "" when nothing is left
    context: tuple[str, ...]  # cleaned segments after the job, places and terms left out

    @property
    def full(self) -> str:
        return " ".join((self.job, *self.context)).strip()


def _says_only_where_or_terms(cleaned: str) -> bool:
    places = _place_words()
    return all(word in _TERMS_WORDS or word in places or word.isdigit() for word in cleaned.split())


def read_title(title: str) -> TitleParts:
    """ "Développeur Java / J2EE (H/F) – CDI – Liège" -> job "developpeur java j2ee".

    The job is the first segment with anything left once the terms (contract, schedule,
    seniority) are dropped; later segments that only name places or terms are dropped too;
    the others, and parenthesised words longer than a gender marker, are the context.
    """
    title = _REQUEST_FRAME_RE.sub("", _INCLUSIVE_SUFFIX_RE.sub("", title), count=1)
    context_raw = [inner for inner in _PARENTHESES_RE.findall(title) if len(inner) > 12]
    bare = _PARENTHESES_RE.sub(
        lambda found: " " if len(found.group(1)) > 12 else found.group(0), title
    )
    job, context = "", []
    for segment in _SEGMENT_CUT_RE.split(bare):
        cleaned = clean_title(segment)
        if not cleaned or all(word in _TERMS_WORDS for word in cleaned.split()):
            continue
        if not job:
            job = " ".join(word for word in cleaned.split() if word not in _GRADE_WORDS)
        elif not _says_only_where_or_terms(cleaned):
            context.append(cleaned)
    for inner in context_raw:
        cleaned = clean_title(inner)
        if cleaned and not _says_only_where_or_terms(cleaned):
            context.append(cleaned)
    return TitleParts(job, tuple(context))


def clean_known_title(title: str) -> str:
    """A label or ROME title, folded, without punctuation; unlike `clean_title` it keeps every
    word: in "expert-comptable" or "head chef", "expert" and "head" are part of the job."""
    folded = re.sub(r"[^\w+#]+", " ", fold(clean_text(title)))
    return re.sub(r"\s+", " ", folded).strip()


_WHITE_SPACES_RE = re.compile(r"\s\s+")


def char_wb_ngrams(text: str) -> list[str]:
    """The character 2- to 4-grams of each word of `text`, lower-cased, each word padded with
    one space either side: scikit-learn's `analyzer="char_wb", ngram_range=(2, 4)`, gram for
    gram (a function of ours, so that reading the pickled index never imports scikit-learn).
    A word shorter than an n-gram is counted once, whole."""
    grams: list[str] = []
    append = grams.append
    for word in _WHITE_SPACES_RE.sub(" ", text.lower()).split():
        word = " " + word + " "
        length = len(word)
        for n in (2, 3, 4):
            offset = 0
            append(word[offset : offset + n])
            while offset + n < length:
                offset += 1
                append(word[offset : offset + n])
            if offset == 0:
                break
    return grams


_NONE = np.zeros(0, dtype=np.int64)


def _among(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of the `values` found in the sorted array `sorted_set`."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    positions = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[positions] == values


def _top_rows(sims: np.ndarray, count: int) -> np.ndarray:
    """The indices of the `count` largest values of `sims`, in no order.

    Nearly every row shares some n-gram with a title, so partitioning all of them cost a
    fifth of a title's time. A bar read from every eighth row (its best `count` / 8 × 1.5,
    about the 1.5 × `count`-th best of all) leaves a few hundred rows to partition; when
    fewer than `count` pass it, all rows are partitioned.
    """
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    sample = sims[::_SAMPLE_STRIDE]
    rank = min(len(sample), (count * 3) // (2 * _SAMPLE_STRIDE))
    if rank > 0:
        bar = np.partition(sample, len(sample) - rank)[len(sample) - rank]
        strong = np.flatnonzero(sims >= bar)
        if len(strong) >= count:
            return strong[np.argpartition(-sims[strong], count - 1)[:count]]
    return np.argpartition(-sims, count - 1)[:count]


_SAMPLE_STRIDE = 8


def _prefixes(cleaned: str) -> set[str]:
    return {word[:_PREFIX_CHARS] for word in cleaned.split() if len(word) >= _MIN_SPECIFIC_CHARS}


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


class OccupationIndex(PickledWithoutMemos):
    MEMOS = ("_title_memo",)

    # With the posting text, each candidate gains up to `text_weight` for the text's skills it
    # lists (essential ones count double), saturating at `skill_evidence_base` plus
    # `skill_evidence_per_link` per skill it lists: an occupation listing 100 skills is fully
    # backed by about 4.5 of them. Tuned on the tune half of bench/data (occupation top-1 as the
    # product matches, the text consulted when the title is weak): 0.25 / 3 + 0.1 per link
    # gave 0.714 tune, 0.667 held-out; 0.6 / 1.5 + 0.03 gives 0.786, 0.714 (0.4-0.6 and
    # 1.5-2 + 0.03-0.05 a plateau of 0.738-0.786 tune, 0.714-0.738 held-out).
    text_weight = 0.6
    skill_evidence_base = 1.5
    skill_evidence_per_link = 0.03
    # A row that shares none of the title's specific words keeps this share of its cosine; one
    # that shares all of them keeps all of it (see `_coverage`). Words of the job segment weigh
    # `context_word_weight` times more than words of the other segments.
    uncovered_floor = 0.7
    context_word_weight = 0.5
    # Each further occupation that shares a row's title takes this much off the row (not off
    # the occupation's own preferred labels), down to `shared_floor`.
    shared_step = 0.03
    shared_floor = 0.9
    # Among equal scores, the occupation whose preferred label is the job segment goes first.
    preferred_bonus = 0.02
    # A title word that only names a skill the occupation lists covers this share of a word.
    skill_word_share = 0.7
    # Only the best rows are checked for word coverage: the others cannot reach the top.
    coverage_rows = 400
    # Title-only matches are memoised per cleaned title: feeds repeat the same few thousand
    # titles all day long, and a title costs milliseconds (every row shares some n-gram).
    title_memo_size = 20_000

    def __init__(self, snapshot: TaxonomySnapshot):
        titles, cleaned_titles, owners, is_label, exact = [], [], [], [], {}
        is_preferred, preferred = [], {}
        for idx, occupation in enumerate(snapshot.occupations):
            seen = set()
            # The first French and English titles of a record are its preferred labels.
            for position, (kind, title) in enumerate(occupation.titles):
                for variant in _title_variants(title):
                    cleaned = clean_known_title(variant)
                    if not cleaned or cleaned in seen:
                        continue
                    seen.add(cleaned)
                    titles.append(variant)
                    cleaned_titles.append(cleaned)
                    owners.append(idx)
                    is_label.append(kind != JOB_TITLE)
                    is_preferred.append(position < 2 and kind != JOB_TITLE)
                    exact.setdefault(cleaned, set()).add(idx)
                    if position < 2 and kind != JOB_TITLE:
                        preferred.setdefault(cleaned, set()).add(idx)
        self.titles = titles
        self.preferred = {key: tuple(sorted(value)) for key, value in preferred.items()}
        # A title that several occupations share says less about each of them.
        self.row_weight = np.asarray(
            [
                1.0
                if is_preferred[row]
                else max(self.shared_floor, 1.0 - self.shared_step * (len(exact[cleaned]) - 1))
                for row, cleaned in enumerate(cleaned_titles)
            ],
            dtype=np.float32,
        )
        # Word prefixes of each row, and how rare each prefix is among the rows.
        self._row_prefixes: list[frozenset[str]] | None = [
            frozenset(_prefixes(cleaned)) for cleaned in cleaned_titles
        ]
        document_frequency: dict[str, int] = {}
        for prefixes in self._row_prefixes:
            for prefix in prefixes:
                document_frequency[prefix] = document_frequency.get(prefix, 0) + 1
        n_rows = max(len(cleaned_titles), 1)
        self.prefix_idf = {
            prefix: math.log((1 + n_rows) / (1 + count)) + 1.0
            for prefix, count in document_frequency.items()
        }
        self.max_prefix_idf = math.log(1 + n_rows) + 1.0
        self.owners = np.asarray(owners, dtype=np.int32)
        self.is_label = np.asarray(is_label, dtype=bool)
        self.exact = {key: tuple(sorted(value)) for key, value in exact.items()}
        self.n_occupations = len(snapshot.occupations)
        # Rows are appended occupation by occupation: each occupation owns one contiguous run
        # of rows, so "best row per occupation" is a segmented maximum (`np.maximum.reduceat`).
        self.owner_ids, self.segment_starts = np.unique(self.owners, return_index=True)
        self.segment_ends = np.append(self.segment_starts[1:], len(self.owners))
        # Imported here: only building the index needs scikit-learn (over a second of a cold
        # start), and the pickled index must not refer to it.
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectoriser = TfidfVectorizer(
            analyzer=char_wb_ngrams, lowercase=False, sublinear_tf=True, dtype=np.float32
        )
        if titles:
            matrix = vectoriser.fit_transform(cleaned_titles)
            # Queries are scored without going through scikit-learn (its input validation cost
            # more than the scoring itself): the same analyser, tf and idf, applied by hand.
            self.analyser = char_wb_ngrams
            self.vocabulary: dict[str, int] = vectoriser.vocabulary_
            self.idf = vectoriser.idf_.astype(np.float32)
            self.matrix_t = matrix.T.tocsr()
        else:
            self.matrix_t = None
        self._title_memo: dict[tuple[str, int], list[OccupationCandidate]] = {}
        self._prefix_holders: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        # Per occupation, the prefixes of the one-word skills it lists ("Java", "PHP", "Unity",
        # "gériatrie"): a title word that names one is covered for that occupation's rows even
        # when no title of it holds the word ("Développeur Java" -> software developer).
        one_word: dict[int, set[str]] = {}
        for idx, skill in enumerate(snapshot.skills):
            for label in (skill.label_fr, skill.label_en):
                # "Java (programmation informatique)": the name is what precedes the brackets.
                name = clean_known_title((label or "").split("(", 1)[0])
                if name and len(name.split()) == 1:
                    one_word.setdefault(idx, set()).update(_prefixes(name))
        self.skill_prefixes: list[frozenset[str]] = [
            frozenset(
                prefix for skill, _ in occupation.skills for prefix in one_word.get(skill, ())
            )
            for occupation in snapshot.occupations
        ]
        self.skill_sets: list[dict[int, float]] = [
            {skill: 1.0 if essential else 0.5 for skill, essential in occupation.skills}
            for occupation in snapshot.occupations
        ]

    def __getstate__(self):
        state = super().__getstate__()
        # Tens of thousands of small frozensets cost a fifth of loading the index, for titles
        # only: pickled as one string (a row per line, its prefixes space-separated; prefixes
        # hold neither), the sets are rebuilt on the first title matched.
        state["_row_prefix_text"] = "\n".join(" ".join(sorted(row)) for row in self.row_prefixes)
        state["_row_prefixes"] = None
        state["_prefix_holders"] = None  # derived from the prefixes: rebuilt on first use
        return state

    @property
    def row_prefixes(self) -> list[frozenset[str]]:
        """Per title row, the prefixes of its specific words."""
        if self._row_prefixes is None:
            # (Built twice at worst when two threads race: the same list either way.)
            lines = self._row_prefix_text.split("\n") if len(self.owners) else []
            self._row_prefixes = [frozenset(line.split()) for line in lines]
        return self._row_prefixes

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
        parts = read_title(title)
        if not parts.job or self.matrix_t is None:
            return []
        if skill_scores:
            return self._rank(parts, skill_scores, top_k)
        key = (parts, top_k)
        found = self._title_memo.get(key)
        if found is None:
            if len(self._title_memo) >= self.title_memo_size:
                self._title_memo.clear()
            found = self._title_memo[key] = self._rank(parts, None, top_k)
        return list(found)

    def _coverage(self, parts: TitleParts, rows: np.ndarray) -> np.ndarray:
        """Per row, the idf-weighted share of the title's words (by prefix) the row holds."""
        # A word no title holds ("Java", "Django") is the rarest of all, not nothing.
        rarest = self.max_prefix_idf
        weights: dict[str, float] = {}
        for prefix in _prefixes(parts.job):
            weights[prefix] = self.prefix_idf.get(prefix, rarest)
        for segment in parts.context:
            for prefix in _prefixes(segment):
                weight = self.context_word_weight * self.prefix_idf.get(prefix, rarest)
                weights[prefix] = max(weights.get(prefix, 0.0), weight)
        total = sum(weights.values())
        if not total:
            return np.ones(len(rows), dtype=np.float32)
        holders = self.prefix_holders
        owners = self.owners[rows]
        covered = np.zeros(len(rows), dtype=np.float64)
        for prefix, weight in weights.items():
            row_holders, occupation_holders = holders.get(prefix, (_NONE, _NONE))
            held = _among(rows, row_holders)
            listed = _among(owners, occupation_holders)
            covered += np.where(held, weight, np.where(listed, self.skill_word_share * weight, 0.0))
        return (covered / total).astype(np.float32)

    @property
    def prefix_holders(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per word prefix: the rows whose title holds it and the occupations whose one-word
        skills hold it, each a sorted array (`_coverage` checks 400 rows a title in a few
        array operations instead of 400 set lookups per word). Built on first use."""
        if self._prefix_holders is None:
            rows: dict[str, list[int]] = {}
            for row, prefixes in enumerate(self.row_prefixes):
                for prefix in prefixes:
                    rows.setdefault(prefix, []).append(row)
            occupations: dict[str, list[int]] = {}
            for occupation, prefixes in enumerate(self.skill_prefixes):
                for prefix in prefixes:
                    occupations.setdefault(prefix, []).append(occupation)
            self._prefix_holders = {
                prefix: (
                    np.asarray(rows.get(prefix, ()), dtype=np.int64),
                    np.asarray(occupations.get(prefix, ()), dtype=np.int64),
                )
                for prefix in rows.keys() | occupations.keys()
            }
        return self._prefix_holders

    def _row_similarities(self, parts: TitleParts) -> np.ndarray:
        """Per row: the better cosine of the job and of the whole title, weighed by how many
        occupations share the row and by how many of the title's words it holds."""
        sims = self._title_similarities(parts.job)
        if parts.context:
            sims = np.maximum(sims, self._title_similarities(parts.full))
        sims = sims * self.row_weight
        rows = _top_rows(sims, min(self.coverage_rows, len(sims)))
        factor = self.uncovered_floor + (1.0 - self.uncovered_floor) * self._coverage(parts, rows)
        adjusted = np.zeros_like(sims)
        adjusted[rows] = sims[rows] * factor
        return adjusted

    def _rank(
        self, parts: TitleParts, skill_scores: dict[int, float] | None, top_k: int
    ) -> list[OccupationCandidate]:
        cleaned = parts.job
        sims = self._row_similarities(parts)
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
                saturation = self.skill_evidence_base + self.skill_evidence_per_link * len(links)
                bonus[occ] = self.text_weight * min(1.0, found / saturation)
        final = np.minimum(scores + bonus * (scores > 0), 1.0)
        for occ in self.preferred.get(cleaned, ()):
            # After the cap: two exact matches both at 1.0 are still told apart.
            final[occ] += self.preferred_bonus
        k = min(top_k, int((final > 0).sum()))
        if k <= 0:
            return []
        # Every occupation scoring at least the k-th score, then ties by lower index: the first
        # answers do not depend on how many were asked for (`argpartition` alone breaks ties at
        # the k-th place arbitrarily).
        kth = np.partition(-final, k - 1)[k - 1]
        top = np.flatnonzero(-final <= kth)
        top = top[np.lexsort((top, -final[top]))][:k]
        out = []
        for occ in top:
            exact = occ in exact_hits
            evidence = cleaned if exact else self.titles[self._best_row(occ, sims)]
            method = "title" if exact else "similar_title"
            if bonus[occ] > 0:
                method += "+skills"
            score = min(float(final[occ]), 1.0)
            out.append(OccupationCandidate(int(occ), score, method, evidence))
        return out
