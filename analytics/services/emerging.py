"""Emerging terms: words and phrases frequent and rising in postings that no concept or curated
synonym covers, proposed to curators (`emerging_terms_compute`), and the curators' decisions
(`emerging_term_accept_concept`, `emerging_term_accept_synonym`, `emerging_term_reject`).

The texts are a bounded sample (at most `EMERGING_SAMPLE_PER_MONTH` unique postings per month
over `EMERGING_MONTHS` months), so the cost does not grow with the postings table. Phrases are
runs of one to three words that neither start nor end with a stop word ("gestion de projet" is
a phrase, "de projet" is not). A phrase is covered when its words, folded and without a plural
s/x, appear in that order in a label (preferred or alternative, French or English) of a skill
or an occupation, or in a curated synonym. scikit-learn counts the phrases (CountVectorizer),
fits each phrase's monthly share (LinearRegression) and groups phrases that occur in the same
postings (AgglomerativeClustering on their posting vectors).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LinearRegression

from analytics import weights
from analytics.models import EmergingTerm, EmergingTermDecision
from analytics.services.writer import insert_rows
from core.places import COMMUNES
from core.text import fold
from jobs.models import JobPosting
from skills.extraction.text import STOPWORDS
from skills.models import Occupation, Skill, SkillGroup, SkillSynonym
from skills.services.taxonomy import local_concept_create, synonym_add

WORD_RE = re.compile(r"[^\W\d_][\w+#]*(?:-[\w+#]+)*", re.UNICODE)
# Phrases stop at sentence and list-item boundaries: words on either side are not a phrase.
SEGMENT_RE = re.compile(r"[.!?;:•·\n\r\t()\[\]«»\"]+|\s[-–—]\s")
# The only stop words a phrase may hold inside ("gestion de projet", "design for all"); not "et"
# or "and", which join two things ("IA générative et ComfyUI") more often than they name one.
LINKING_WORDS = frozenset({"de", "du", "des", "en", "of", "for", "to"})
MAX_PHRASE_WORDS = 3
MAX_TEXT_CHARS = 4000
_STOP = STOPWORDS["fr"] | STOPWORDS["en"] | {"vous", "nous", "votre", "notre"}
_PLACES = frozenset(fold(word) for name, *_rest in COMMUNES for word in WORD_RE.findall(name))


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


@functools.lru_cache(maxsize=200_000)
def _kind(word: str) -> str:
    """ "word", "stop" (a stop word or a single letter) or "place" (part of a commune name)."""
    folded = fold(word)
    if folded in _PLACES:
        return "place"
    return "stop" if folded in _STOP or len(word) < 2 else "word"


def phrases(text: str) -> list[str]:
    """The phrases of `text`: one to three consecutive words within a sentence, the first and
    last not stop words, any inside a linking word; none naming a commune (the
    CountVectorizer's analyzer)."""
    found = []
    for segment in SEGMENT_RE.split(text[:MAX_TEXT_CHARS]):
        words = _words(segment)
        kinds = [_kind(w) for w in words]
        for i, word in enumerate(words):
            if kinds[i] != "word":
                continue
            found.append(word)
            for j in range(i + 1, min(i + MAX_PHRASE_WORDS, len(words))):
                if kinds[j] == "place" or (kinds[j] == "stop" and words[j] not in LINKING_WORDS):
                    break
                if kinds[j] == "word":
                    found.append(" ".join(words[i : j + 1]))
    return found


@functools.lru_cache(maxsize=200_000)
def _key_word(word: str) -> str:
    word = fold(word)
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def phrase_key(phrase: str) -> str:
    """The phrase as compared with labels: folded content words without a plural s/x."""
    return " ".join(_key_word(w) for w in _words(phrase) if _kind(w) == "word")


def covered_keys(labels: Iterable[str]) -> set[str]:
    """Every run of one to three content words of every label, as `phrase_key`s."""
    keys: set[str] = set()
    for label in labels:
        words = [_key_word(w) for w in _words(label) if _kind(w) == "word"]
        for i in range(len(words)):
            for n in range(1, MAX_PHRASE_WORDS + 1):
                if i + n <= len(words):
                    keys.add(" ".join(words[i : i + n]))
    return keys


def _taxonomy_labels() -> Iterable[str]:
    for model in (Skill, Occupation):
        fields = ("preferred_label_fr", "preferred_label_en", "alt_labels_fr", "alt_labels_en")
        for fr, en, alt_fr, alt_en in model.objects.values_list(*fields).iterator(2000):
            yield fr
            yield en
            yield from alt_fr or []
            yield from alt_en or []
    yield from SkillSynonym.objects.values_list("label", flat=True)


def _sample(window) -> list[tuple[int, int, str]]:
    """(posting id, month index 0.., text) of at most N unique postings per month, latest
    first within each month."""
    from analytics.services.compute import add_months, month_end

    sample = []
    first = add_months(window.vintage_month, -(weights.EMERGING_MONTHS - 1))
    for index in range(weights.EMERGING_MONTHS):
        month = add_months(first, index)
        rows = (
            JobPosting.objects.unique()
            .filter(
                status__in=weights.COUNTED_POSTING_STATUSES,
                posted_on__gte=month,
                posted_on__lte=month_end(month),
            )
            .order_by("-id")
            .values_list("id", "title", "description_text")[: weights.EMERGING_SAMPLE_PER_MONTH]
        )
        sample.extend((pk, index, f"{title}\n{text}") for pk, title, text in rows)
    return sample


def candidate_terms(
    sample: list[tuple[int, int, str]],
    *,
    covered: set[str],
    decided: set[str],
    months: int,
    recent_months: int,
    min_postings: int,
    min_growth: float,
    max_terms: int,
    examples: int,
    min_z: float = weights.EMERGING_MIN_Z,
) -> list[dict]:
    """The emerging terms of a sample (see the module docstring), best first, each a dict of
    `EmergingTerm` fields (`example_posting_ids`, latest first)."""
    if not sample:
        return []
    ids = np.array([pk for pk, _m, _t in sample])
    month_of = np.array([m for _pk, m, _t in sample])
    vectorizer = CountVectorizer(analyzer=phrases, min_df=min_postings, binary=True, dtype=np.int32)
    try:
        matrix = vectorizer.fit_transform(t for _pk, _m, t in sample).tocsc()
    except ValueError:  # no phrase reaches the minimum
        return []
    vocabulary = vectorizer.get_feature_names_out()
    recent = month_of >= months - recent_months
    n_recent, n_previous = int(recent.sum()), int((~recent).sum())
    per_month = np.bincount(month_of, minlength=months).astype(float)

    candidates = []
    for column, term in enumerate(vocabulary):
        key = phrase_key(term)
        if not key or key in covered or term in decided or len(term) < 3:
            continue
        rows = matrix.indices[matrix.indptr[column] : matrix.indptr[column + 1]]
        in_recent = int(recent[rows].sum())
        in_previous = len(rows) - in_recent
        growth = ((in_recent + 1) / (n_recent + 1)) / ((in_previous + 1) / (n_previous + 1))
        if growth < min_growth or _z_score(in_recent, n_recent, in_previous, n_previous) < min_z:
            continue
        hits = np.bincount(month_of[rows], minlength=months)
        shares = np.divide(hits, per_month, out=np.zeros(months), where=per_month > 0)
        has = per_month > 0
        slope = (
            LinearRegression()
            .fit(np.arange(months)[has].reshape(-1, 1), shares[has] * 100)
            .coef_[0]
        )
        if slope <= 0:
            continue
        latest = rows[np.argsort(-ids[rows])][:examples]
        candidates.append(
            {
                "term": term,
                "postings": len(rows),
                "recent_share": in_recent / n_recent if n_recent else 0.0,
                "previous_share": in_previous / n_previous if n_previous else 0.0,
                "growth": growth,
                "trend": float(slope),
                "score": in_recent * math.log(growth),
                "example_posting_ids": [int(ids[r]) for r in latest],
                "_column": column,
            }
        )
    candidates.sort(key=lambda c: (-c["score"], c["term"]))
    df = dict(zip(vocabulary, np.diff(matrix.indptr).tolist(), strict=True))
    candidates = _drop_contained(candidates[: max_terms * 10], df)
    candidates = _drop_context_phrases(candidates, df)[:max_terms]
    _cluster(candidates, matrix)
    for candidate in candidates:
        candidate.pop("_column")
    return candidates


def _z_score(recent: int, n_recent: int, previous: int, n_previous: int) -> float:
    """Two-proportion z statistic of the recent share against the previous one: how unlikely
    the rise is by chance (a phrase of constant share scores about 0)."""
    if not n_recent or not n_previous:
        return 0.0
    pooled = (recent + previous) / (n_recent + n_previous)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_recent + 1 / n_previous))
    return (recent / n_recent - previous / n_previous) / spread if spread else 0.0


def _drop_contained(candidates: list[dict], df: dict[str, int]) -> list[dict]:
    """Of two candidates found in exactly as many postings, one inside the other, keep one.

    The longer names the term better ("ia générative" over "générative") unless its extra
    words are ordinary ones found in many more postings ("maîtrisez comfyui": "maîtrisez"
    is everywhere), which only give the term a context: then the shorter is kept.
    """
    dropped: set[str] = set()
    for short in candidates:
        for long in candidates:
            if long is short or long["postings"] != short["postings"]:
                continue
            if f" {short['term']} " not in f" {long['term']} ":
                continue
            extra = set(long["term"].split()) - set(short["term"].split())
            generic = any(df.get(word, 0) >= 1.5 * short["postings"] for word in extra)
            dropped.add(long["term"] if generic else short["term"])
    return [c for c in candidates if c["term"] not in dropped]


def _overlaps(words: list[str], other: list[str]) -> bool:
    """`other` lies inside `words`, or they share words at one end ("maîtrisez gaussian" and
    "gaussian splatting")."""
    text, inner = f" {' '.join(words)} ", f" {' '.join(other)} "
    if inner in text:
        return True
    for k in range(1, min(len(words), len(other))):
        if words[-k:] == other[:k] or words[:k] == other[-k:]:
            return True
    return False


def _drop_context_phrases(candidates: list[dict], df: dict[str, int]) -> list[dict]:
    """Drop a phrase that is a better candidate plus ordinary words around it ("maîtrisez
    comfyui", "connaissance de production" next to "production virtuelle"): every word it adds
    is found in at least 1.5 times as many postings as the phrase itself."""
    kept: list[dict] = []
    for candidate in candidates:  # best first
        words = candidate["term"].split()
        for better in kept:
            other = better["term"].split()
            extra = [w for w in words if w not in other and w not in LINKING_WORDS]
            if (
                extra
                and _overlaps(words, other)
                and all(df.get(w, 0) >= 1.5 * candidate["postings"] for w in extra)
            ):
                break
        else:
            kept.append(candidate)
    return kept


def _cluster(candidates: list[dict], matrix) -> None:
    """Number the candidates' clusters: phrases whose posting vectors are close (cosine)."""
    if len(candidates) < 2:
        for candidate in candidates:
            candidate.update(cluster=1, cluster_label=candidate["term"])
        return
    vectors = matrix[:, [c["_column"] for c in candidates]].T.toarray().astype(float)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.6
    ).fit_predict(vectors)
    names: dict[int, str] = {}
    numbers: dict[int, int] = {}
    for candidate, label in zip(candidates, labels, strict=True):
        if label not in numbers:  # candidates are best first: the first names the cluster
            numbers[label] = len(numbers) + 1
            names[label] = candidate["term"]
        candidate.update(cluster=numbers[label], cluster_label=names[label])


def emerging_terms_compute(*, run, window) -> int:
    """Store the run's emerging-term candidates; returns how many."""
    candidates = candidate_terms(
        _sample(window),
        covered=covered_keys(_taxonomy_labels()),
        decided=set(EmergingTermDecision.objects.values_list("term", flat=True)),
        months=weights.EMERGING_MONTHS,
        recent_months=weights.EMERGING_RECENT_MONTHS,
        min_postings=weights.EMERGING_MIN_POSTINGS,
        min_growth=weights.EMERGING_MIN_GROWTH,
        max_terms=weights.EMERGING_MAX_TERMS,
        examples=weights.EMERGING_EXAMPLES,
    )
    columns = [
        "term",
        "postings",
        "recent_share",
        "previous_share",
        "growth",
        "trend",
        "score",
        "cluster",
        "cluster_label",
        "example_posting_ids",
    ]
    return insert_rows(
        EmergingTerm,
        ["run", *columns],
        ((run.pk, *(c[name] for name in columns)) for c in candidates),
    )


# -- curators' decisions --------------------------------------------------------------------------


def _check_undecided(term: str) -> str:
    term = (term or "").strip()
    if not term:
        raise ValidationError({"term": _("The term cannot be empty.")})
    if EmergingTermDecision.objects.filter(term=term).exists():
        raise ValidationError({"term": _("“%(term)s” has already been decided.") % {"term": term}})
    return term


def emerging_term_accept_concept(
    *,
    term: str,
    label_fr: str,
    broader: Skill | SkillGroup,
    label_en: str = "",
    description_fr: str = "",
    user=None,
) -> EmergingTermDecision:
    """Create a local concept for the term (`skills.services.taxonomy.local_concept_create`)
    and record the decision; both or neither (a `ValidationError` writes nothing)."""
    term = _check_undecided(term)
    with transaction.atomic():
        skill = local_concept_create(
            label_fr=label_fr or term,
            label_en=label_en,
            description_fr=description_fr,
            broader=broader,
            alt_labels_fr=[term] if fold(term) != fold(label_fr or term) else [],
            user=user,
        )
        return EmergingTermDecision.objects.create(
            term=term,
            decision=EmergingTermDecision.Decision.CONCEPT,
            skill=skill,
            decided_by=user if getattr(user, "pk", None) else None,
        )


def emerging_term_accept_synonym(
    *, term: str, skill: Skill, language: str = "", kind: str = "", user=None
) -> EmergingTermDecision:
    """Add the term as a curated synonym of `skill` (`skills.services.taxonomy.synonym_add`)
    and record the decision; both or neither."""
    term = _check_undecided(term)
    with transaction.atomic():
        synonym_add(
            skill=skill,
            label=term,
            language=language,
            kind=kind,
            source=_("Emerging term in job postings"),
            user=user,
        )
        return EmergingTermDecision.objects.create(
            term=term,
            decision=EmergingTermDecision.Decision.SYNONYM,
            skill=skill,
            decided_by=user if getattr(user, "pk", None) else None,
        )


def emerging_term_reject(*, term: str, note: str = "", user=None) -> EmergingTermDecision:
    """Record that the term is not a skill: it is not proposed again."""
    term = _check_undecided(term)
    return EmergingTermDecision.objects.create(
        term=term,
        decision=EmergingTermDecision.Decision.REJECTED,
        note=(note or "").strip(),
        decided_by=user if getattr(user, "pk", None) else None,
    )


__all__ = [
    "candidate_terms",
    "covered_keys",
    "emerging_term_accept_concept",
    "emerging_term_accept_synonym",
    "emerging_term_reject",
    "emerging_terms_compute",
    "phrase_key",
    "phrases",
]
