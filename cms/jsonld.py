"""schema.org JSON-LD of the concept pages: a skill is a `DefinedTerm` of ESCO, an occupation
an `Occupation` with its ISCO code and essential skills. Safe inside a <script> element."""

from __future__ import annotations

from django.http import HttpRequest

from core.jsonld import json_for_script
from skills.models import Skill
from skills.selectors import OccupationDetail

ESCO_TERM_SET = {
    "@type": "DefinedTermSet",
    "name": "ESCO",
    "url": "https://esco.ec.europa.eu/",
}


def _script(data: dict) -> str:
    return json_for_script({"@context": "https://schema.org", **data})


def skill_json_ld(*, skill: Skill, request: HttpRequest, language: str) -> str:
    alternates = skill.alt_labels_en if language == "en" else skill.alt_labels_fr
    return _script(
        {
            "@type": "DefinedTerm",
            "@id": skill.uri,
            "name": skill.label(language),
            "alternateName": list(alternates or []),
            "description": skill.description(language),
            "termCode": skill.key,
            "url": request.build_absolute_uri(skill.get_absolute_url()),
            "inLanguage": language,
            "inDefinedTermSet": ESCO_TERM_SET,
        }
    )


def occupation_json_ld(*, detail: OccupationDetail, request: HttpRequest, language: str) -> str:
    occupation = detail.occupation
    alternates = occupation.alt_labels_en if language == "en" else occupation.alt_labels_fr
    data = {
        "@type": "Occupation",
        "@id": occupation.uri,
        "name": occupation.label(language),
        "alternateName": list(alternates or []),
        "description": occupation.description(language),
        "url": request.build_absolute_uri(occupation.get_absolute_url()),
        "inLanguage": language,
        "skills": [
            {"@type": "DefinedTerm", "@id": skill.uri, "name": skill.label(language)}
            for section in detail.essential_sections
            for skill in section.skills
        ],
    }
    if occupation.isco_group:
        data["occupationalCategory"] = {
            "@type": "CategoryCode",
            "codeValue": occupation.isco_group.code,
            "inCodeSet": "ISCO-08",
            "name": occupation.isco_group.label(language),
        }
    return _script(data)
