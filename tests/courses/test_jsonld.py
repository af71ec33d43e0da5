"""The offer page's JSON-LD checked against schema.org's types.

The vocabulary below is encoded from schema.org (https://schema.org/Course, CourseInstance,
Event, CreativeWork, Organization, EducationalOrganization, Place, PostalAddress, Offer,
DefinedTerm, DefinedTermSet, EducationalAudience, GeoCoordinates; version 29): for each type, the
properties we may emit and their expected value types. A property not listed for a type, a value
of the wrong type, or a missing required property fails the test. Required properties follow
Google's Course and Course info structured-data guidance (name, description, provider;
courseMode and a schedule or workload on each CourseInstance).
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.jsonld import offer_jsonld
from courses.models import Modality, SessionStatus
from courses.services.links import offer_skill_set
from skills.models import Skill
from tests.courses.factories import make_offer, make_provider

pytestmark = pytest.mark.django_db

SUBTYPES = {
    "Thing": {"CreativeWork", "Organization", "Place", "Intangible", "Event"},
    "CreativeWork": {"Course"},
    "Organization": {"EducationalOrganization"},
    "Event": {"CourseInstance"},
    "Intangible": {
        "Offer",
        "DefinedTerm",
        "DefinedTermSet",
        "Audience",
        "StructuredValue",
        "Schedule",
    },
    "Audience": {"EducationalAudience"},
    "StructuredValue": {"ContactPoint", "GeoCoordinates"},
    "ContactPoint": {"PostalAddress"},
    "DefinedTermSet": set(),
}

THING = {
    "name": {"Text"},
    "description": {"Text"},
    "url": {"URL"},
    "identifier": {"Text", "URL"},
    "sameAs": {"URL"},
    "alternateName": {"Text"},
}
CREATIVE_WORK = {
    **THING,
    "inLanguage": {"Text"},
    "isAccessibleForFree": {"Boolean"},
    "educationalLevel": {"DefinedTerm", "Text", "URL"},
    "keywords": {"Text", "DefinedTerm", "URL"},
    "offers": {"Offer"},
    "provider": {"Organization", "Person"},
    "audience": {"Audience"},
    "timeRequired": {"Duration"},
    "teaches": {"DefinedTerm", "Text"},
    "about": {"Thing"},
}
EVENT = {
    **THING,
    "startDate": {"Date", "DateTime"},
    "endDate": {"Date", "DateTime"},
    "location": {"Place", "PostalAddress", "Text"},
    "eventStatus": {"EventStatusType"},
    "maximumAttendeeCapacity": {"Integer"},
    "offers": {"Offer"},
    "organizer": {"Organization", "Person"},
    "inLanguage": {"Text"},
}
ORGANIZATION = {
    **THING,
    "address": {"PostalAddress", "Text"},
    "email": {"Text"},
    "telephone": {"Text"},
    "logo": {"URL", "ImageObject"},
    "location": {"Place", "PostalAddress", "Text"},
}
SCHEMA = {
    "Course": {
        **CREATIVE_WORK,
        "courseCode": {"Text"},
        "coursePrerequisites": {"Text", "Course", "AlignmentObject"},
        "educationalCredentialAwarded": {"Text", "URL", "EducationalOccupationalCredential"},
        "hasCourseInstance": {"CourseInstance"},
        "occupationalCredentialAwarded": {"Text", "URL", "EducationalOccupationalCredential"},
        "financialAidEligible": {"Text", "DefinedTerm"},
        "availableLanguage": {"Text", "Language"},
    },
    "CourseInstance": {
        **EVENT,
        "courseMode": {"Text", "URL"},
        "courseSchedule": {"Schedule"},
        "courseWorkload": {"Text"},
        "instructor": {"Person"},
    },
    "Organization": ORGANIZATION,
    "EducationalOrganization": {**ORGANIZATION, "alumni": {"Person"}},
    "Place": {**THING, "address": {"PostalAddress", "Text"}, "geo": {"GeoCoordinates"}},
    "PostalAddress": {
        **THING,
        "streetAddress": {"Text"},
        "postalCode": {"Text"},
        "addressLocality": {"Text"},
        "addressRegion": {"Text"},
        "addressCountry": {"Text", "Country"},
    },
    "GeoCoordinates": {**THING, "latitude": {"Number", "Text"}, "longitude": {"Number", "Text"}},
    "Offer": {
        **THING,
        "price": {"Number", "Text"},
        "priceCurrency": {"Text"},
        "category": {"Text", "Thing", "URL"},
        "validThrough": {"Date", "DateTime"},
        "availability": {"ItemAvailability"},
    },
    "DefinedTerm": {**THING, "termCode": {"Text"}, "inDefinedTermSet": {"DefinedTermSet", "URL"}},
    "DefinedTermSet": {**THING, "hasDefinedTerm": {"DefinedTerm"}},
    "EducationalAudience": {**THING, "educationalRole": {"Text"}, "audienceType": {"Text"}},
}
REQUIRED = {
    "Course": {"name", "description", "provider"},
    "CourseInstance": {"courseMode", "startDate", "location"},
    "Organization": {"name"},
    "EducationalOrganization": {"name"},
    "DefinedTerm": {"name"},
    "Offer": {"priceCurrency"},
    "Place": {"address"},
}
ENUMERATIONS = {
    "EventStatusType": {
        "https://schema.org/EventScheduled",
        "https://schema.org/EventCancelled",
        "https://schema.org/EventPostponed",
        "https://schema.org/EventRescheduled",
        "https://schema.org/EventMovedOnline",
    },
    "ItemAvailability": {
        "https://schema.org/InStock",
        "https://schema.org/SoldOut",
        "https://schema.org/PreOrder",
        "https://schema.org/LimitedAvailability",
    },
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")


def is_a(type_name: str, expected: str) -> bool:
    if type_name == expected:
        return True
    return any(is_a(type_name, child) for child in SUBTYPES.get(expected, ()))


def value_matches(value, expected: set[str], path: str, errors: list[str]) -> bool:
    if isinstance(value, dict):
        type_name = value.get("@type")
        if not any(is_a(type_name, e) for e in expected if e[0].isupper()):
            return False
        validate_node(value, path, errors)
        return True
    if isinstance(value, bool):
        return "Boolean" in expected
    if isinstance(value, int):
        return bool(expected & {"Integer", "Number"})
    if isinstance(value, float):
        return "Number" in expected
    if isinstance(value, str):
        for data_type in expected:
            if data_type in ENUMERATIONS and value in ENUMERATIONS[data_type]:
                return True
        if "Date" in expected and ISO_DATE.match(value):
            return True
        if "Duration" in expected and ISO_DURATION.match(value):
            return True
        if expected & {"URL"} and re.match(r"^https?://", value):
            return True
        return "Text" in expected
    return False


def validate_node(node: dict, path: str, errors: list[str]) -> None:
    type_name = node.get("@type")
    if type_name not in SCHEMA:
        errors.append(f"{path}: unknown or missing @type {type_name!r}")
        return
    known = SCHEMA[type_name]
    for required in REQUIRED.get(type_name, ()):
        if node.get(required) in (None, "", []):
            errors.append(f"{path}: {type_name} lacks required {required}")
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in known:
            errors.append(f"{path}.{key}: not a property of {type_name}")
            continue
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if not value_matches(item, known[key], f"{path}.{key}[{i}]", errors):
                errors.append(f"{path}.{key}[{i}]: {item!r} is not one of {sorted(known[key])}")


def validate(document: dict) -> list[str]:
    errors: list[str] = []
    if document.get("@context") not in ("https://schema.org", "http://schema.org"):
        errors.append("missing schema.org @context")
    validate_node(document, "$", errors)
    return errors


def test_validator_rejects_bad_documents():
    """The validator itself must catch what it claims to check."""
    assert validate({"@context": "https://schema.org", "@type": "Course", "name": "x"})
    bad_property = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": "x",
        "description": "y",
        "provider": {"@type": "Organization", "name": "P"},
        "startDate": "2026-01-01",
    }
    assert any("startDate" in e for e in validate(bad_property))
    bad_type = {**bad_property, "hasCourseInstance": [{"@type": "Offer", "price": 1}]}
    del bad_type["startDate"]
    assert validate(bad_type)
    bad_date = {
        **bad_type,
        "hasCourseInstance": [
            {"@type": "CourseInstance", "courseMode": "onsite", "startDate": 5, "location": "x"}
        ],
    }
    assert any("startDate" in e for e in validate(bad_date))


@pytest.fixture
def offer(provider_index):
    today = timezone.localdate()
    provider = make_provider(
        name="Technocité",
        commune="Mons",
        street_address="Rue Henri Degorge 23",
        postal_code="7301",
        latitude=Decimal("50.4542"),
        longitude=Decimal("3.9523"),
        website="https://www.technocite.be/",
    )
    offer = make_offer(
        provider,
        title="Motion design <After Effects>",
        modality=Modality.HYBRID,
        eqf_level=5,
        duration_hours=120,
        audiences=["jobseekers", "workers"],
        certification="Attestation de réussite",
        prerequisites="Aisance avec l’ordinateur",
        external_id="MD-01",
        sessions=[
            {
                "start_date": today + datetime.timedelta(days=10),
                "end_date": today + datetime.timedelta(days=60),
                "registration_deadline": today + datetime.timedelta(days=5),
                "seats": 14,
            },
            {
                "start_date": today + datetime.timedelta(days=100),
                "status": SessionStatus.CANCELLED,
                "location": "Campus de Charleroi",
                "commune": "Charleroi",
            },
        ],
    )
    offer.keywords.add("animation")
    offer.save_revision().publish()
    offer.refresh_from_db()
    for skill in Skill.objects.order_by("uri")[:3]:
        offer_skill_set(offer=offer, skill=skill)
    return offer


def test_offer_jsonld_validates_against_schema_org(offer):
    document = offer_jsonld(offer=offer)
    assert validate(document) == []
    assert document["provider"]["@type"] == "EducationalOrganization"
    assert len(document["hasCourseInstance"]) == 2
    assert document["hasCourseInstance"][1]["eventStatus"].endswith("EventCancelled")
    assert document["offers"]["price"] == 250.0


def test_teaches_carries_esco_uris_of_confirmed_skills_only(offer):
    from courses.models import OfferSkill

    pending = Skill.objects.order_by("-uri").first()
    OfferSkill.objects.create(offer=offer, skill=pending, method="label")  # a suggestion
    taught = offer_jsonld(offer=offer)["teaches"]
    uris = {term["identifier"] for term in taught}
    expected = set(offer.skill_links.public().values_list("skill__uri", flat=True))
    assert uris == expected and pending.uri not in uris
    assert taught, "the check below needs something to check"
    assert all(term["url"].startswith("http://data.europa.eu/esco/skill/") for term in taught)
    assert all(term["name"] for term in taught)


def test_page_embeds_parseable_jsonld(client, offer):
    body = client.get(offer.url).content.decode()
    match = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', body, re.S)
    assert match, "no JSON-LD script on the page"
    raw = match.group(1)
    assert "<After" not in raw  # markup in titles is escaped inside the script
    document = json.loads(raw)
    assert validate(document) == []
    assert document["name"] == "Motion design <After Effects>"


def test_free_offer_has_zero_price(provider_index):
    offer = make_offer(make_provider(), is_free=True, price=None)
    document = offer_jsonld(offer=offer)
    assert document["offers"]["price"] == 0 and document["isAccessibleForFree"] is True
    assert validate(document) == []
