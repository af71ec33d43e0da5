"""Wagtail hooks of the public site."""

from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import NavigationMenu
from cms.search_params import PRICE_BUCKETS
from courses.models import OfferIndexPage

# The offer index's old filter names, as the search names them (shared links keep working).
_LEGACY_PARAMS = {"q": "q", "province": "province", "format": "format", "modality": "modality"}


@hooks.register("before_serve_page")
def offer_index_is_the_search(page, request, serve_args, serve_kwargs):
    """The cadastre's index page (/formations/) is the learner's search: one list of offers,
    ranked, faceted, understood through the taxonomy, rather than a second listing that
    matches titles only. Its old filters (`?q=Python&province=liege&free=on`) carry over."""
    if not isinstance(page.specific, OfferIndexPage):
        return None
    params = request.GET
    target = QueryDict(mutable=True)
    for old, new in _LEGACY_PARAMS.items():
        for value in params.getlist(old):
            if value.strip():
                target.appendlist(new, value)
    if params.get("level", "").strip():
        target.appendlist("level", params["level"])
    if params.get("free") and "free" in PRICE_BUCKETS:
        target.appendlist("price", "free")
    url = reverse("search:offers")
    encoded = target.urlencode()
    return HttpResponseRedirect(f"{url}?{encoded}" if encoded else url)


class NavigationMenuViewSet(SnippetViewSet):
    """The main and footer menus, one per language (Translate makes the English one)."""

    model = NavigationMenu
    icon = "list-ul"
    menu_label = _("Navigation")
    add_to_settings_menu = True
    list_display = ["slot", "locale"]


register_snippet(NavigationMenuViewSet)
