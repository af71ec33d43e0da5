"""Writes of the employer portal: registration, review, postings and training requests.

Every function checks that the acting user may do what it asks (an employer acts only on its
own postings and requests, and only once a moderator approved its organisation) and raises
`PermissionDenied` otherwise, so views cannot forget the rule.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.html import html_to_text, sanitise_html, text_to_html
from core.places import resolve_place
from jobs.ingestion.dedup import signature
from jobs.ingestion.prepare import analyse, load_extractor
from jobs.models import Employer, JobPosting, PostingOccupation, PostingSkill, TrainingRequest
from jobs.services.links import concept_refs, posting_links_relink
from skills.links import LinkMethod, LinkStatus
from skills.models import Occupation, Skill


def employer_review(*, employer: Employer, status: str, reviewer) -> Employer:
    """Record a moderator's decision (approved or rejected) on an organisation."""
    if not reviewer.has_perm("jobs.change_employer"):
        raise PermissionDenied
    employer.status = status
    employer.reviewed_by = reviewer
    employer.reviewed_at = timezone.now()
    employer.full_clean()
    employer.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return employer


@transaction.atomic
def employer_register(
    *,
    username: str,
    email: str,
    password: str,
    name: str,
    enterprise_number: str = "",
    sector: str = "",
    commune: str = "",
    province: str = "",
) -> Employer:
    """Create a user and its organisation, pending a moderator's approval."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    employer = Employer(
        name=name,
        enterprise_number=enterprise_number,
        sector=sector,
        commune=commune,
        province=province,
    )
    employer.full_clean()
    employer.save()
    employer.members.add(user)
    return employer


# --------------------------------------------------------------------------- permissions


def approved_employer_for(user) -> Employer:
    """The approved organisation `user` acts for; PermissionDenied if none."""
    if not user.is_authenticated:
        raise PermissionDenied
    employer = Employer.objects.for_user(user).approved().first()
    if employer is None:
        raise PermissionDenied
    return employer


def _check_owner(user, posting: JobPosting) -> Employer:
    employer = approved_employer_for(user)
    if posting.employer_id != employer.pk:
        raise PermissionDenied
    return employer


# --------------------------------------------------------------------------- postings


def posting_parse(*, posting: JobPosting) -> JobPosting:
    """Run the extractor on a posting and apply the re-parsing rule (`skills.links.relink`):
    confirmed and rejected links stay, suggestions are replaced."""
    extractor = load_extractor()
    if extractor is None:
        return posting
    analysis = analyse(
        extractor,
        title=posting.title,
        text=posting.description_text,
        language=posting.language if posting.pk and posting.parsed_at else "",
    )
    skills = concept_refs(Skill, uris=[uri for uri, *_rest in analysis.skills])
    occupations = concept_refs(Occupation, uris=[uri for uri, *_rest in analysis.occupations])
    with transaction.atomic():
        posting.language = analysis.language or posting.language
        posting.parsed_at = timezone.now()
        posting.save(update_fields=["language", "parsed_at", "updated_at"])
        posting_links_relink(
            [(posting.pk, analysis)], skills=skills, occupations=occupations, linked=[posting.pk]
        )
    return posting


def _apply_need(posting: JobPosting, *, title, text, commune, province, contract_type) -> None:
    posting.title = title.strip()
    posting.description_html = sanitise_html(text_to_html(text))
    posting.description_text = html_to_text(posting.description_html)
    posting.commune = commune.strip()
    posting.province = province or resolve_place(commune=commune)[1]
    posting.contract_type = contract_type
    posting.fingerprint = signature(f"{posting.title}\n{posting.description_text}")


def posting_create(
    *,
    user,
    title: str,
    text: str,
    commune: str = "",
    province: str = "",
    contract_type: str = "",
) -> JobPosting:
    """A need written on the portal: saved as a draft of the user's organisation, then parsed
    at once so the employer sees what the platform understood before publishing."""
    employer = approved_employer_for(user)
    posting = JobPosting(
        employer=employer,
        employer_name=employer.name,
        status=JobPosting.Status.DRAFT,
        posted_on=timezone.localdate(),
        created_by=user,
    )
    return _save_need(
        posting,
        title=title,
        text=text,
        commune=commune,
        province=province,
        contract_type=contract_type,
    )


def _save_need(posting: JobPosting, **need) -> JobPosting:
    """Apply the form's fields, validate, save, and parse the text into the taxonomy."""
    _apply_need(posting, **need)
    posting.full_clean(exclude=["fingerprint"])
    posting.save()
    return posting_parse(posting=posting)


def posting_update(
    *,
    user,
    posting: JobPosting,
    title: str,
    text: str,
    commune: str = "",
    province: str = "",
    contract_type: str = "",
) -> JobPosting:
    """Edit an own posting; the text is parsed again (confirmed and removed skills are kept
    as they are)."""
    _check_owner(user, posting)
    return _save_need(
        posting,
        title=title,
        text=text,
        commune=commune,
        province=province,
        contract_type=contract_type,
    )


def posting_skill_remove(*, user, posting: JobPosting, skill_id: int) -> None:
    """The employer removes a skill: its link is kept as rejected, so reading the text again
    never suggests it again."""
    _check_owner(user, posting)
    posting.skill_links.filter(skill_id=skill_id).update(status=LinkStatus.REJECTED)


def posting_skill_add(*, user, posting: JobPosting, skill: Skill) -> PostingSkill:
    """A skill the employer adds by hand: confirmed, with the highest score."""
    _check_owner(user, posting)
    link, _created = PostingSkill.objects.update_or_create(
        posting=posting,
        skill=skill,
        defaults={
            "score": 1.0,
            "method": LinkMethod.MANUAL,
            "status": LinkStatus.CONFIRMED,
            "esco_version": skill.esco_version,
        },
    )
    return link


def posting_occupation_choose(*, user, posting: JobPosting, occupation: Occupation) -> None:
    """The employer names the occupation: it becomes the confirmed primary match."""
    _check_owner(user, posting)
    with transaction.atomic():
        posting.occupation_links.exclude(occupation=occupation).public().update(
            status=LinkStatus.SUGGESTED
        )
        others = list(posting.occupation_links.exclude(occupation=occupation).order_by("rank"))
        chosen = {
            "rank": 1,
            "status": LinkStatus.CONFIRMED,
            "score": 1.0,
            "esco_version": occupation.esco_version,
        }
        # A suggestion the employer picks keeps the extractor's method; a new link is theirs.
        PostingOccupation.objects.update_or_create(
            posting=posting,
            occupation=occupation,
            defaults=chosen,
            create_defaults={**chosen, "method": LinkMethod.MANUAL},
        )
        for rank, other in enumerate(others, start=2):
            other.rank = rank
        PostingOccupation.objects.bulk_update(others, ["rank"])


@transaction.atomic
def posting_publish(
    *, user, posting: JobPosting, occupation: Occupation | None = None
) -> JobPosting:
    """Publish an own posting: the skills shown are confirmed (those the employer removed stay
    rejected). `occupation`, when given, is chosen first. The occupation is never confirmed
    silently: when the platform proposed some and the employer confirmed none, ValidationError.
    """
    _check_owner(user, posting)
    with transaction.atomic():
        if occupation is not None:
            posting_occupation_choose(user=user, posting=posting, occupation=occupation)
        proposed = posting.occupation_links.active()
        if proposed.exists() and not proposed.public().exists():
            raise ValidationError(
                _("Choose the occupation that fits the need before publishing."),
                code="occupation_unconfirmed",
            )
        posting.skill_links.pending().update(status=LinkStatus.CONFIRMED)
        posting.status = JobPosting.Status.PUBLISHED
        posting.posted_on = timezone.localdate()
        posting.save(update_fields=["status", "posted_on", "updated_at"])
    return posting


def posting_withdraw(*, user, posting: JobPosting) -> JobPosting:
    _check_owner(user, posting)
    posting.status = JobPosting.Status.WITHDRAWN
    posting.save(update_fields=["status", "updated_at"])
    return posting


# --------------------------------------------------------------------------- training requests


def training_request_create(
    *,
    user,
    posting: JobPosting | None,
    skills,
    headcount: int,
    needed_by,
    message: str = "",
    province: str = "",
) -> TrainingRequest:
    """ "We need `headcount` people with `skills` by `needed_by`", from an approved employer."""
    employer = approved_employer_for(user)
    if posting is not None and posting.employer_id != employer.pk:
        raise PermissionDenied
    skills = list(skills)
    if not skills:
        raise ValidationError(_("Choose at least one skill."))
    if needed_by <= timezone.localdate():
        raise ValidationError(_("The date must be in the future."))
    request = TrainingRequest(
        employer=employer,
        posting=posting,
        headcount=headcount,
        needed_by=needed_by,
        message=message,
        province=province or (posting.province if posting else employer.province),
        created_by=user,
    )
    request.full_clean()
    request.save()
    request.skills.set(skills)
    return request


def training_request_update(*, user, training_request: TrainingRequest, **changes):
    employer = approved_employer_for(user)
    if training_request.employer_id != employer.pk:
        raise PermissionDenied
    skills = changes.pop("skills", None)
    for name in ("headcount", "needed_by", "message"):
        if name in changes:
            setattr(training_request, name, changes[name])
    if "needed_by" in changes and training_request.needed_by <= timezone.localdate():
        raise ValidationError(_("The date must be in the future."))
    training_request.full_clean()
    training_request.save()
    if skills is not None:
        training_request.skills.set(skills)
    return training_request
