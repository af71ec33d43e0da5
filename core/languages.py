"""Languages: the one list of language codes, and the language a request is answered in.

The site speaks French first and English beside (`fr` at the root, `en` under `/en/`);
offers may be taught in any of the four languages below. Taxonomy labels, synonyms and
postings are French or English only (`TAXONOMY_LANGUAGES`).
"""

from __future__ import annotations

from django.db import models
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
