"""POST data for the Wagtail offer editor, built from an existing offer."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text


def offer_edit_post_data(offer, **overrides) -> dict:
    sessions = [
        {
            "id": str(s.pk),
            "start_date": s.start_date.isoformat(),
            "end_date": s.end_date.isoformat() if s.end_date else "",
            "schedule": s.schedule,
            "status": s.status,
            "location": s.location,
            "commune": s.commune,
            "province": s.province,
            "seats": str(s.seats or ""),
            "registration_deadline": (
                s.registration_deadline.isoformat() if s.registration_deadline else ""
            ),
            "external_id": s.external_id,
        }
        for s in offer.sessions.all()
    ]
    places = [
        {"id": str(p.pk), "commune": p.commune, "province": p.province} for p in offer.places.all()
    ]
    data = {
        "title": offer.title,
        "slug": offer.slug,
        "summary": offer.summary,
        "description": rich_text(overrides.pop("description_html", "<p>Description.</p>")),
        "plain_language_summary": offer.plain_language_summary,
        "format": offer.format,
        "modality": offer.modality,
        "eqf_level": str(offer.eqf_level or ""),
        "duration_hours": str(offer.duration_hours or ""),
        "prerequisites": offer.prerequisites,
        "certification": offer.certification,
        "price": str(offer.price if offer.price is not None else ""),
        "registration_url": offer.registration_url,
        "keywords": "",
        "sessions": inline_formset(sessions, initial=len(sessions)),
        "places": inline_formset(places, initial=len(places)),
        "external_id": offer.external_id,
        "comments": inline_formset([]),
    }
    data.update(overrides)
    post = nested_form_data(data)
    post["languages"] = offer.languages or ["fr"]
    if offer.is_free:
        post["is_free"] = "on"
    return post
