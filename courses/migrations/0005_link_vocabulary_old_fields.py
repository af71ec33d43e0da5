"""Offer links speak the vocabulary postings speak, step 3 of 3: the old fields go (the free-text
`evidence` too: screens derive it from `spans`), with the constraint and index they had."""

from django.db import migrations, models


def old_fields_removed(model_name):
    return [
        migrations.RemoveField(model_name=model_name, name=name)
        for name in ("confidence", "confirmed", "evidence", "rejected", "source")
    ]


def status_valid(model_name):
    return migrations.AddConstraint(
        model_name=model_name,
        constraint=models.CheckConstraint(
            condition=models.Q(("status__in", ["suggested", "confirmed", "rejected"])),
            name=f"courses_{model_name}_status_valid",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0004_link_vocabulary_data")]

    operations = [
        migrations.RemoveConstraint(model_name="offeroccupation", name="offer_occupation_not_both"),
        migrations.RemoveConstraint(model_name="offerskill", name="offer_skill_not_both"),
        migrations.RemoveIndex(model_name="offeroccupation", name="courses_off_occupat_834578_idx"),
        migrations.RemoveIndex(model_name="offerskill", name="courses_off_skill_i_58e7bb_idx"),
        *old_fields_removed("offerskill"),
        *old_fields_removed("offeroccupation"),
        migrations.AlterModelOptions(
            name="offeroccupation",
            options={
                "ordering": ["-score", "id"],
                "verbose_name": "target occupation",
                "verbose_name_plural": "target occupations",
            },
        ),
        migrations.AlterModelOptions(
            name="offerskill",
            options={
                "ordering": ["relation", "-score", "id"],
                "verbose_name": "skill taught",
                "verbose_name_plural": "skills taught",
            },
        ),
        migrations.AddIndex(
            model_name="offeroccupation",
            index=models.Index(
                fields=["occupation", "status"], name="courses_off_occupat_e9a0c0_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="offerskill",
            index=models.Index(fields=["skill", "status"], name="courses_off_skill_i_2ef3c2_idx"),
        ),
        status_valid("offeroccupation"),
        status_valid("offerskill"),
    ]
