"""Closed vocabularies of the cadastre. Stored values are stable slugs; labels are translatable."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    UNIVERSITY = "universite", _("University")
    UNIVERSITY_COLLEGE = "haute-ecole", _("University college (haute école)")
    ARTS_SCHOOL = "ecole-superieure-arts", _("Higher school of arts")
    COMPETENCE_CENTRE = "centre-competence", _("Competence centre")
    PUBLIC_TRAINING_CENTRE = "centre-public", _("Public training centre")
    PRIVATE_CENTRE = "centre-prive", _("Private training centre")
    ALTERNANCE = "ifapme", _("IFAPME / work-based learning")
    SOCIAL_PROMOTION = "promotion-sociale", _("Adult education (promotion sociale)")
    FOREM = "forem", _("Forem")
    ASSOCIATION = "association", _("Association")
    CISP = "cisp", _("Socio-professional integration centre (CISP)")
    PUBLIC_ADMINISTRATION = "administration", _("Public administration")
    OTHER = "autre", _("Other")


class OfferFormat(models.TextChoices):
    LONG = "long", _("Long programme")
    SHORT = "short", _("Short course")
    QUALIFYING = "qualifying", _("Qualifying training")
    CERTIFYING = "certifying", _("Certifying training")
    WORKSHOP = "workshop", _("Workshop or masterclass")


class DurationUnit(models.TextChoices):
    """The units a regional export states durations in (kept as given, with the hours)."""

    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")
    YEARS = "years", _("years")


class Modality(models.TextChoices):
    ON_SITE = "on-site", _("On site")
    DISTANCE = "distance", _("Distance learning")
    HYBRID = "hybrid", _("Hybrid")
    ALTERNANCE = "alternance", _("Work-based (alternance)")


class Audience(models.TextChoices):
    JOBSEEKERS = "jobseekers", _("Jobseekers")
    WORKERS = "workers", _("Workers")
    STUDENTS = "students", _("Students")
    EVERYONE = "everyone", _("Everyone")
    WOMEN_IN_TECH = "women-in-tech", _("Women in tech")
    YOUNG_PEOPLE = "young-people", _("Young people")


class Schedule(models.TextChoices):
    DAY = "day", _("Daytime")
    EVENING = "evening", _("Evenings")
    WEEKEND = "weekend", _("Weekends")
    MIXED = "mixed", _("Mixed")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULL = "full", _("Full")
    CANCELLED = "cancelled", _("Cancelled")


# European Qualifications Framework levels 1 to 8. The labels stay lazy (format_lazy): a label
# formatted at import time would freeze the language active then, and make migrations flap.
EQF_LEVEL_CHOICES = [(level, format_lazy("{} {}", _("EQF level"), level)) for level in range(1, 9)]


class LinkRelation(models.TextChoices):
    CORE = "core", _("Core")
    SECONDARY = "secondary", _("Secondary")
