from django import template
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html

from core.html import sanitise_html
from core.languages import path_in_language

register = template.Library()


@register.filter
def safe_richtext(value) -> str:
    """Wagtail's `|richtext` (internal links expanded), then the platform's sanitiser.

    `|richtext` trusts what is stored; rich text that can come from an import must not be
    trusted, even if it was stored before the importer sanitised it.
    """
    source = getattr(value, "source", value) or ""
    return mark_safe(sanitise_html(expand_db_html(str(source))))


# Open Graph locales of the site's two languages (Belgian French, English).
OG_LOCALES = {"fr": "fr_BE", "en": "en_GB"}
SITE_NAME = "wake! for skills"


@register.simple_tag(takes_context=True)
def social_meta(context, *, title, description="", kind="website", image_url="", image_alt=""):
    """Open Graph and Twitter card tags for a page shared on a social network or a chat: its
    title, description, canonical URL (the path, without query), type, locale with the other
    language as an alternate, and an image when the page has one (`summary_large_image` then,
    else a plain `summary` card). Relative URLs are made absolute: scrapers need absolute ones.
    """
    from django.utils.html import format_html_join, strip_tags
    from django.utils.text import Truncator
    from django.utils.translation import get_language

    request = context.get("request")

    def absolute(url: str) -> str:
        return request.build_absolute_uri(url) if request is not None and url else url

    language = (get_language() or "fr")[:2]
    locale = OG_LOCALES.get(language, OG_LOCALES["fr"])
    text = Truncator(" ".join(strip_tags(str(description or "")).split())).chars(200)
    title = str(title)
    tags = [
        ("property", "og:site_name", SITE_NAME),
        ("property", "og:type", kind),
        ("property", "og:title", title),
        ("property", "og:description", text),
        ("property", "og:url", absolute(request.path) if request is not None else ""),
        ("property", "og:locale", locale),
        *[
            ("property", "og:locale:alternate", other)
            for other in OG_LOCALES.values()
            if other != locale
        ],
    ]
    if image_url:
        tags.append(("property", "og:image", absolute(image_url)))
        if image_alt:
            tags.append(("property", "og:image:alt", str(image_alt)))
    tags += [
        ("name", "twitter:card", "summary_large_image" if image_url else "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", text),
    ]
    if image_url:
        tags.append(("name", "twitter:image", absolute(image_url)))
    return format_html_join("\n  ", '<meta {}="{}" content="{}">', tags)


@register.filter
def in_current_language(url: str) -> str:
    """A site path stored as the default language serves it, as the current language serves
    it (`core.languages.path_in_language`): search hits link to the English page on /en/."""
    return path_in_language(url) if url else url
