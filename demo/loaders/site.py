"""The site tree and the superuser: a home page served as the default site, and `admin`."""

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage
from demo.accounts import demo_account

SITE_NAME = "wake! for skills"


@transaction.atomic
def ensure_site() -> HomePage:
    """One HomePage under Wagtail's root, served as the default site."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title=SITE_NAME,
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
            site_name=SITE_NAME,
        )
    elif site.root_page_id != home.id:
        site.root_page = home
        site.site_name = SITE_NAME
        site.save()
    return home


def load(*, stdout) -> HomePage:
    """The site tree and the `admin` superuser; returns the home page the other loaders fill."""
    home = ensure_site()
    demo_account(
        username="admin",
        email="admin@example.invalid",
        first_name="Admin",
        last_name="Démo",
        is_staff=True,
        is_superuser=True,
    )
    stdout.write("cms: site tree and demo admin account ready")
    return home
