"""Export the cadastre (or a filtered part) as CSV, XLSX, JSON or LHEO-style XML.

Only live, public offers and their confirmed skill and occupation links are exported. CSV and
XLSX use the import template's columns (one row per session) plus provider columns, so an
export of one provider can be re-imported; the XML is the LHEO subset the importer reads.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

from core.tabular import spreadsheet_cell
from courses.importing.csv_reader import COLUMNS, LIST_SEPARATOR
from courses.selectors import offer_list, with_public_links

EXPORT_FORMATS = ("csv", "xlsx", "json", "xml")
PROVIDER_COLUMNS = ["provider", "provider_name", "provider_commune", "provider_province", "url"]
EXPORT_COLUMNS = PROVIDER_COLUMNS + COLUMNS
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "xml": "application/xml",
}
LHEO_NAMESPACE = "http://lheo.gouv.fr/2.3"
MODALITY_TO_LHEO = {"on-site": "0", "alternance": "0", "hybrid": "1", "distance": "2"}
STATUS_TO_LHEO = {"open": "1", "full": "2", "cancelled": "3"}


def offers_for_export(*, province=None, provider=None, skill=None, format=None):
    """Live public offers matching the filters, with everything the exporters read prefetched."""
    return with_public_links(
        offer_list(province=province, provider=provider, skill=skill, format=format)
    ).prefetch_related("funding_schemes", "tagged_items__tag")


def _date(value) -> str:
    return value.isoformat() if value else ""


def offer_document(offer) -> dict:
    provider = offer.provider
    return {
        "external_id": offer.external_id,
        "title": offer.title,
        "summary": offer.summary,
        "description": offer.description,
        "plain_language_summary": offer.plain_language_summary,
        "format": offer.format,
        "modality": offer.modality,
        "eqf_level": offer.eqf_level,
        "duration_hours": offer.duration_hours,
        "languages": list(offer.languages),
        "audiences": list(offer.audiences),
        "prerequisites": offer.prerequisites,
        "certification": offer.certification,
        "price": str(offer.price) if offer.price is not None else None,
        "is_free": offer.is_free,
        "funding": sorted(scheme.slug for scheme in offer.funding_schemes.all()),
        "registration_url": offer.registration_url,
        "registration_email": offer.registration_email,
        "registration_phone": offer.registration_phone,
        "keywords": sorted(item.tag.name for item in offer.tagged_items.all()),
        "skills": [
            {"uri": link.skill.uri, "label": link.skill.label(), "relation": link.relation}
            for link in offer.public_skill_links
        ],
        "occupations": [
            {"uri": link.occupation.uri, "label": link.occupation.label()}
            for link in offer.public_occupation_links
        ],
        "provider": {
            "slug": provider.slug,
            "name": provider.title,
            "kind": provider.kind,
            "commune": provider.commune,
            "province": provider.province,
        }
        if provider
        else None,
        "url": offer.full_url or "",
        "is_demo": offer.is_demo,
        "sessions": [
            {
                "id": session.external_id,
                "start": _date(session.start_date),
                "end": _date(session.end_date),
                "schedule": session.schedule,
                "location": session.location,
                "commune": session.commune,
                "province": session.province,
                "seats": session.seats,
                "seats_left": session.seats_left,
                "status": session.status,
                "registration_deadline": _date(session.registration_deadline),
            }
            for session in offer.sessions.all()
        ],
    }


def offer_rows(offers) -> list[dict]:
    """Flat rows in the import template's columns (plus provider columns), one per session."""
    rows = []
    for offer in offers:
        doc = offer_document(offer)
        base = {
            "provider": doc["provider"]["slug"] if doc["provider"] else "",
            "provider_name": doc["provider"]["name"] if doc["provider"] else "",
            "provider_commune": doc["provider"]["commune"] if doc["provider"] else "",
            "provider_province": doc["provider"]["province"] if doc["provider"] else "",
            "url": doc["url"],
        }
        for column in COLUMNS:
            value = doc.get(column)
            if column in ("skills", "occupations"):
                value = LIST_SEPARATOR.join(item["uri"] for item in value)
            elif isinstance(value, list):
                value = LIST_SEPARATOR.join(value)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            if not column.startswith("session_"):
                base[column] = "" if value is None else str(value)
        sessions = doc["sessions"] or [None]
        for session in sessions:
            row = dict(base)
            for key in (
                "id",
                "start",
                "end",
                "schedule",
                "location",
                "commune",
                "province",
                "seats",
                "seats_left",
                "status",
                "registration_deadline",
            ):
                value = session.get(key) if session else ""
                row[f"session_{key}"] = "" if value is None else str(value)
            rows.append(row)
    return rows


def export_csv(offers) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in offer_rows(offers):
        writer.writerow({column: spreadsheet_cell(value) for column, value in row.items()})
    # A BOM so spreadsheet software opens the UTF-8 correctly; the importer accepts it.
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(offers) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("offres")
    sheet.append(EXPORT_COLUMNS)
    for row in offer_rows(offers):
        sheet.append([_text_cell(sheet, row[column], WriteOnlyCell) for column in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str, cell_class):
    """A string cell: openpyxl stores any string starting with "=" as a live formula."""
    cell = cell_class(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_json(offers) -> bytes:
    documents = [offer_document(offer) for offer in offers]
    payload = {"count": len(documents), "offers": documents}
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def _sub(parent, tag: str, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{LHEO_NAMESPACE}}}{tag}", attributes)
    if text not in (None, ""):
        element.text = str(text)
    return element


def _lheo_date(value: str) -> str:
    return value.replace("-", "") if value else ""


def export_lheo(offers) -> bytes:
    ET.register_namespace("", LHEO_NAMESPACE)
    root = ET.Element(f"{{{LHEO_NAMESPACE}}}lheo")
    offres = _sub(root, "offres")
    for offer in offers:
        doc = offer_document(offer)
        formation = _sub(offres, "formation", numero=doc["external_id"] or f"page-{offer.pk}")
        _sub(formation, "intitule-formation", doc["title"])
        _sub(formation, "objectif-formation", doc["summary"])
        _sub(formation, "contenu-formation", doc["description"])
        _sub(formation, "resultats-attendus", doc["certification"])
        _sub(formation, "certifiante", "1" if doc["format"] == "certifying" else "0")
        action = _sub(formation, "action", numero="1")
        _sub(action, "modalites-enseignement", MODALITY_TO_LHEO.get(doc["modality"], "0"))
        _sub(action, "conditions-specifiques", doc["prerequisites"])
        if doc["registration_url"]:
            _sub(_sub(action, "url-action"), "urlweb", doc["registration_url"])
        _sub(action, "nombre-heures-total", doc["duration_hours"])
        _sub(action, "prix-total-TTC", doc["price"])
        for language in doc["languages"][:1]:
            _sub(action, "langue-formation", language)
        for session in doc["sessions"]:
            element = _sub(action, "session", numero=session["id"] or "")
            periode = _sub(element, "periode")
            _sub(periode, "debut", _lheo_date(session["start"]))
            _sub(periode, "fin", _lheo_date(session["end"]))
            if session["commune"]:
                address = _sub(_sub(element, "adresse-inscription"), "adresse")
                _sub(address, "ville", session["commune"])
            _sub(element, "etat-recrutement", STATUS_TO_LHEO.get(session["status"], "1"))
            extras = _sub(element, "extras")
            if session["registration_deadline"]:
                _sub(
                    extras,
                    "extra",
                    _lheo_date(session["registration_deadline"]),
                    info="date-limite-inscription",
                )
            if session["seats"]:
                _sub(extras, "extra", session["seats"], info="places")
            _sub(extras, "extra", session["schedule"], info="horaire")
        if doc["provider"]:
            responsible = _sub(formation, "organisme-formation-responsable")
            _sub(responsible, "raison-sociale", doc["provider"]["name"])
        extras = _sub(formation, "extras")
        _sub(extras, "extra", doc["format"], info="format")
        if doc["eqf_level"]:
            _sub(extras, "extra", doc["eqf_level"], info="eqf_level")
        _sub(extras, "extra", "yes" if doc["is_free"] else "no", info="is_free")
        for audience in doc["audiences"]:
            _sub(extras, "extra", audience, info="audience")
        for slug in doc["funding"]:
            _sub(extras, "extra", slug, info="funding")
        for keyword in doc["keywords"]:
            _sub(extras, "extra", keyword, info="keyword")
        for skill in doc["skills"]:
            _sub(extras, "extra", skill["uri"], info="esco-skill")
        for occupation in doc["occupations"]:
            _sub(extras, "extra", occupation["uri"], info="esco-occupation")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


EXPORTERS = {"csv": export_csv, "xlsx": export_xlsx, "json": export_json, "xml": export_lheo}


def offers_export(*, fmt: str, **filters) -> bytes:
    """Serialise the filtered cadastre in `fmt` (one of EXPORT_FORMATS)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
    return EXPORTERS[fmt](offers_for_export(**filters))
