"""Builders for the public site's pages."""

from wagtail.models import Page, Site

from cms.models import HomePage


def make_home_page() -> HomePage:
    """A live home page under Wagtail's root, served as the default site (which Wagtail's
    migrations create, pointing at their welcome page)."""
    home = Page.get_first_root_node().add_child(instance=HomePage(title="Accueil", slug="accueil"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()  # not a queryset update: saving clears Wagtail's cache of site root paths
    return home
