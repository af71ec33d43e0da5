"""Language identification restricted to French and English (py3langid, model in the package)."""

from __future__ import annotations

import re
import threading

_LOCK = threading.Lock()
_IDENTIFIER = None
_LETTERS = re.compile(r"[^\W\d_]")
# Words that settle short inputs ("Gestion de projet", "project management") where n-gram
# statistics are unreliable.
_FRENCH_HINTS = re.compile(
    r"\b(?:le|la|les|des|du|de|et|en|une?|pour|avec|dans|sur|vous|nous|est|ou|au|aux)\b|[éèêàçùôî]",
    re.IGNORECASE,
)
_ENGLISH_HINTS = re.compile(
    r"\b(?:the|and|of|to|with|for|in|on|you|we|is|are|our|your|an?)\b", re.IGNORECASE
)


def _identifier():
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            identifier.set_languages(["fr", "en"])
            _IDENTIFIER = identifier
    return _IDENTIFIER


def detect_language(text: str) -> str:
    """ "fr" or "en". French, the platform's main language, when the text gives no clue."""
    if not text or len(_LETTERS.findall(text[:200])) < 3:
        return "fr"
    if len(text) < 60:
        french = len(_FRENCH_HINTS.findall(text))
        english = len(_ENGLISH_HINTS.findall(text))
        if french != english:
            return "fr" if french > english else "en"
    lang, _score = _identifier().classify(text)
    return "en" if lang == "en" else "fr"
