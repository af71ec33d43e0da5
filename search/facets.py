"""The catalogue facets' values, labels and how the database stores them.

Multi-valued facets are bit masks: each value's bit is its position in the tuples below.
Append new values at the end; reordering needs `manage.py rebuild_search_index`. Funding
schemes are rows (moderators add them): a scheme's bit is its primary key less one, so the
first 62 schemes are faceted (the Walloon schemes number a handful).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.languages import Language
from core.places import Province
from courses.models import Audience, Modality, OfferFormat, ProviderKind, Schedule

PROVINCES = tuple(str(value) for value in Province.values)
AUDIENCES = (
    "jobseekers",
    "workers",
    "students",
    "everyone",
    "women-in-tech",
    "young-people",
)
LANGUAGES = tuple(str(value) for value in Language.values)
SCHEDULES = ("day", "evening", "weekend", "mixed")
MAX_FUNDING_BIT = 62

# Price bands, in display order: (slug, low inclusive, high exclusive); free is its own band.
PRICE_BANDS = (
    ("free", None, None),
    ("under-100", Decimal("0"), Decimal("100")),
    ("100-500", Decimal("100"), Decimal("500")),
    ("500-1500", Decimal("500"), Decimal("1500")),
    ("over-1500", Decimal("1500"), None),
)
START_BUCKETS = ("this-month", "three-months", "later", "none")

FACET_LABELS = {
    "province": _("Province"),
    "modality": _("Modality"),
    "format": _("Format"),
    "price": _("Price"),
    "funding": _("Funding"),
    "audience": _("Audience"),
    "level": _("EQF level"),
    "language": _("Language"),
    "provider_kind": _("Provider"),
    "start": _("Next session"),
    "schedule": _("Schedule"),
    "certification": _("Certification"),
}

PRICE_LABELS = {
    "free": _("Free"),
    "under-100": _("Under €100"),
    "100-500": _("€100 to €500"),
    "500-1500": _("€500 to €1,500"),
    "over-1500": _("Over €1,500"),
}
START_LABELS = {
    "this-month": _("This month"),
    "three-months": _("Within three months"),
    "later": _("Later"),
    "none": _("No date announced"),
}
CERTIFICATION_LABELS = {"yes": _("Certified"), "no": _("Not certified")}


def mask(values, vocabulary: tuple[str, ...]) -> int:
    """The bit mask of `values` in `vocabulary`; unknown values are ignored."""
    bits = 0
    for value in values:
        if value in vocabulary:
            bits |= 1 << vocabulary.index(value)
    return bits


def funding_mask(scheme_ids) -> int:
    bits = 0
    for scheme_id in scheme_ids:
        if 1 <= scheme_id <= MAX_FUNDING_BIT + 1:
            bits |= 1 << (scheme_id - 1)
    return bits


def price_band(*, price: Decimal | None, is_free: bool) -> str:
    if is_free:
        return "free"
    if price is None:
        return ""
    if price == 0:
        return "free"
    for slug, low, high in PRICE_BANDS[1:]:
        if price >= low and (high is None or price < high):
            return slug
    return ""


def start_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day of next month, today + 3 months): "this month" starts before the first,
    "three months" before the second, "later" after."""
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return next_month, today + datetime.timedelta(days=91)


def single_value_labels() -> dict[str, dict[str, object]]:
    """The labels of every value of the facets stored as one slug per offer."""
    return {
        "modality": dict(Modality.choices),
        "format": dict(OfferFormat.choices),
        "provider_kind": dict(ProviderKind.choices),
        "price": PRICE_LABELS,
        "start": START_LABELS,
        "certification": CERTIFICATION_LABELS,
        "level": {str(level): _("EQF level %(level)s") % {"level": level} for level in range(1, 9)},
    }


def multi_value_labels() -> dict[str, dict[str, object]]:
    return {
        "province": dict(Province.choices),
        "audience": dict(Audience.choices),
        "language": dict(Language.choices),
        "schedule": dict(Schedule.choices),
    }
