"""Builders for the public site's pages."""

from wagtail.models import Page, Site

from cms.models import HomePage


def make_home_page() -> HomePage:
    """A live home page under Wagtail's root, served as the default site (which Wagtail's
    migrations create, pointing at their welcome page)."""
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Accueil", slug="accueil"))
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return home
