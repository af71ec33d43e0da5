"""Sectors of the dashboards' "sector" filter, derived from an occupation's ISCO-08 group.

Why from the occupation: postings carry no NACE code (an employer's `sector` is free text,
and most feed postings have no employer record), while every followed profession has an ESCO
occupation with its ISCO-08 unit group. So a sector here is a family of occupations, not of
employers: "digital" holds ICT professionals and technicians (ISCO 25, 35) whatever company
hires them. The table below groups ISCO-08 sub-major, minor and unit groups into the sector
families Le Forem's and the sector funds' publications use; an occupation belongs to the
sector of the longest code prefix that matches its group ("2166" graphic and multimedia
designers are creative, though "21" is industry and engineering).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    DIGITAL = "digital", _("Digital (ICT)")
    CREATIVE = "creative", _("Culture, media and creative industries")
    HEALTH = "health", _("Health and care")
    EDUCATION = "education", _("Education and social work")
    BUSINESS = "business", _("Business, finance and administration")
    INDUSTRY = "industry", _("Industry and engineering")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Transport and logistics")
    SERVICES = "services", _("Commerce, hospitality and services")
    AGRICULTURE = "agriculture", _("Agriculture and environment")
    SECURITY = "security", _("Defence and security")


# ISCO-08 code prefixes of each sector (ILO, International Standard Classification of
# Occupations 2008, structure and group definitions). Longest prefix wins.
SECTOR_ISCO_PREFIXES: dict[Sector, tuple[str, ...]] = {
    Sector.MANAGEMENT: ("1",),
    Sector.DIGITAL: ("25", "35"),
    Sector.CREATIVE: ("2163", "2166", "262", "264", "265", "343", "352", "73"),
    Sector.HEALTH: ("22", "32", "53"),
    Sector.EDUCATION: ("23", "263", "341"),
    Sector.BUSINESS: ("24", "261", "33", "4"),
    Sector.INDUSTRY: ("2", "21", "3", "31", "7", "72", "74", "75", "8", "932"),
    Sector.CONSTRUCTION: ("71", "931"),
    Sector.TRANSPORT: ("432", "83", "933"),
    Sector.SERVICES: ("342", "5", "9"),
    Sector.AGRICULTURE: ("6", "92"),
    Sector.SECURITY: ("0", "54"),
}


def sector_of_isco(code: str) -> Sector | None:
    """The sector of an ISCO-08 code (any level); None for an empty code."""
    best: tuple[int, Sector] | None = None
    for sector, prefixes in SECTOR_ISCO_PREFIXES.items():
        for prefix in prefixes:
            if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), sector)
    return best[1] if best else None


def isco_codes_of_sector(sector: str, codes) -> list[str]:
    """Those of `codes` (ISCO group codes) whose sector is `sector`."""
    return [code for code in codes if code and sector_of_isco(code) == sector]
