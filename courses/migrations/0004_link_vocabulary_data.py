"""Offer links speak the vocabulary postings speak, step 2 of 3: the new fields filled from the
old ones.

`confirmed`/`rejected` become one `status`, `source` becomes `method`, `confidence` becomes
`score` (1 for the links people made, which had none), and each link records the ESCO version of
its concept.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery

LINKS = [("OfferSkill", "skill", "Skill"), ("OfferOccupation", "occupation", "Occupation")]
OLD_SOURCES = ["manual", "extracted", "imported"]


def to_status(apps, schema_editor):
    for model_name, concept_field, concept_model in LINKS:
        Link = apps.get_model("courses", model_name)
        Concept = apps.get_model("skills", concept_model)
        # The old check constraint forbade confirmed and rejected together.
        Link.objects.filter(confirmed=True).update(status="confirmed")
        Link.objects.filter(rejected=True).update(status="rejected")
        Link.objects.update(method=F("source"))
        Link.objects.filter(confidence__isnull=False).update(score=F("confidence"))
        concept = Concept.objects.filter(pk=OuterRef(f"{concept_field}_id"))
        Link.objects.update(esco_version=Subquery(concept.values("esco_version")[:1]))


def to_booleans(apps, schema_editor):
    for model_name, _concept_field, _concept_model in LINKS:
        Link = apps.get_model("courses", model_name)
        Link.objects.filter(status="confirmed").update(confirmed=True)
        Link.objects.filter(status="rejected").update(rejected=True)
        Link.objects.filter(method__in=OLD_SOURCES).update(source=F("method"))
        Link.objects.exclude(method__in=OLD_SOURCES).update(source="extracted")
        Link.objects.update(confidence=F("score"))


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_link_vocabulary_fields")]

    operations = [migrations.RunPython(to_status, to_booleans)]
