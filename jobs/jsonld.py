"""schema.org JobPosting JSON-LD for the public job board.

Google's required properties (title, description, datePosted, hiringOrganization, jobLocation)
and the recommended ones the data holds (validThrough, employmentType, identifier,
directApply); the ESCO occupation as `occupationalCategory` and the confirmed skills as
DefinedTerms keyed on their ESCO URI (`skills`), as for offers.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from core.jsonld import json_for_script
from core.places import Province
from jobs.models import JobPosting

EMPLOYMENT_TYPE = {
    JobPosting.ContractType.PERMANENT: "FULL_TIME",
    JobPosting.ContractType.FIXED_TERM: "TEMPORARY",
    JobPosting.ContractType.TEMPORARY: "TEMPORARY",
    JobPosting.ContractType.FREELANCE: "CONTRACTOR",
    JobPosting.ContractType.APPRENTICESHIP: "INTERN",
    JobPosting.ContractType.INTERNSHIP: "INTERN",
    JobPosting.ContractType.STUDENT: "PART_TIME",
    JobPosting.ContractType.OTHER: "OTHER",
}
WORKING_TIME = {
    JobPosting.WorkingTime.FULL_TIME: "FULL_TIME",
    JobPosting.WorkingTime.PART_TIME: "PART_TIME",
}


def posting_jsonld(*, posting: JobPosting, url: str, occupation=None, skills=()) -> dict:
    """The JobPosting node of a published posting whose public page is at absolute `url`."""
    employment = sorted(
        {
            value
            for value in (
                EMPLOYMENT_TYPE.get(posting.contract_type),
                WORKING_TIME.get(posting.working_time),
            )
            if value
        }
    )
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": posting.title,
        "description": posting.description_html or posting.description_text,
        "datePosted": posting.posted_on.isoformat(),
        "validThrough": _valid_through(posting),
        "hiringOrganization": {"@type": "Organization", "name": posting.display_employer},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": posting.commune,
                "addressRegion": str(Province(posting.province).label) if posting.province else "",
                "addressCountry": "BE",
            },
        },
        "identifier": {
            "@type": "PropertyValue",
            "name": posting.source.name if posting.source_id else "wake! for skills",
            "value": posting.external_id or str(posting.pk),
        },
        "url": url,
        "directApply": not posting.url,
        "inLanguage": posting.language,
    }
    if employment:
        data["employmentType"] = employment if len(employment) > 1 else employment[0]
    if occupation is not None:
        data["occupationalCategory"] = occupation.uri
    if skills:
        data["skills"] = [
            {
                "@type": "DefinedTerm",
                "name": str(skill.label()),
                "identifier": skill.uri,
                "url": skill.uri,
                "inDefinedTermSet": "http://data.europa.eu/esco/skill",
            }
            for skill in skills
        ]
    if posting.url:
        data["sameAs"] = posting.url
    return {key: value for key, value in data.items() if value not in ("", None)}


def _valid_through(posting: JobPosting) -> str:
    """The expiry the source gave, else the board's default lifetime after posting."""
    expires = posting.expires_on or posting.posted_on + datetime.timedelta(
        days=settings.JOB_BOARD_DEFAULT_LIFETIME_DAYS
    )
    return datetime.datetime.combine(expires, datetime.time(23, 59)).isoformat()


def posting_jsonld_script(**kwargs) -> str:
    return json_for_script(posting_jsonld(**kwargs))
