"""The demo cadastre: the real providers of the white paper and ~120 illustrative offers.

Each offer is a profession (`demo/data/professions.toml`) crossed with an offer variant
(`offer_variants.toml`) at a provider (`providers.toml`). Idempotent: providers are found by
slug, offers by the provider's external id through the import service (unchanged offers are
not rewritten). Session dates are relative to today, so re-running on a later day moves them
forward again; each offer also lists the sessions it ran over the last two years. Skills and
occupations are linked only when their ESCO URI exists in the database (the test database holds
a small slice).
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from cms.models import HomePage
from courses.importing.records import OfferRecord, SessionRecord
from courses.models import OfferIndexPage, ProviderIndexPage, ProviderPage
from courses.services.importing import offer_import
from courses.services.moderation import MODERATORS_GROUP_NAME, moderation_setup
from courses.services.providers import (
    provider_create,
    provider_editors_group,
    provider_grant_editors,
)
from demo import datafiles
from demo.accounts import demo_account
from demo.datafiles import OfferVariant, Profession
from skills.models import Occupation, Skill

DEMO_MODERATOR = "moderateur"
DEMO_EDITOR = "technocite"  # editor of the Technocité provider


def _ensure_index_pages(home: HomePage) -> tuple[ProviderIndexPage, OfferIndexPage]:
    texts = datafiles.site_pages()
    provider_index = ProviderIndexPage.cadastre_index()
    if provider_index is None:
        text = texts["provider_index"].texts["fr"]
        provider_index = ProviderIndexPage(title=text.title, slug="organismes", intro=text.intro)
        home.add_child(instance=provider_index)
        provider_index.save_revision().publish()
    offer_index = OfferIndexPage.objects.child_of(home).first()
    if offer_index is None:
        text = texts["offer_index"].texts["fr"]
        offer_index = OfferIndexPage(title=text.title, slug="formations", intro=text.intro)
        home.add_child(instance=offer_index)
        offer_index.save_revision().publish()
    return provider_index, offer_index


def _ensure_providers(provider_index: ProviderIndexPage) -> dict[str, ProviderPage]:
    providers = {}
    for row in datafiles.providers():
        provider = ProviderPage.objects.filter(slug=row.slug).first()
        if provider is None:
            provider = provider_create(
                name=row.name,
                slug=row.slug,
                kind=row.kind,
                commune=row.commune,
                province=row.province,
                parent=provider_index,
                postal_code=row.postal_code,
                latitude=Decimal(row.latitude),
                longitude=Decimal(row.longitude),
                website=row.website,
                is_demo=True,
                description=(
                    f"<p>{row.name} ({row.commune}). Les offres présentées ici sont des exemples "
                    "rédigés pour la démonstration du cadastre.</p>"
                ),
            )
        else:
            provider_grant_editors(provider=provider)
        providers[row.slug] = provider
    return providers


# Past sessions go back this far, so that the analytics show two years of training supply.
HISTORY_DAYS = 730


def _sessions(index: int, variant: OfferVariant, today: datetime.date) -> list[SessionRecord]:
    """The offer's next sessions, and the ones it ran over the last two years (same rhythm:
    yearly from September for a long programme, quarterly for short courses and workshops,
    twice a year otherwise)."""
    start = today + datetime.timedelta(days=14 + (index * 23) % 200)
    if variant.format == "long":
        start = datetime.date(today.year + (today.month >= 9), 9, 14)
        length = datetime.timedelta(days=280)
    elif variant.hours <= 8:
        length = datetime.timedelta(days=0)  # a one-day workshop
    else:
        per_week = 35 if variant.schedule == "day" else 8
        length = datetime.timedelta(days=math.ceil(variant.hours / per_week) * 7 - 3)
    starts = [start]
    if variant.format in {"short", "workshop"}:
        starts.append(start + datetime.timedelta(days=91))
    if variant.format == "long":
        past = [datetime.date(start.year - n, 9, 14) for n in (1, 2, 3)]
    else:
        rhythm = 91 if variant.format in {"short", "workshop"} else 182
        past = [start - datetime.timedelta(days=rhythm * n) for n in range(1, 10)]
    # Strictly past: a "past" session starting this week would have its deadline behind it.
    history = sorted(
        begin
        for begin in past
        if datetime.timedelta(0) < today - begin <= datetime.timedelta(HISTORY_DAYS)
    )
    records = [
        SessionRecord(
            external_id=f"P{n}",
            start_date=begin.isoformat(),
            end_date=(begin + length).isoformat(),
            schedule=variant.schedule,
            seats=str(10 + (index + n) % 11),
            status="full" if (index + n) % 5 == 0 else "open",
            registration_deadline=(begin - datetime.timedelta(days=7)).isoformat(),
        )
        for n, begin in enumerate(history, start=1)
    ]
    return records + [
        SessionRecord(
            external_id=f"S{n}",
            start_date=begin.isoformat(),
            end_date=(begin + length).isoformat(),
            schedule=variant.schedule,
            seats=str(10 + (index + n) % 11),
            seats_left=str((index * 7 + n) % 9),
            status="full" if (index + n) % 17 == 0 else "open",
            registration_deadline=(begin - datetime.timedelta(days=7)).isoformat(),
        )
        for n, begin in enumerate(starts, start=1)
    ]


_CONTRACTIONS = {"de les": "des", "de le": "du", "à les": "aux", "à le": "au"}


def french_contractions(text: str) -> str:
    """French contracts "de les" and "à le" when a theme slots in after a preposition
    ("autour de {tool}" with "les modèles génératifs" reads "autour des modèles")."""
    return re.sub(
        r"\b(de|à) (les|le) ",
        lambda match: _CONTRACTIONS[f"{match[1]} {match[2]}"] + " ",
        text,
    )


def _offer_record(
    *,
    index: int,
    profession: Profession,
    variant: OfferVariant,
    known_skills: set[str],
    known_occupations: set[str],
    today: datetime.date,
    registration_url: str,
) -> OfferRecord:
    words = {
        "job": profession.job,
        "theme": profession.theme,
        "tool": profession.tool,
        "job_lower": profession.job[0].lower() + profession.job[1:],
        "theme_lower": profession.theme[0].lower() + profession.theme[1:],
    }
    summary = french_contractions(variant.summary.format(**words))
    description = (
        f"<p>{summary}</p><p>Au programme : {profession.about}.</p>"
        "<p><em>Contenu de démonstration : cette offre est fictive et illustre le "
        "cadastre.</em></p>"
    )
    # Core skills first; shorter offers teach fewer of them.
    count = 3 if variant.hours < 40 else len(profession.skills)
    return OfferRecord(
        external_id=f"DEMO-{profession.code}-{variant.key}".upper(),
        rows=[index],
        values={
            "title": variant.title.format(**words),
            "summary": summary,
            "description": description,
            # No plain-language summary: the offer page writes one in the reader's language
            # from the confirmed skills and the duration (courses/summaries.py).
            "plain_language_summary": "",
            "format": variant.format,
            "modality": variant.modality,
            "eqf_level": str(variant.eqf or ""),
            "duration_hours": str(variant.hours),
            "prerequisites": variant.prerequisites,
            "certification": variant.certification,
            "price": variant.price or "",
            "is_free": "no" if variant.price else "yes",
            "registration_url": registration_url,
        },
        languages=list(variant.languages),
        audiences=list(variant.audiences),
        funding=list(variant.funding),
        keywords=[profession.theme.lower()[:100], "démo"],
        skills=[uri for uri in profession.skills[:count] if uri in known_skills],
        occupations=[uri for uri in profession.occupations if uri in known_occupations],
        sessions=_sessions(index, variant, today),
    )


def offer_records(*, today: datetime.date | None = None) -> dict[str, list[OfferRecord]]:
    """The demo offers as import records, grouped by provider slug."""
    today = today or timezone.localdate()
    professions = datafiles.professions()
    variants = datafiles.offer_variants()
    known_skills = set(
        Skill.objects.filter(uri__in=[uri for p in professions for uri in p.skills]).values_list(
            "uri", flat=True
        )
    )
    known_occupations = set(
        Occupation.objects.filter(
            uri__in=[uri for p in professions for uri in p.occupations]
        ).values_list("uri", flat=True)
    )
    # Demo offers are fictional: registering sends learners to the provider's own site.
    websites = {row.slug: row.website for row in datafiles.providers()}
    by_provider: dict[str, list[OfferRecord]] = {}
    index = 0
    for profession in professions:
        for placement in profession.offers:
            index += 1
            record = _offer_record(
                index=index,
                profession=profession,
                variant=variants[placement.variant],
                known_skills=known_skills,
                known_occupations=known_occupations,
                today=today,
                registration_url=websites.get(placement.provider, ""),
            )
            by_provider.setdefault(placement.provider, []).append(record)
    return by_provider


def _ensure_accounts(providers: dict[str, ProviderPage]) -> None:
    moderator = demo_account(
        username=DEMO_MODERATOR, email="moderateur@example.invalid", first_name="Modération"
    )
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP_NAME))
    editor = demo_account(
        username=DEMO_EDITOR, email="editeur@example.invalid", first_name="Éditeur Technocité"
    )
    editor.groups.add(provider_editors_group(providers["technocite"]))


def load(*, home: HomePage, stdout) -> None:
    """Index pages under `home`, the moderation workflow, providers, offers and their accounts."""
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
