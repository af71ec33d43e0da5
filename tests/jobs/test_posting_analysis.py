"""How a posting is read: its occupation first, then its skills with the occupation's as a prior."""

import pytest

from jobs.ingestion.prepare import (
    CONFIDENT_OCCUPATION_SCORE,
    SKILL_TOP_K,
    analyse,
    load_extractor,
    parse_text,
    posting_occupations,
)

pytestmark = pytest.mark.django_db

TEXT = (
    "Notre agence liégeoise recherche un développeur web pour créer des sites et des "
    "applications web. Vous utilisez JavaScript, HTML et CSS, vous concevez des bases de "
    "données et vous testez votre code. Développer des interfaces ; assurer la maintenance. "
    "Vous travaillez en équipe avec nos graphistes et nos chefs de projet, sur des projets "
    "variés pour des clients de toute la Wallonie."
)
NEED = "On cherche un développeur web pour refaire le site de notre boulangerie à Ciney."


def stored(analysis):
    return [(uri, score) for uri, score, _spans, _method in analysis.skills]


def extracted(extractor, title, *, occupations):
    body = parse_text(title, TEXT)
    found = extractor.extract(body, lang="fr", top_k=SKILL_TOP_K, occupations=occupations)
    return [(match.uri, match.score) for match in found]


def test_a_title_naming_an_occupation_is_the_prior_of_the_text():
    extractor = load_extractor()
    title = "Développeur web (H/F)"
    found = posting_occupations(extractor, title=title, text=TEXT)
    assert found and found[0].score >= CONFIDENT_OCCUPATION_SCORE
    analysis = analyse(extractor, title=title, text=TEXT, language="fr")
    assert analysis.occupations[0][0] == found[0].uri
    assert stored(analysis) == extracted(extractor, title, occupations=[found[0].uri])
    assert stored(analysis) != extracted(extractor, title, occupations=[])


def test_a_title_naming_no_occupation_gives_no_prior():
    extractor = load_extractor()
    title = "Qxzw 42"
    found = posting_occupations(extractor, title=title, text=TEXT)
    assert not found or found[0].score < CONFIDENT_OCCUPATION_SCORE
    analysis = analyse(extractor, title=title, text=TEXT, language="fr")
    assert stored(analysis) == extracted(extractor, title, occupations=[])


def test_a_need_gets_no_prior():
    """A need's title is rarely a job title: its few lines are read on their own."""
    extractor = load_extractor()
    title = "Développeur web (H/F)"
    assert len(parse_text(title, NEED)) <= extractor.calibration.need_max_chars
    found = posting_occupations(extractor, title=title, text=NEED)
    analysis = analyse(extractor, title=title, text=NEED, language="fr")
    body = parse_text(title, NEED)
    plain = extractor.extract(body, lang="fr", top_k=SKILL_TOP_K)
    assert found and found[0].score >= CONFIDENT_OCCUPATION_SCORE
    assert stored(analysis) == [(match.uri, match.score) for match in plain]
