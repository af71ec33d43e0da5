"""Curators' writes on the taxonomy: local concepts and synonyms.

ESCO concepts themselves are written only by the importer (`esco_import`); what curators add
lives beside them: local concepts (skills ESCO lacks, with our own URI under
`LOCAL_URI_PREFIX` and a link to an ESCO broader concept) and synonyms in either language or
both. Every function validates, runs `full_clean()` and writes inside one transaction, so bad
input raises a `ValidationError` naming the field and writes nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.languages import TAXONOMY_LANGUAGES
from core.text import fold
from skills.extraction.text import TOKEN_RE, Normaliser
from skills.models import LOCAL_URI_PREFIX, Skill, SkillGroup, SkillSynonym

# Room for a "-N" suffix within Skill.key (128) and Skill.uri (255).
MAX_SLUG_LENGTH = 100


def _clean_label(value: str) -> str:
    return " ".join((value or "").split())


def _clean_alt_labels(values: Iterable[str], *, preferred: str) -> list[str]:
    """Stripped, de-duplicated (accent- and case-insensitively) labels, minus the preferred one."""
    seen = {fold(preferred)} if preferred else set()
    cleaned = []
    for value in values or ():
        label = _clean_label(value)
        if label and fold(label) not in seen:
            seen.add(fold(label))
            cleaned.append(label)
    return cleaned


def _local_key_for(label: str) -> str:
    """A free slug for a new local concept: `motion-design`, then `motion-design-2`, …"""
    # Punctuation separates words ("Node.js" -> "node-js") instead of vanishing.
    base = slugify(re.sub(r"[^\w\s-]", " ", fold(label)))[:MAX_SLUG_LENGTH].strip("-")
    base = base or "concept"
    taken = set(Skill.objects.filter(key__startswith=base).values_list("key", flat=True)) | set(
        Skill.objects.filter(uri__startswith=LOCAL_URI_PREFIX + base).values_list("uri", flat=True)
    )
    candidate, number = base, 1
    while candidate in taken or LOCAL_URI_PREFIX + candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


LOCAL_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_local_key(key: str) -> None:
    """A key chosen by the caller (the shipped vocabulary names its concepts) must be a free
    slug: it becomes part of a permanent URI."""
    if not LOCAL_KEY_RE.match(key) or len(key) > MAX_SLUG_LENGTH:
        raise ValidationError(
            {
                "key": _(
                    "“%(key)s” is not a valid key: use lower-case letters, digits and hyphens."
                )
                % {"key": key}
            }
        )
    if Skill.objects.filter(Q(key=key) | Q(uri=LOCAL_URI_PREFIX + key)).exists():
        raise ValidationError({"key": _("The key “%(key)s” is already taken.") % {"key": key}})


def _check_broader(broader: Skill | SkillGroup | None, *, skill: Skill | None = None) -> None:
    if not isinstance(broader, Skill | SkillGroup) or broader.pk is None:
        raise ValidationError(
            {"broader": _("A local concept needs an ESCO broader skill or skill group.")}
        )
    if isinstance(broader, Skill) and broader.origin != Skill.Origin.ESCO:
        raise ValidationError(
            {"broader": _("The broader concept must be an ESCO skill, not a local concept.")}
        )
    if broader.is_obsolete:
        raise ValidationError(
            {"broader": _("The broader concept is obsolete in ESCO; choose a current one.")}
        )
    if skill is not None and broader == skill:
        raise ValidationError({"broader": _("A concept cannot be its own broader concept.")})


def _set_broader(skill: Skill, broader: Skill | SkillGroup) -> None:
    if isinstance(broader, Skill):
        skill.broader_skills.set([broader])
        skill.broader_groups.clear()
    else:
        skill.broader_groups.set([broader])
        skill.broader_skills.clear()


def _check_label_fr(label_fr: str) -> None:
    if not label_fr:
        raise ValidationError({"label_fr": _("The French label is required.")})


def _check_no_current_homonym(label_fr: str, *, exclude_pk: int | None = None) -> None:
    """Refuse a second concept whose French preferred label folds to the same text."""
    folded = fold(label_fr)
    candidates = Skill.objects.current().matching_text(label_fr).exclude(pk=exclude_pk)
    for other in candidates.only("pk", "uri", "preferred_label_fr"):
        if fold(other.preferred_label_fr) == folded:
            raise ValidationError(
                {
                    "label_fr": _(
                        "“%(label)s” is already the French label of %(uri)s; add a synonym "
                        "to it instead."
                    )
                    % {"label": other.preferred_label_fr, "uri": other.uri}
                }
            )


def local_concept_create(
    *,
    label_fr: str,
    label_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    broader: Skill | SkillGroup,
    alt_labels_fr: Iterable[str] = (),
    alt_labels_en: Iterable[str] = (),
    skill_type: str = "",
    key: str = "",
    user=None,
) -> Skill:
    """Create a local skill concept under an ESCO broader skill or skill group.

    The URI is ours and permanent: `LOCAL_URI_PREFIX` + `key`, or, when no key is given, a
    slug of the French label made unique with a numeric suffix. Raises `ValidationError`
    (keys `label_fr`, `broader`, `key`, or model fields) and writes nothing when the input is
    invalid.
    """
    label_fr = _clean_label(label_fr)
    label_en = _clean_label(label_en)
    _check_label_fr(label_fr)
    _check_broader(broader)
    _check_no_current_homonym(label_fr)
    if key:
        _check_local_key(key)
    with transaction.atomic():
        key = key or _local_key_for(label_fr)
        skill = Skill(
            uri=LOCAL_URI_PREFIX + key,
            key=key,
            origin=Skill.Origin.LOCAL,
            preferred_label_fr=label_fr,
            preferred_label_en=label_en,
            description_fr=(description_fr or "").strip(),
            description_en=(description_en or "").strip(),
            alt_labels_fr=_clean_alt_labels(alt_labels_fr, preferred=label_fr),
            alt_labels_en=_clean_alt_labels(alt_labels_en, preferred=label_en),
            skill_type=skill_type or "",
            created_by=user if getattr(user, "pk", None) else None,
        )
        skill.full_clean()
        skill.save()
        _set_broader(skill, broader)
    return skill


def local_concept_update(
    *,
    skill: Skill,
    label_fr: str,
    label_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    broader: Skill | SkillGroup,
    alt_labels_fr: Iterable[str] = (),
    alt_labels_en: Iterable[str] = (),
    skill_type: str = "",
    is_obsolete: bool = False,
    user=None,
) -> Skill:
    """Edit a local concept's labels, description and broader concept; its URI never changes.

    A concept that records still use cannot be deleted (PROTECT); `is_obsolete` retires it
    instead: it stays reachable but drops out of searches' first results.
    """
    if skill.origin != Skill.Origin.LOCAL:
        raise ValidationError(_("ESCO concepts are maintained by the ESCO import only."))
    label_fr = _clean_label(label_fr)
    label_en = _clean_label(label_en)
    _check_label_fr(label_fr)
    _check_broader(broader, skill=skill)
    _check_no_current_homonym(label_fr, exclude_pk=skill.pk)
    with transaction.atomic():
        skill.preferred_label_fr = label_fr
        skill.preferred_label_en = label_en
        skill.description_fr = (description_fr or "").strip()
        skill.description_en = (description_en or "").strip()
        skill.alt_labels_fr = _clean_alt_labels(alt_labels_fr, preferred=label_fr)
        skill.alt_labels_en = _clean_alt_labels(alt_labels_en, preferred=label_en)
        skill.skill_type = skill_type or ""
        skill.is_obsolete = bool(is_obsolete)
        skill.full_clean()
        skill.save()
        _set_broader(skill, broader)
    return skill


def _check_synonym(
    *,
    skill: Skill,
    label: str,
    language: str,
    kind: str,
    requires_context: bool,
    exclude_pk: int | None = None,
) -> None:
    if not label:
        raise ValidationError({"label": _("The synonym cannot be empty.")})
    if language != SkillSynonym.BOTH_LANGUAGES and language not in TAXONOMY_LANGUAGES:
        raise ValidationError(
            {
                "language": _(
                    "Unknown language %(language)r: use fr, en, or leave it empty for both."
                )
                % {"language": language}
            }
        )
    if kind not in SkillSynonym.Kind.values:
        raise ValidationError({"kind": _("Unknown kind %(kind)r.") % {"kind": kind}})
    if skill is None or skill.pk is None:
        raise ValidationError({"skill": _("Choose the skill this synonym names.")})
    languages = _languages(language)
    dropped = synonym_dropped_words(label=label, language=language)
    if dropped:
        raise ValidationError(
            {
                "label": _(
                    "The extractor skips “%(words)s”, a common word, so “%(label)s” would "
                    "match more than it says. Write the term another way."
                )
                % {"words": ", ".join(dropped), "label": label}
            }
        )
    folded = fold(label)
    own_labels = [text for lang, text in skill.all_labels() if lang in languages]
    # A context-requiring entry may repeat one of the skill's own labels: it exists to guard
    # that label ("Java", an ESCO alternative label, must not match "un séjour à Java").
    if not requires_context and any(fold(text) == folded for text in own_labels):
        raise ValidationError(
            {"label": _("“%(label)s” is already a label of this skill.") % {"label": label}}
        )
    existing = SkillSynonym.objects.filter(
        Q(language__in=languages) | Q(language=SkillSynonym.BOTH_LANGUAGES), skill=skill
    ).exclude(pk=exclude_pk)
    for other in existing.only("label"):
        if fold(other.label) == folded:
            raise ValidationError(
                {
                    "label": _("This skill already has the synonym “%(label)s”.")
                    % {"label": other.label}
                }
            )


def synonym_dropped_words(*, label: str, language: str) -> list[str]:
    """Words of `label` written with a capital that the extractor drops as stop words.

    The extractor reads text without its stop words, so "permis CE" is read as "permis" (the
    French pronoun "ce") and would match "permis B" and "permis de feu" as well. Empty when
    every capitalised word of the label is read. (Lower-case stop words, "de" or "à", are
    meant to be dropped.)
    """
    dropped = []
    for lang in _languages(language):
        normaliser = _normaliser(lang)
        dropped += [
            word
            for word in TOKEN_RE.findall(label)
            if len(word) > 1 and not word.islower() and not normaliser.word(word.lower())
        ]
    return list(dict.fromkeys(dropped))


@functools.cache
def _normaliser(lang: str) -> Normaliser:
    return Normaliser(lang)


def _languages(language: str) -> tuple[str, ...]:
    return (language,) if language else tuple(str(lang) for lang in TAXONOMY_LANGUAGES)


def synonym_add(
    *,
    skill: Skill,
    label: str,
    language: str,
    kind: str = SkillSynonym.Kind.UNSPECIFIED,
    requires_context: bool = False,
    source: str = "",
    note: str = "",
    origin: str = SkillSynonym.Origin.CURATOR,
    user=None,
) -> SkillSynonym:
    """Add a curated synonym to a skill; `language` "" means both languages.

    Refuses empty labels, unknown languages or kinds, a label the skill already carries (unless
    the synonym requires a context: it then guards that label) and a duplicate synonym in an
    overlapping language (compared without case or accents), with a `ValidationError` per
    field. `origin` is the curator's unless the shipped vocabulary's import says otherwise.
    """
    label = _clean_label(label)
    _check_synonym(
        skill=skill, label=label, language=language, kind=kind, requires_context=requires_context
    )
    with transaction.atomic():
        synonym = SkillSynonym(
            skill=skill,
            label=label,
            language=language,
            kind=kind,
            requires_context=bool(requires_context),
            source=_clean_label(source),
            note=(note or "").strip(),
            origin=origin,
            created_by=user if getattr(user, "pk", None) else None,
        )
        synonym.full_clean()
        synonym.save()
    return synonym


def synonym_update(
    *,
    synonym: SkillSynonym,
    skill: Skill,
    label: str,
    language: str,
    kind: str = SkillSynonym.Kind.UNSPECIFIED,
    requires_context: bool = False,
    source: str = "",
    note: str = "",
    origin: str = SkillSynonym.Origin.CURATOR,
) -> SkillSynonym:
    """Change a synonym, with the same checks as `synonym_add`.

    An edit makes the row the curator's (`origin` defaults to CURATOR): from then on the
    shipped vocabulary's import neither updates nor deletes it.
    """
    label = _clean_label(label)
    _check_synonym(
        skill=skill,
        label=label,
        language=language,
        kind=kind,
        requires_context=requires_context,
        exclude_pk=synonym.pk,
    )
    with transaction.atomic():
        synonym.skill = skill
        synonym.label = label
        synonym.language = language
        synonym.kind = kind
        synonym.requires_context = bool(requires_context)
        synonym.source = _clean_label(source)
        synonym.note = (note or "").strip()
        synonym.origin = origin
        synonym.full_clean()
        synonym.save()
    return synonym
