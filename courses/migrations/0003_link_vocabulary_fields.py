"""Offer links speak the vocabulary postings speak (`skills.links.ConceptLink`), step 1 of 3:
the new fields.

Three migrations, each its own transaction: PostgreSQL refuses to alter a table in the
transaction that updated its rows.
"""

from django.conf import settings
from django.db import migrations, models


def concept_link_fields(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="status",
            field=models.CharField(
                choices=[
                    ("suggested", "suggested"),
                    ("confirmed", "confirmed"),
                    ("rejected", "rejected"),
                ],
                default="suggested",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="score",
            field=models.FloatField(
                default=1.0,
                help_text="Confidence from 0 to 1; 1 for a link a person made.",
                verbose_name="score",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="method",
            field=models.CharField(
                blank=True,
                help_text="How the link was made: by hand, imported, or the extractor's method.",
                max_length=32,
                verbose_name="method",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="spans",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="[start, end] character offsets into the text that was analysed.",
                verbose_name="spans",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="esco_version",
            field=models.CharField(
                blank=True,
                help_text="The concept's ESCO version when the link was made.",
                max_length=16,
                verbose_name="ESCO version",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_funding_schemes"),
        ("skills", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *concept_link_fields("offerskill"),
        *concept_link_fields("offeroccupation"),
    ]
