"""Writes of the employer portal: registration, review, postings and training requests.

Every function checks that the acting user may do what it asks (an employer acts only on its
own postings and requests, and only once a moderator approved its organisation) and raises
`PermissionDenied` otherwise, so views cannot forget the rule.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from jobs.models import Employer


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
