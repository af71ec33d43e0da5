"""Provinces of Wallonia (plus Brussels) and their communes, with postal codes.

One list of provinces for the whole platform: offers, sessions and postings must compare.
Feeds and imports give a place as a commune name, a postal code, a region label or a mix of
them; `resolve_place` maps what it gets to one of the provinces below. Belgian postal codes are
allocated by province (bpost's ranges), which resolves most places even when the commune is
unknown.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import fold


class Province(models.TextChoices):
    """The five Walloon provinces, and Brussels-Capital where Walloon learners also train."""

    BRABANT_WALLON = "brabant-wallon", _("Walloon Brabant")
    HAINAUT = "hainaut", _("Hainaut")
    LIEGE = "liege", _("Liège")
    LUXEMBOURG = "luxembourg", _("Luxembourg")
    NAMUR = "namur", _("Namur")
    BRUXELLES = "bruxelles", _("Brussels-Capital")


# (commune, postal code, province). Main communes of each province, by population, with
# weights used by the generator (rough population in thousands, so Liège and Charleroi
# dominate as they do in real feeds).
COMMUNES: list[tuple[str, str, str, int]] = [
    ("Charleroi", "6000", Province.HAINAUT, 200),
    ("Mons", "7000", Province.HAINAUT, 95),
    ("La Louvière", "7100", Province.HAINAUT, 80),
    ("Tournai", "7500", Province.HAINAUT, 69),
    ("Mouscron", "7700", Province.HAINAUT, 59),
    ("Binche", "7130", Province.HAINAUT, 33),
    ("Ath", "7800", Province.HAINAUT, 29),
    ("Soignies", "7060", Province.HAINAUT, 27),
    ("Châtelet", "6200", Province.HAINAUT, 36),
    ("Fleurus", "6220", Province.HAINAUT, 23),
    ("Thuin", "6530", Province.HAINAUT, 15),
    ("Enghien", "7850", Province.HAINAUT, 14),
    ("Liège", "4000", Province.LIEGE, 195),
    ("Seraing", "4100", Province.LIEGE, 64),
    ("Verviers", "4800", Province.LIEGE, 55),
    ("Herstal", "4040", Province.LIEGE, 40),
    ("Huy", "4500", Province.LIEGE, 21),
    ("Waremme", "4300", Province.LIEGE, 15),
    ("Eupen", "4700", Province.LIEGE, 19),
    ("Spa", "4900", Province.LIEGE, 10),
    ("Ans", "4430", Province.LIEGE, 29),
    ("Flémalle", "4400", Province.LIEGE, 26),
    ("Namur", "5000", Province.NAMUR, 112),
    ("Sambreville", "5060", Province.NAMUR, 28),
    ("Gembloux", "5030", Province.NAMUR, 26),
    ("Andenne", "5300", Province.NAMUR, 27),
    ("Dinant", "5500", Province.NAMUR, 13),
    ("Ciney", "5590", Province.NAMUR, 16),
    ("Philippeville", "5600", Province.NAMUR, 9),
    ("Jambes", "5100", Province.NAMUR, 20),
    ("Wavre", "1300", Province.BRABANT_WALLON, 34),
    ("Ottignies-Louvain-la-Neuve", "1340", Province.BRABANT_WALLON, 32),
    ("Braine-l'Alleud", "1420", Province.BRABANT_WALLON, 40),
    ("Nivelles", "1400", Province.BRABANT_WALLON, 29),
    ("Waterloo", "1410", Province.BRABANT_WALLON, 30),
    ("Tubize", "1480", Province.BRABANT_WALLON, 27),
    ("Rixensart", "1330", Province.BRABANT_WALLON, 22),
    ("Jodoigne", "1370", Province.BRABANT_WALLON, 14),
    ("Mont-Saint-Guibert", "1435", Province.BRABANT_WALLON, 8),
    ("Arlon", "6700", Province.LUXEMBOURG, 30),
    ("Marche-en-Famenne", "6900", Province.LUXEMBOURG, 17),
    ("Bastogne", "6600", Province.LUXEMBOURG, 16),
    ("Libramont-Chevigny", "6800", Province.LUXEMBOURG, 11),
    ("Virton", "6760", Province.LUXEMBOURG, 11),
    ("Neufchâteau", "6840", Province.LUXEMBOURG, 8),
    ("Bruxelles", "1000", Province.BRUXELLES, 190),
    ("Ixelles", "1050", Province.BRUXELLES, 87),
    ("Anderlecht", "1070", Province.BRUXELLES, 120),
    ("Schaerbeek", "1030", Province.BRUXELLES, 130),
    ("Etterbeek", "1040", Province.BRUXELLES, 48),
    ("Saint-Gilles", "1060", Province.BRUXELLES, 50),
]

_COMMUNE_INDEX = {fold(name): (name, postal, province) for name, postal, province, _w in COMMUNES}

_PROVINCE_ALIASES = {
    "brabant wallon": Province.BRABANT_WALLON,
    "brabant-wallon": Province.BRABANT_WALLON,
    "walloon brabant": Province.BRABANT_WALLON,
    "hainaut": Province.HAINAUT,
    "liege": Province.LIEGE,
    "luxembourg": Province.LUXEMBOURG,
    "province de luxembourg": Province.LUXEMBOURG,
    "namur": Province.NAMUR,
    "bruxelles": Province.BRUXELLES,
    "brussels": Province.BRUXELLES,
    "bruxelles-capitale": Province.BRUXELLES,
    "region de bruxelles-capitale": Province.BRUXELLES,
    "brussels-capital": Province.BRUXELLES,
}

# bpost postal-code ranges of the provinces we cover (Flemish provinces are left out:
# a posting there has no Walloon province).
_POSTAL_RANGES = [
    (1000, 1299, Province.BRUXELLES),
    (1300, 1499, Province.BRABANT_WALLON),
    (4000, 4999, Province.LIEGE),
    (5000, 5999, Province.NAMUR),
    (6000, 6599, Province.HAINAUT),
    (6600, 6999, Province.LUXEMBOURG),
    (7000, 7999, Province.HAINAUT),
]


def province_for_postal_code(postal_code: str) -> str:
    """The province of a Belgian postal code, or "" when it is not Walloon or Brussels."""
    digits = "".join(ch for ch in postal_code or "" if ch.isdigit())
    if len(digits) != 4:
        return ""
    code = int(digits)
    for low, high, province in _POSTAL_RANGES:
        if low <= code <= high:
            return str(province)
    return ""


def resolve_place(*, commune: str = "", postal_code: str = "", region: str = "") -> tuple[str, str]:
    """(commune, province) from whatever a feed gives; either part may come back empty."""
    commune = (commune or "").strip()
    known = _COMMUNE_INDEX.get(fold(commune))
    if known:
        return known[0], str(known[2])
    province = province_for_postal_code(postal_code)
    if not province and region:
        province = str(_PROVINCE_ALIASES.get(fold(region).removeprefix("province de "), ""))
        province = province or str(_PROVINCE_ALIASES.get(fold(region), ""))
    return commune, province


def province_distance(a: str, b: str) -> int:
    """0 for the same province, 1 for a neighbouring one, 2 otherwise: "nearby first"."""
    if not a or not b:
        return 2
    if a == b:
        return 0
    return 1 if frozenset((a, b)) in _NEIGHBOURS else 2


_NEIGHBOURS = {
    frozenset(pair)
    for pair in [
        (Province.BRABANT_WALLON, Province.HAINAUT),
        (Province.BRABANT_WALLON, Province.NAMUR),
        (Province.BRABANT_WALLON, Province.LIEGE),
        (Province.BRABANT_WALLON, Province.BRUXELLES),
        (Province.HAINAUT, Province.NAMUR),
        (Province.NAMUR, Province.LIEGE),
        (Province.NAMUR, Province.LUXEMBOURG),
        (Province.LIEGE, Province.LUXEMBOURG),
    ]
}
