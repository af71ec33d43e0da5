"""The three funding schemes every Walloon learner meets; moderators add others as snippets."""

from django.db import migrations

SCHEMES = [
    (
        "forem-gratuit",
        "Formation gratuite Forem",
        "Formation gratuite pour les demandeurs d’emploi inscrits au Forem.",
        "https://www.leforem.be/",
    ),
    (
        "cheques-formation",
        "Chèques-formation",
        "Titres cofinancés par la Wallonie pour la formation des travailleurs des PME.",
        "https://www.leforem.be/entreprises/aides-financieres-cheque-formation.html",
    ),
    (
        "conge-education-paye",
        "Congé-éducation payé",
        "Absence rémunérée du travailleur pour suivre une formation reconnue.",
        "https://emploi.wallonie.be/",
    ),
]


def create_schemes(apps, schema_editor):
    FundingScheme = apps.get_model("courses", "FundingScheme")
    for slug, name, description, url in SCHEMES:
        FundingScheme.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "url": url}
        )


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(create_schemes, migrations.RunPython.noop)]
