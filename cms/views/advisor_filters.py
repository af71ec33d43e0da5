"""The filters of the advisor pages, read from the URL (a filtered page is a link to share).

Province, period, occupation group (ISCO major or sub-major group), sector (a family of
occupations by their ISCO group, `analytics.sectors`) and shortage list.
A value the form does not know is reported on the page and ignored (the page shows its default
rather than an error), so an old or edited link still opens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from analytics.models import ALL, DEFAULT_PERIOD, Period
from analytics.sectors import Sector
from core.places import Province
from skills.models import IscoGroup, ShortageList

FILTER_FIELDS = ("province", "period", "isco", "sector", "shortage_list")


@dataclass(frozen=True)
class AdvisorFilters:
    """The cleaned filters: '' (or None) means "all"."""

    province: str = ALL
    period: str = DEFAULT_PERIOD
    isco: str = ""
    sector: str = ""
    shortage_list: ShortageList | None = None

    def filename_parts(self) -> list[str]:
        """Words for a download's file name, so two downloads with other filters differ."""
        parts = [self.province if self.province != ALL else "", self.period, self.isco]
        parts.append(self.sector)
        parts.append(f"liste-{self.shortage_list.pk}" if self.shortage_list else "")
        return [part for part in parts if part]


def _isco_choices() -> list[tuple[str, str]]:
    groups = IscoGroup.objects.filter(code__regex=r"^[0-9]{1,2}$", is_obsolete=False).order_by(
        "code"
    )
    return [("", _("All occupation groups"))] + [
        (group.code, f"{group.code} {'— ' if len(group.code) == 2 else ''}{group.label()}")
        for group in groups
    ]


class AdvisorFilterForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=Period.choices)
    isco = forms.ChoiceField(label=_("Occupation group (ISCO)"), required=False)
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
        help_text=_("Occupations grouped by their ISCO group."),
    )
    shortage_list = forms.ModelChoiceField(
        label=_("Shortage list"),
        required=False,
        queryset=ShortageList.objects.order_by("-year", "title"),
        empty_label=_("Every list and tense profession"),
    )

    def __init__(self, data: QueryDict):
        # Only the filter keys: `export`, `table` and paging are not filters.
        super().__init__({key: data[key] for key in FILTER_FIELDS if data.get(key)})
        self.fields["province"].choices = [
            ("", _("Wallonia and Brussels")),
            *Province.choices,
        ]
        self.fields["isco"].choices = _isco_choices()

    def filters(self) -> AdvisorFilters:
        """The valid filters; a field that does not validate falls back to its default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AdvisorFilters(
            province=data.get("province") or ALL,
            period=data.get("period") or DEFAULT_PERIOD,
            isco=data.get("isco") or "",
            sector=data.get("sector") or "",
            shortage_list=data.get("shortage_list"),
        )
