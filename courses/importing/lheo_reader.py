"""LHEO-style XML: the subset of France's training-offer exchange format that we read.

LHEO (Langage Harmonisé d'Échange d'informations sur l'Offre de formation) nests
`offres/formation/action/session`; we read the elements listed in `courses/data/README.md`
and ignore the rest. Namespaces are ignored so LHEO 2.x files with or without the
`http://lheo.gouv.fr/2.3` namespace both work. Parsed with defusedxml: entity expansion and
external entities are refused.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from courses.importing.records import ImportFileError, OfferRecord, SessionRecord

# LHEO `modalites-enseignement`: 0 entirely on site, 1 mixed, 2 entirely at a distance.
LHEO_MODALITY = {"0": "on-site", "1": "hybrid", "2": "distance"}
# LHEO `etat-recrutement`: 1 open, 2 closed, 3 suspended.
LHEO_RECRUITMENT = {"1": "open", "2": "full", "3": "cancelled"}
EXTRA_LISTS = {
    "esco-skill": "skills",
    "esco-occupation": "occupations",
    "language": "languages",
    "audience": "audiences",
    "funding": "funding",
    "keyword": "keywords",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root: Element) -> None:
    for element in root.iter():
        element.tag = _local(element.tag)


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())


def _lheo_date(value: str) -> str:
    """AAAAMMJJ (LHEO) to ISO; other forms are left for the service to validate."""
    value = value.strip()
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def read_lheo(content: bytes) -> list[OfferRecord]:
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException) as error:
        raise ImportFileError(
            _("The XML file is malformed: %(error)s") % {"error": error}
        ) from error
    except (UnicodeError, LookupError, ValueError) as error:
        # LookupError: the declaration names an encoding Python does not know; ValueError:
        # one the XML parser cannot read (multi-byte encodings). Both are the file's problem.
        raise ImportFileError(
            _("The XML file has an encoding problem: %(error)s") % {"error": error}
        ) from error
    _strip_namespaces(root)
    if root.tag != "lheo":
        raise ImportFileError(_("The XML root element must be <lheo>."))
    formations = root.findall("./offres/formation")
    if not formations:
        raise ImportFileError(_("No <offres>/<formation> element found."))

    records = []
    for position, formation in enumerate(formations, start=1):
        record = OfferRecord(
            external_id=(formation.get("numero") or "").strip(),
            rows=[position],
            organisation=_text(formation, "organisme-formation-responsable/raison-sociale"),
        )
        values = {
            "title": _text(formation, "intitule-formation"),
            "summary": _text(formation, "objectif-formation"),
            "description": _text(formation, "contenu-formation"),
            "certification": _text(formation, "resultats-attendus"),
        }
        certifying = _text(formation, "certifiante") == "1"
        actions = formation.findall("action")
        first = actions[0] if actions else None
        values["modality"] = LHEO_MODALITY.get(_text(first, "modalites-enseignement"), "")
        values["prerequisites"] = _text(first, "conditions-specifiques")
        values["registration_url"] = _text(first, "url-action/urlweb")
        values["duration_hours"] = _text(first, "nombre-heures-total")
        values["price"] = _text(first, "prix-total-TTC")
        language = _text(first, "langue-formation")
        if language:
            record.languages.append(language.lower()[:2])
        for action in actions:
            for session in action.findall("session"):
                city = _text(session, "adresse-inscription/adresse/ville") or _text(
                    session, "lieu-de-formation/coordonnees/adresse/ville"
                )
                record.sessions.append(
                    SessionRecord(
                        external_id=(session.get("numero") or "").strip(),
                        start_date=_lheo_date(_text(session, "periode/debut")),
                        end_date=_lheo_date(_text(session, "periode/fin")),
                        commune=city,
                        status=LHEO_RECRUITMENT.get(_text(session, "etat-recrutement"), ""),
                        registration_deadline=_lheo_date(
                            _text(session, "extras/extra[@info='date-limite-inscription']")
                        ),
                        seats=_text(session, "extras/extra[@info='places']"),
                        schedule=_text(session, "extras/extra[@info='horaire']"),
                    )
                )
        for extra in formation.findall("extras/extra"):
            info, value = extra.get("info", ""), " ".join("".join(extra.itertext()).split())
            if info in EXTRA_LISTS:
                getattr(record, EXTRA_LISTS[info]).append(value)
            elif info in {"format", "eqf_level", "is_free", "plain_language_summary"}:
                values[info] = value
        if not values.get("format"):
            values["format"] = "certifying" if certifying else "short"
        record.values = values
        records.append(record)
    return records
