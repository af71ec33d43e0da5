"""A small catalogue every search engine is tested on, built through the cadastre's own
services and pages, indexed the way production indexes it: after commit, in a task."""

from __future__ import annotations

import datetime
import os
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import override_settings
from django.utils import timezone

from core.places import Province
from courses.models import (
    FundingScheme,
    Modality,
    OfferFormat,
    OfferSkill,
    ProviderKind,
    Schedule,
)
from skills.extraction import invalidate_extractor
from skills.links import LinkStatus
from skills.models import Occupation, OccupationSkill, Skill, SkillSynonym
from tests.courses.conftest import home, provider_index  # noqa: F401  (fixtures)
from tests.courses.factories import make_offer, make_provider

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_PROGRAMMING = "http://data.europa.eu/esco/skill/69bbd53f-fbb0-4476-b4b2-ef7844464e28"
MOTION_GRAPHICS = "http://data.europa.eu/esco/skill/8afe68ff-b261-4fa8-ab25-bb30b0e5c292"
PROJECT_MANAGEMENT = "http://data.europa.eu/esco/skill/7111b95d-0ce3-441a-9d92-4c75d05c4388"
AGILE = "http://data.europa.eu/esco/skill/0a9acb6b-1139-4be9-b431-3a80a959f2f4"
WEB_DEVELOPER = "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d"

ENGINES = [
    "database",
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"), reason="ELASTICSEARCH_URL is not set"
            ),
        ],
    ),
]


@pytest.fixture(params=ENGINES)
def engine(request):
    """The engine under test, configured as `SEARCH_ENGINE` for the whole test (indexing
    included). On Elasticsearch the test gets indices of its own: empty ones behind the
    aliases of a unique prefix before anything is indexed (incremental indexing writes
    through the aliases), deleted after the test whatever its outcome."""
    with override_settings(SEARCH_ENGINE=request.param):
        if request.param != "elasticsearch":
            yield request.param
            return
        request.getfixturevalue("db")
        from search.engines import get_engine
        from search.es_indexing import delete_indices, rebuild_index

        prefix = f"wake-test-{uuid.uuid4().hex[:10]}"
        with override_settings(ELASTICSEARCH_INDEX_PREFIX=prefix):
            elasticsearch = get_engine("elasticsearch")
            try:
                for catalogue in ("offers", "postings"):
                    rebuild_index(elasticsearch, catalogue=catalogue)
                yield request.param
            finally:
                delete_indices(elasticsearch)


def link(offer, uri: str) -> OfferSkill:
    return OfferSkill.objects.create(
        offer=offer, skill=Skill.objects.get(uri=uri), status=LinkStatus.CONFIRMED, score=1.0
    )


@dataclass
class Catalogue:
    offers: dict[str, object] = field(default_factory=dict)
    goal_skills: list[Skill] = field(default_factory=list)

    def __getitem__(self, key):
        return self.offers[key]

    def id(self, key) -> int:
        return self.offers[key].pk


def sessions(days: int | None, schedule=Schedule.DAY) -> list[dict]:
    if days is None:
        return []
    start = timezone.localdate() + datetime.timedelta(days=days)
    return [{"start_date": start, "schedule": schedule}]


@pytest.fixture
def catalogue(engine, provider_index, django_capture_on_commit_callbacks) -> Catalogue:  # noqa: F811
    """Eight live offers and one draft, in Hainaut and Liège, with confirmed skill links."""
    invalidate_extractor()
    forem = FundingScheme.objects.get(slug="forem-gratuit")
    goal = [
        link.skill
        for link in OccupationSkill.objects.filter(
            occupation__uri=WEB_DEVELOPER, relation=OccupationSkill.Relation.ESSENTIAL
        )
        .select_related("skill")
        .order_by("skill__uri")
    ]
    SkillSynonym.objects.create(
        skill=Skill.objects.get(uri=MOTION_GRAPHICS), label="After Effects", language=""
    )
    result = Catalogue(goal_skills=goal)
    with django_capture_on_commit_callbacks(execute=True):
        mons = make_provider(
            name="Technocité",
            province=Province.HAINAUT,
            commune="Mons",
            kind=ProviderKind.COMPETENCE_CENTRE,
        )
        liege = make_provider(
            name="Université de Liège",
            province=Province.LIEGE,
            commune="Liège",
            kind=ProviderKind.UNIVERSITY,
        )
        offers = result.offers
        offers["web"] = make_offer(
            mons,
            title="Développement web avec JavaScript",
            summary="Créer des sites.",
            is_free=True,
            price=None,
            modality=Modality.ON_SITE,
            format=OfferFormat.SHORT,
            eqf_level=4,
            audiences=["jobseekers"],
            duration_hours=40,
            sessions=sessions(10, Schedule.EVENING),
        )
        offers["web"].funding_schemes.add(forem)
        offers["web"].save_revision().publish()
        offers["coding"] = make_offer(
            liege,
            title="Initiation à la programmation",
            summary="Apprendre à coder pas à pas.",
            price=250,
            modality=Modality.DISTANCE,
            format=OfferFormat.LONG,
            eqf_level=6,
            audiences=["workers", "women-in-tech"],
            certification="Certificat d'université",
            duration_hours=120,
            sessions=sessions(60),
        )
        offers["motion"] = make_offer(
            mons,
            title="Motion design et animation",
            summary="Des titres qui bougent.",
            price=900,
            modality=Modality.HYBRID,
            format=OfferFormat.WORKSHOP,
            audiences=["young-people"],
            languages=["fr", "en"],
            duration_hours=16,
            sessions=sessions(120, Schedule.WEEKEND),
        )
        offers["projects"] = make_offer(
            liege,
            title="Gestion de projets agiles",
            summary="Planifier et livrer.",
            price=1800,
            modality=Modality.ON_SITE,
            format=OfferFormat.QUALIFYING,
            duration_hours=60,
            sessions=sessions(None),
        )
        offers["modelling"] = make_offer(
            mons,
            title="Atelier de modélisation 3D",
            summary="Sculpter en trois dimensions.",
            price=50,
            modality=Modality.ON_SITE,
            format=OfferFormat.WORKSHOP,
            duration_hours=8,
            sessions=sessions(5),
        )
        offers["fullstack"] = make_offer(
            liege,
            title="Bootcamp full-stack",
            summary="Du serveur au navigateur.",
            price=3000,
            modality=Modality.ON_SITE,
            format=OfferFormat.LONG,
            duration_hours=400,
            sessions=sessions(20),
        )
        offers["front"] = make_offer(
            mons,
            title="Atelier front-end",
            summary="Intégrer des maquettes.",
            price=80,
            modality=Modality.ON_SITE,
            format=OfferFormat.WORKSHOP,
            duration_hours=12,
            sessions=sessions(15),
        )
        offers["draft"] = make_offer(
            mons, title="Python avancé", summary="Brouillon.", publish=False
        )
        link(offers["web"], JAVASCRIPT)
        link(offers["web"], WEB_PROGRAMMING)
        link(offers["coding"], PYTHON)
        link(offers["motion"], MOTION_GRAPHICS)
        link(offers["projects"], PROJECT_MANAGEMENT)
        link(offers["projects"], AGILE)
        link(offers["fullstack"], PYTHON)
        link(offers["fullstack"], JAVASCRIPT)
        link(offers["draft"], PYTHON)
        # The web developer's essential skills: two in "fullstack", a third in "front".
        for skill in goal[:2]:
            OfferSkill.objects.get_or_create(
                offer=offers["fullstack"], skill=skill, defaults={"status": LinkStatus.CONFIRMED}
            )
        OfferSkill.objects.get_or_create(
            offer=offers["front"], skill=goal[2], defaults={"status": LinkStatus.CONFIRMED}
        )
    yield result
    invalidate_extractor()


@pytest.fixture
def web_developer() -> Occupation:
    return Occupation.objects.get(uri=WEB_DEVELOPER)
