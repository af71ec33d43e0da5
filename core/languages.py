"""Languages: the one list of language codes, and the language a request is answered in.

The site speaks French first and English beside (`fr` at the root, `en` under `/en/`);
offers may be taught in any of the four languages below. Taxonomy labels, synonyms and
postings are French or English only (`TAXONOMY_LANGUAGES`).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")
    NL = "nl", _("Dutch")
    DE = "de", _("German")


TAXONOMY_LANGUAGES = (Language.FR, Language.EN)
TAXONOMY_LANGUAGE_CHOICES = [(str(lang), lang.label) for lang in TAXONOMY_LANGUAGES]


def active_language(language: str | None = None) -> str:
    """ "en" or "fr": the given code, else the active translation, French when neither is
    English (`"en-gb"` is English, `"nl"` falls back to French, the site's first language)."""
    code = (language or get_language() or "fr")[:2]
    return "en" if code == "en" else "fr"


def path_in_language(url: str, language: str | None = None) -> str:
    """`url`, a path of the site as the default language serves it (French, at the root), as
    `language` serves it (the active language when not given): `/organismes/x/` becomes
    `/en/organismes/x/` in English.

    For paths stored once for every language, such as an offer's URL in the search index.
    Django's `translate_url` cannot do this: it resolves the path in the *active* language,
    where a French path does not resolve. A path that does not resolve is returned unchanged.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return url
    with translation.override(settings.LANGUAGE_CODE):
        try:
            match = resolve(parts.path)
        except Resolver404:
            return url
    language = language or get_language() or settings.LANGUAGE_CODE
    if language[:2] == settings.LANGUAGE_CODE[:2]:
        language = settings.LANGUAGE_CODE  # "fr" would reverse to /fr/…; "fr-be" to the root
    with translation.override(language):
        path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    return urlunsplit(parts._replace(path=path))
