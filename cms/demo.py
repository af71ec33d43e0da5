"""Demo site tree and accounts. Loaded first (cms comes first in the loading order below)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "wake-demo"  # documented in README.md; demo machines only


@transaction.atomic
def ensure_site() -> HomePage:
    """One HomePage under Wagtail's root, served as the default site."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="wake! for skills",
            slug="accueil",
            intro=(
                "Le cadastre dynamique de l’offre de formation en Wallonie, confronté aux "
                "besoins des employeurs, compétence par compétence."
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        # Wagtail's install creates a welcome page; the site now points at our home page.
        Page.objects.filter(depth=2).exclude(id=home.id).filter(content_type__model="page").delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="wake! for skills",
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = "wake! for skills"
        site.save()
    return home


def ensure_admin() -> None:
    User = get_user_model()
    if not User.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
        User.objects.create_superuser(
            DEMO_ADMIN_USERNAME,
            "admin@example.invalid",
            DEMO_ADMIN_PASSWORD,
            first_name="Admin",
            last_name="Démo",
        )


def load(*, stdout) -> None:
    ensure_site()
    ensure_admin()
    stdout.write("cms: site tree and demo admin account ready")
