"""The site's editable navigation (`NavigationMenu` snippets) in the active language."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant

from cms.models import NavigationMenu

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context, slot: str) -> list[dict] | None:
    """The links of the menu for `slot` ("main", "footer") in the active language, else in
    French, each as {label, url, current}; None when no menu exists (the built-in links then)."""
    try:
        language = get_supported_content_language_variant(translation.get_language() or "")
    except LookupError:
        language = None
    menus = {
        menu.locale.language_code: menu
        for menu in NavigationMenu.objects.filter(slot=slot).select_related("locale")
    }
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    menu = menus.get(language) or menus.get(default)
    if menu is None:
        return None
    request = context.get("request")
    path = request.path if request is not None else ""
    links = []
    for item in menu.items.select_related("page").order_by("sort_order"):
        url = item.url
        current = bool(url) and url.rstrip("/") not in {"", "/en"} and path.startswith(url)
        links.append({"label": item.label, "url": url, "current": current})
    return links
