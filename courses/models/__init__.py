from courses.models.choices import (
    EQF_LEVEL_CHOICES,
    Audience,
    DurationUnit,
    LinkRelation,
    Modality,
    OfferFormat,
    ProviderKind,
    Schedule,
    SessionStatus,
)
from courses.models.funding import FundingScheme
from courses.models.imports import CatalogueImport
from courses.models.links import OfferOccupation, OfferSkill
from courses.models.moderation import OfferModerationTask, OfferModerationTaskState
from courses.models.pages import (
    OfferIndexPage,
    OfferPage,
    OfferPlace,
    OfferTag,
    ProviderIndexPage,
    ProviderPage,
    Session,
)

__all__ = [
    "EQF_LEVEL_CHOICES",
    "Audience",
    "CatalogueImport",
    "DurationUnit",
    "FundingScheme",
    "LinkRelation",
    "Modality",
    "OfferFormat",
    "OfferIndexPage",
    "OfferModerationTask",
    "OfferModerationTaskState",
    "OfferOccupation",
    "OfferPage",
    "OfferPlace",
    "OfferSkill",
    "OfferTag",
    "ProviderIndexPage",
    "ProviderKind",
    "ProviderPage",
    "Schedule",
    "Session",
    "SessionStatus",
]
