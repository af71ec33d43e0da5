"""Shortage lists as published, with the ESCO occupations each entry was mapped to."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404

from skills.models import Occupation, ShortageList, ShortageListEntry


def shortage_lists() -> list[ShortageList]:
    """Every list, latest year first, with its `entry_count`."""
    return list(ShortageList.objects.annotate(entry_count=Count("entries")).order_by("-year"))


def shortage_list_detail(*, pk: int) -> tuple[ShortageList, list[ShortageListEntry]]:
    """A list and its entries in published order. Raises Http404 for an unknown id."""
    shortage_list = ShortageList.objects.filter(pk=pk).first()
    if shortage_list is None:
        raise Http404("No shortage list with this id.")
    entries = list(
        shortage_list.entries.prefetch_related(
            Prefetch("occupations", queryset=Occupation.objects.order_by("preferred_label_fr"))
        ).order_by("position", "label")
    )
    return shortage_list, entries
