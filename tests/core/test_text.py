"""`core.text.fold`: the short path and the vectorised path for long texts agree."""

import unicodedata

import pytest

from core.text import fold


def _reference_fold(text: str) -> str:
    """The definition: NFKD, combining marks dropped, case folded, white space collapsed."""
    for apostrophe in "’‘ʼ`´":
        text = text.replace(apostrophe, "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("repeat", [1, 50])  # 50 copies take the long-text path
@pytest.mark.parametrize(
    "text",
    [
        "  Développeur  d’Applications ",
        "Ça coûte 5 € — naïve Œuvre, ﬁchier ＡＢＣ",
        "Gestion\u0301 de proje\u0300t\tà Liège\n",
        "Straße İstanbul ǅ",
        "broken \ud800 surrogate",
    ],
)
def test_fold_is_the_same_on_short_and_long_texts(text, repeat):
    assert fold(text * repeat) == _reference_fold(text * repeat)


def test_fold_examples():
    assert fold("  Développeur  d’Applications ") == "developpeur d'applications"
    assert fold("é" * 500) == "e" * 500
    assert fold("") == ""
