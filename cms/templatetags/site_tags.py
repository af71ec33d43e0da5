"""The site's editable navigation (`NavigationMenu` snippets) in the active language."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant

from cms.models import NavigationMenu, SiteSettings

register = template.Library()


def _menus(request) -> dict[str, dict[str, NavigationMenu]]:
    """Every menu by slot and language, read once per request (one query for both slots)."""
    cached = getattr(request, "_site_menus", None)
    if cached is not None:
        return cached
    menus: dict[str, dict[str, NavigationMenu]] = {}
    for menu in NavigationMenu.objects.select_related("locale"):
        menus.setdefault(menu.slot, {})[menu.locale.language_code] = menu
    if request is not None:
        request._site_menus = menus
    return menus


@register.simple_tag(takes_context=True)
def site_menu(context, slot: str) -> list[dict] | None:
    """The links of the menu for `slot` ("main", "footer") in the active language, else in
    French, each as {label, url, current}; None when no menu exists (the built-in links then)."""
    try:
        language = get_supported_content_language_variant(translation.get_language() or "")
    except LookupError:
        language = None
    request = context.get("request")
    menus = _menus(request).get(slot, {})
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    menu = menus.get(language) or menus.get(default)
    if menu is None:
        return None
    path = request.path if request is not None else ""
    links = []
    for item in menu.items.select_related("page__locale").order_by("sort_order"):
        if item.page is None:
            url = item.link_url
        elif item.page.locale.language_code == language:
            url = item.page.url or ""  # already the page in this language: no lookup
        else:
            url = item.url
        current = bool(url) and url.rstrip("/") not in {"", "/en"} and path.startswith(url)
        links.append({"label": item.label, "url": url, "current": current})
    return links


@register.simple_tag(takes_context=True)
def site_settings(context) -> SiteSettings | None:
    """The site settings, or None before anyone saved them. Read once per request, and never
    written here (Wagtail's `load()` would create the row on a page view)."""
    request = context.get("request")
    if request is not None and hasattr(request, "_site_settings"):
        return request._site_settings
    found = SiteSettings.objects.order_by("pk").first()
    if request is not None:
        request._site_settings = found
    return found
