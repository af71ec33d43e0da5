"""schema.org JSON-LD for offer pages: Course, CourseInstance per session, provider, skills.

Vocabulary: https://schema.org/Course, https://schema.org/CourseInstance,
https://schema.org/EducationalOrganization, https://schema.org/DefinedTerm. Skills taught are
DefinedTerms whose identifier and url are the ESCO URI, inside the ESCO DefinedTermSet, so a
consumer can join on the URI whatever the label language.
"""

from __future__ import annotations

from core.jsonld import json_for_script
from courses.models import Modality, ProviderKind, SessionStatus

ESCO_SKILLS_SET = {
    "@type": "DefinedTermSet",
    "name": "ESCO skills",
    "url": "http://data.europa.eu/esco/skill",
}

# schema.org's courseMode takes free text; these are the values its examples and Google use.
COURSE_MODE = {
    Modality.ON_SITE: "onsite",
    Modality.DISTANCE: "online",
    Modality.HYBRID: "blended",
    Modality.ALTERNANCE: "onsite",
}
EVENT_STATUS = {
    SessionStatus.OPEN: "https://schema.org/EventScheduled",
    SessionStatus.FULL: "https://schema.org/EventScheduled",
    SessionStatus.CANCELLED: "https://schema.org/EventCancelled",
}
EDUCATIONAL_KINDS = {
    ProviderKind.UNIVERSITY,
    ProviderKind.UNIVERSITY_COLLEGE,
    ProviderKind.ARTS_SCHOOL,
    ProviderKind.SOCIAL_PROMOTION,
    ProviderKind.ALTERNANCE,
    ProviderKind.COMPETENCE_CENTRE,
    ProviderKind.PUBLIC_TRAINING_CENTRE,
}


def _absolute(url: str, request=None) -> str:
    if not url:
        return url
    if url.startswith("http"):
        return url
    if request is not None:
        return request.build_absolute_uri(url)
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def _address(*, street: str, postal_code: str, commune: str, province_label: str) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "BE", "addressLocality": commune}
    if street:
        address["streetAddress"] = street
    if postal_code:
        address["postalCode"] = postal_code
    if province_label:
        address["addressRegion"] = province_label
    return address


def provider_jsonld(provider, request=None) -> dict:
    data = {
        "@type": "EducationalOrganization"
        if provider.kind in EDUCATIONAL_KINDS
        else "Organization",
        "name": provider.title,
        "url": provider.website or _absolute(provider.url or "", request),
        "address": _address(
            street=provider.street_address,
            postal_code=provider.postal_code,
            commune=provider.commune,
            province_label=str(provider.get_province_display()),
        ),
    }
    if provider.contact_email:
        data["email"] = provider.contact_email
    if provider.contact_phone:
        data["telephone"] = provider.contact_phone
    if provider.latitude is not None and provider.longitude is not None:
        data["location"] = {
            "@type": "Place",
            "address": data["address"],
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(provider.latitude),
                "longitude": float(provider.longitude),
            },
        }
    return data


def _offer(offer, url: str) -> dict:
    data = {"@type": "Offer", "priceCurrency": "EUR", "url": url}
    if offer.is_free:
        data["price"] = 0
        data["category"] = "Free"
    elif offer.price is not None:
        data["price"] = float(offer.price)
        data["category"] = "Paid"
    return data


def offer_jsonld(*, offer, request=None, skill_links=None) -> dict:
    """The Course document of an offer. Only confirmed skill links are included.

    Target occupations are left out: schema.org has no Course property for them
    (`occupationalCredentialAwarded` means a credential, not an occupation).
    """
    from courses.selectors import offer_public_links

    if skill_links is None:
        skill_links, _occupations = offer_public_links(offer=offer)
    page_url = _absolute(offer.url or "", request)
    provider = offer.provider
    course = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": offer.title,
        "description": offer.summary,
        "url": page_url,
        "inLanguage": list(offer.languages) or ["fr"],
        "isAccessibleForFree": bool(offer.is_free),
        "offers": _offer(offer, offer.registration_url or page_url),
    }
    if offer.external_id:
        course["courseCode"] = offer.external_id
    if provider is not None:
        course["provider"] = provider_jsonld(provider, request)
    if offer.eqf_level:
        course["educationalLevel"] = {
            "@type": "DefinedTerm",
            "name": f"EQF {offer.eqf_level}",
            "termCode": str(offer.eqf_level),
            "inDefinedTermSet": "https://europa.eu/europass/en/description-eight-eqf-levels",
        }
    if offer.prerequisites:
        course["coursePrerequisites"] = offer.prerequisites
    if offer.certification:
        course["educationalCredentialAwarded"] = offer.certification
    if offer.duration_hours:
        course["timeRequired"] = f"PT{offer.duration_hours}H"
    if offer.audiences:
        course["audience"] = [
            {"@type": "EducationalAudience", "educationalRole": audience}
            for audience in offer.audiences
        ]
    if skill_links:
        course["teaches"] = [
            {
                "@type": "DefinedTerm",
                "name": link.skill.label(),
                "identifier": link.skill.uri,
                "url": link.skill.uri,
                "sameAs": _absolute(link.skill.get_absolute_url(), request),
                "inDefinedTermSet": ESCO_SKILLS_SET,
            }
            for link in skill_links
        ]
    keywords = [tag.name for tag in offer.keywords.all()]
    if keywords:
        course["keywords"] = ", ".join(keywords)
    instances = [session_jsonld(offer, session, page_url) for session in offer.sessions.all()]
    if instances:
        course["hasCourseInstance"] = instances
    return course


def session_jsonld(offer, session, page_url: str) -> dict:
    provider = offer.provider
    commune = session.commune or (provider.commune if provider else "")
    province = session.province or (provider.province if provider else "")
    from core.places import Province

    place = {
        "@type": "Place",
        "name": session.location or (provider.title if provider else commune),
        "address": _address(
            street="" if session.location or provider is None else provider.street_address,
            postal_code="" if session.commune or provider is None else provider.postal_code,
            commune=commune,
            province_label=str(Province(province).label) if province else "",
        ),
    }
    instance = {
        "@type": "CourseInstance",
        "name": offer.title,
        "courseMode": COURSE_MODE.get(offer.modality, "onsite"),
        "startDate": session.start_date.isoformat(),
        "eventStatus": EVENT_STATUS.get(session.status, EVENT_STATUS[SessionStatus.OPEN]),
        "location": place,
    }
    if session.end_date:
        instance["endDate"] = session.end_date.isoformat()
    if session.seats:
        instance["maximumAttendeeCapacity"] = session.seats
    if offer.duration_hours:
        instance["courseWorkload"] = f"PT{offer.duration_hours}H"
    offer_data = _offer(offer, offer.registration_url or page_url)
    if session.registration_deadline:
        offer_data["validThrough"] = session.registration_deadline.isoformat()
    offer_data["availability"] = (
        "https://schema.org/SoldOut"
        if session.status == SessionStatus.FULL
        else "https://schema.org/InStock"
    )
    instance["offers"] = offer_data
    return instance


def offer_jsonld_script(*, offer, request=None, skill_links=None) -> str:
    document = offer_jsonld(offer=offer, request=request, skill_links=skill_links)
    return json_for_script(document)
