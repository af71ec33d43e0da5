"""Demo cadastre: the real providers of the white paper and ~120 illustrative offers.

Idempotent: providers are found by slug, offers by the provider's external id through the
import service (unchanged offers are not rewritten). Session dates are relative to today, so
re-running on a later day moves them forward again. Skills and occupations are linked only
when their ESCO URI exists in the database (the test database holds a small slice).
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.demo_data import PROFESSIONS, PROVIDERS, VARIANT_SENTENCES, VARIANTS
from courses.importing.records import OfferRecord, SessionRecord
from courses.models import OfferIndexPage, ProviderIndexPage, ProviderPage
from courses.services.importing import offer_import
from courses.services.moderation import MODERATORS_GROUP_NAME, moderation_setup
from courses.services.providers import (
    provider_create,
    provider_editors_group,
    provider_grant_editors,
)
from skills.models import Occupation, Skill

DEMO_PASSWORD = "wake-demo"  # demo machines only, like the cms demo admin
DEMO_MODERATOR = "moderateur"
DEMO_EDITOR = "technocite"  # editor of the Technocité provider

PREREQUISITES = {
    "bachelier": "Certificat d’enseignement secondaire supérieur (CESS) ou équivalent.",
    "master": "Bachelier dans un domaine proche, ou valorisation des acquis de l’expérience.",
    "qualifiante": "Être inscrit comme demandeur d’emploi ; séance d’information et test "
    "d’orientation.",
    "bootcamp": "Être inscrit comme demandeur d’emploi ; motivation et entretien.",
    "alternance": "Avoir au moins 15 ans et trouver une entreprise formatrice.",
    "certificat": "Expérience professionnelle dans le domaine ou bachelier.",
}


def _ensure_index_pages(home):
    provider_index = ProviderIndexPage.objects.first()
    if provider_index is None:
        provider_index = ProviderIndexPage(
            title="Organismes de formation",
            slug="organismes",
            intro="<p>Les centres de formation, écoles et universités du cadastre.</p>",
        )
        home.add_child(instance=provider_index)
        provider_index.save_revision().publish()
    offer_index = OfferIndexPage.objects.first()
    if offer_index is None:
        offer_index = OfferIndexPage(
            title="Formations",
            slug="formations",
            intro="<p>Toute l’offre de formation, filtrable par province, format, modalité, "
            "niveau et gratuité.</p>",
        )
        home.add_child(instance=offer_index)
        offer_index.save_revision().publish()
    return provider_index, offer_index


def _ensure_providers(provider_index) -> dict[str, ProviderPage]:
    providers = {}
    for slug, name, kind, commune, postal, province, lat, lon, website in PROVIDERS:
        provider = ProviderPage.objects.filter(slug=slug).first()
        if provider is None:
            provider = provider_create(
                name=name,
                slug=slug,
                kind=kind,
                commune=commune,
                province=province,
                parent=provider_index,
                postal_code=postal,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
                website=website,
                is_demo=True,
                description=(
                    f"<p>{name} ({commune}). Les offres présentées ici sont des exemples "
                    "rédigés pour la démonstration du cadastre.</p>"
                ),
            )
        else:
            provider_grant_editors(provider=provider)
        providers[slug] = provider
    return providers


def _sessions(index: int, variant: dict, today: datetime.date) -> list[SessionRecord]:
    start = today + datetime.timedelta(days=14 + (index * 23) % 200)
    hours = variant["hours"]
    if variant["format"] == "long":
        start = datetime.date(today.year + (today.month >= 9), 9, 14)
        length = datetime.timedelta(days=280)
    elif hours <= 8:
        length = datetime.timedelta(days=0)  # a one-day workshop
    else:
        per_week = 35 if variant["schedule"] == "day" else 8
        length = datetime.timedelta(days=math.ceil(hours / per_week) * 7 - 3)
    starts = [start]
    if variant["format"] in {"short", "workshop"}:
        starts.append(start + datetime.timedelta(days=91))
    return [
        SessionRecord(
            external_id=f"S{n}",
            start_date=begin.isoformat(),
            end_date=(begin + length).isoformat(),
            schedule=variant["schedule"],
            seats=str(10 + (index + n) % 11),
            status="full" if (index + n) % 17 == 0 else "open",
            registration_deadline=(begin - datetime.timedelta(days=7)).isoformat(),
        )
        for n, begin in enumerate(starts, start=1)
    ]


def offer_records(*, today: datetime.date | None = None) -> dict[str, list[OfferRecord]]:
    """The demo offers as import records, grouped by provider slug."""
    today = today or timezone.localdate()
    known_skills = set(
        Skill.objects.filter(uri__in=[uri for p in PROFESSIONS for uri in p["skills"]]).values_list(
            "uri", flat=True
        )
    )
    known_occupations = set(
        Occupation.objects.filter(
            uri__in=[uri for p in PROFESSIONS for uri in p["occupations"]]
        ).values_list("uri", flat=True)
    )
    by_provider: dict[str, list[OfferRecord]] = {}
    index = 0
    for profession in PROFESSIONS:
        for variant_key, provider_slug in profession["offers"]:
            index += 1
            variant = VARIANTS[variant_key]
            words = {
                "job": profession["job"],
                "theme": profession["theme"],
                "tool": profession["tool"],
                "job_lower": profession["job"][0].lower() + profession["job"][1:],
                "theme_lower": profession["theme"][0].lower() + profession["theme"][1:],
            }
            summary = VARIANT_SENTENCES[variant_key].format(**words)
            description = (
                f"<p>{summary}</p><p>Au programme : {profession['about']}.</p>"
                "<p><em>Contenu de démonstration : cette offre est fictive et illustre le "
                "cadastre.</em></p>"
            )
            # Core skills first; shorter offers teach fewer of them.
            count = 3 if variant["hours"] < 40 else len(profession["skills"])
            skills = [uri for uri in profession["skills"][:count] if uri in known_skills]
            record = OfferRecord(
                external_id=f"DEMO-{profession['code']}-{variant_key}".upper(),
                rows=[index],
                values={
                    "title": variant["title"].format(**words),
                    "summary": summary,
                    "description": description,
                    "plain_language_summary": (
                        f"Vous apprenez : {profession['about']}. Durée : {variant['hours']} heures."
                    ),
                    "format": variant["format"],
                    "modality": variant["modality"],
                    "eqf_level": str(variant["eqf"] or ""),
                    "duration_hours": str(variant["hours"]),
                    "prerequisites": PREREQUISITES.get(
                        variant_key, "Aisance avec l’ordinateur ; aucun diplôme requis."
                    ),
                    "certification": variant["certification"],
                    "price": variant["price"] or "",
                    "is_free": "no" if variant["price"] else "yes",
                    "registration_url": "",
                },
                languages=["fr", "en"] if variant_key == "master" else ["fr"],
                audiences=list(variant["audiences"]),
                funding=list(variant["funding"]),
                keywords=[profession["theme"].lower()[:100], "démo"],
                skills=skills,
                occupations=[u for u in profession["occupations"] if u in known_occupations],
                sessions=_sessions(index, variant, today),
            )
            by_provider.setdefault(provider_slug, []).append(record)
    return by_provider


def _ensure_accounts(providers) -> None:
    User = get_user_model()
    moderator, created = User.objects.get_or_create(
        username=DEMO_MODERATOR,
        defaults={"email": "moderateur@example.invalid", "first_name": "Modération"},
    )
    if created:
        moderator.set_password(DEMO_PASSWORD)
        moderator.save()
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP_NAME))
    editor, created = User.objects.get_or_create(
        username=DEMO_EDITOR,
        defaults={"email": "editeur@example.invalid", "first_name": "Éditeur Technocité"},
    )
    if created:
        editor.set_password(DEMO_PASSWORD)
        editor.save()
    editor.groups.add(provider_editors_group(providers["technocite"]))


def load(*, stdout) -> None:
    from cms.demo import ensure_site

    home = ensure_site()
    provider_index, _offer_index = _ensure_index_pages(home)
    moderation_setup(index_page=provider_index)
    providers = _ensure_providers(provider_index)
    totals = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
    for slug, records in offer_records().items():
        report = offer_import(
            provider=providers[slug], records=records, dry_run=False, publish=True, mark_demo=True
        )
        for name, count in report.counts.items():
            totals[name] += count
        for outcome in report.outcomes:
            if outcome.outcome == "error":
                stdout.write(f"courses: demo offer {outcome.key} failed: {outcome.reasons}")
    _ensure_accounts(providers)
    stdout.write(
        f"courses: {len(providers)} providers, demo offers "
        + ", ".join(f"{name} {count}" for name, count in totals.items())
    )
