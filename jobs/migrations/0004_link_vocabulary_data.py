"""Posting links speak the vocabulary offers speak, step 2 of 3: the new fields filled from the
old one; and postings leave Wagtail's search index.

`confirmed` becomes `status` (confirmed, else suggested) and each link records the ESCO version
of its concept. Postings are no longer indexed by Wagtail (see `JobPosting`): the entries that
postings saved one by one (portal, admin) had left there, which nothing would ever update or
remove, are dropped.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery

LINKS = [
    ("PostingSkill", "skill", "Skill"),
    ("PostingOccupation", "occupation", "Occupation"),
]


def to_status(apps, schema_editor):
    for model_name, concept_field, concept_model in LINKS:
        Link = apps.get_model("jobs", model_name)
        Concept = apps.get_model("skills", concept_model)
        Link.objects.filter(confirmed=True).update(status="confirmed")
        concept = Concept.objects.filter(pk=OuterRef(f"{concept_field}_id"))
        Link.objects.update(esco_version=Subquery(concept.values("esco_version")[:1]))


def to_confirmed(apps, schema_editor):
    for model_name, _concept_field, _concept_model in LINKS:
        Link = apps.get_model("jobs", model_name)
        Link.objects.filter(status="confirmed").update(confirmed=True)


def drop_posting_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    content_type = ContentType.objects.filter(app_label="jobs", model="jobposting").first()
    if content_type is not None:
        IndexEntry.objects.filter(content_type=content_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("jobs", "0003_link_vocabulary_fields"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RunPython(to_status, to_confirmed),
        migrations.RunPython(drop_posting_entries, migrations.RunPython.noop),
    ]
