"""Curators' writes on the taxonomy: local concepts and synonyms.

ESCO concepts themselves are written only by the importer (`esco_import`); what curators add
lives beside them: local concepts (skills ESCO lacks, with our own URI under
`LOCAL_URI_PREFIX` and a link to an ESCO broader concept) and synonyms in either language.
Every function validates, runs `full_clean()` and writes inside one transaction, so bad input
raises a `ValidationError` naming the field and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.languages import TAXONOMY_LANGUAGES
from core.text import fold
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
    user=None,
) -> Skill:
    """Create a local skill concept under an ESCO broader skill or skill group.

    The URI is ours and permanent: `LOCAL_URI_PREFIX` + a slug of the French label, made
    unique with a numeric suffix. Raises `ValidationError` (keys `label_fr`, `broader`, or
    model fields) and writes nothing when the input is invalid.
    """
    label_fr = _clean_label(label_fr)
    label_en = _clean_label(label_en)
    _check_label_fr(label_fr)
    _check_broader(broader)
    _check_no_current_homonym(label_fr)
    with transaction.atomic():
        key = _local_key_for(label_fr)
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
    *, skill: Skill, label: str, language: str, exclude_pk: int | None = None
) -> None:
    if not label:
        raise ValidationError({"label": _("The synonym cannot be empty.")})
    if language not in TAXONOMY_LANGUAGES:
        raise ValidationError(
            {"language": _("Unknown language %(language)r: use fr or en.") % {"language": language}}
        )
    if skill is None or skill.pk is None:
        raise ValidationError({"skill": _("Choose the skill this synonym names.")})
    folded = fold(label)
    own_labels = [text for lang, text in skill.all_labels() if lang == language]
    if any(fold(text) == folded for text in own_labels):
        raise ValidationError(
            {"label": _("“%(label)s” is already a label of this skill.") % {"label": label}}
        )
    existing = SkillSynonym.objects.filter(skill=skill, language=language).exclude(pk=exclude_pk)
    for other in existing.only("label"):
        if fold(other.label) == folded:
            raise ValidationError(
                {
                    "label": _("This skill already has the synonym “%(label)s”.")
                    % {"label": other.label}
                }
            )


def synonym_add(
    *, skill: Skill, label: str, language: str, user=None, note: str = ""
) -> SkillSynonym:
    """Add a curated synonym to a skill.

    Refuses empty labels, unknown languages, a label the skill already carries and a
    duplicate synonym (compared without case or accents), with a `ValidationError` per field.
    """
    label = _clean_label(label)
    _check_synonym(skill=skill, label=label, language=language)
    with transaction.atomic():
        synonym = SkillSynonym(
            skill=skill,
            label=label,
            language=language,
            note=(note or "").strip(),
            created_by=user if getattr(user, "pk", None) else None,
        )
        synonym.full_clean()
        synonym.save()
    return synonym


def synonym_update(
    *, synonym: SkillSynonym, skill: Skill, label: str, language: str, note: str = ""
) -> SkillSynonym:
    """Change a synonym, with the same checks as `synonym_add`."""
    label = _clean_label(label)
    _check_synonym(skill=skill, label=label, language=language, exclude_pk=synonym.pk)
    with transaction.atomic():
        synonym.skill = skill
        synonym.label = label
        synonym.language = language
        synonym.note = (note or "").strip()
        synonym.full_clean()
        synonym.save()
    return synonym
