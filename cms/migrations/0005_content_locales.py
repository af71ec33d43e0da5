"""One Wagtail locale per content language (WAGTAIL_CONTENT_LANGUAGES): Wagtail's own
migrations create only the default one (French), and the English tree needs its own."""

from django.db import migrations


def create_content_locales(apps, schema_editor):
    from wagtail.coreutils import get_content_languages

    Locale = apps.get_model("wagtailcore", "Locale")
    for language_code in get_content_languages():
        Locale.objects.get_or_create(language_code=language_code)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_merge_0002_advisor_area_0003_saved_searches"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_content_locales, migrations.RunPython.noop)]
