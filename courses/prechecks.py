"""Automatic pre-checks run before a moderator looks at an offer.

They flag, never block: a moderator may still approve an offer whose price is unknown. Each check
reads the offer as submitted (sessions come from the page object passed in, which for a workflow
is the submitted revision) and its skill links from the database (links are not revisioned).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models.choices import SessionStatus


@dataclass(frozen=True)
class PrecheckIssue:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def offer_precheck_issues(*, offer, today=None) -> list[PrecheckIssue]:
    """Return the problems a moderator should know about; empty when the offer looks complete.

    Codes: `missing_required` (a field submission will require is empty: drafts may leave it
    so), `no_future_session`, `deadline_passed`, `no_confirmed_skill`, `missing_price`.
    """
    today = today or timezone.localdate()
    issues: list[PrecheckIssue] = []

    missing = missing_submission_fields(offer=offer)
    if missing:
        issues.append(
            PrecheckIssue(
                "missing_required",
                _("Submission will require: %(fields)s.") % {"fields": ", ".join(missing)},
            )
        )

    sessions = list(offer.sessions.all())
    future = [s for s in sessions if s.start_date >= today and s.status != SessionStatus.CANCELLED]
    if not future:
        issues.append(PrecheckIssue("no_future_session", _("The offer has no upcoming session.")))
    past_deadlines = [
        s for s in future if s.registration_deadline is not None and s.registration_deadline < today
    ]
    if past_deadlines:
        dates = ", ".join(f"{s.start_date:%d/%m/%Y}" for s in past_deadlines)
        issues.append(
            PrecheckIssue(
                "deadline_passed",
                _("The registration deadline has passed for the session(s) starting %(dates)s.")
                % {"dates": dates},
            )
        )

    from courses.models import OfferSkill

    if not offer.pk or not OfferSkill.objects.public().filter(offer_id=offer.pk).exists():
        issues.append(
            PrecheckIssue("no_confirmed_skill", _("No skill taught has been confirmed yet."))
        )

    if not offer.is_free and offer.price is None:
        issues.append(
            PrecheckIssue(
                "missing_price", _("The price is missing and the offer is not marked free.")
            )
        )
    return issues


def missing_submission_fields(*, offer) -> list[str]:
    """Labels of the fields the editor form requires on submission that `offer` leaves empty.

    Read from the editor's own form class, so a field made required there is checked here too
    (Wagtail defers required fields when a draft is saved, not when it is submitted)."""
    form_class = type(offer).get_edit_handler().get_form_class()
    missing = []
    for name, field in form_class.base_fields.items():
        if not field.required:
            continue
        value = getattr(offer, name, None)
        if hasattr(value, "all"):
            value = list(value.all())
        if value is None or value == "" or value == [] or value == ():
            missing.append(str(field.label or name))
    return missing
