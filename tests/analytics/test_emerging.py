"""Emerging terms on a tiny corpus, and the curators' decisions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from analytics import selectors
from analytics.models import EmergingTermDecision
from analytics.services.compute import analytics_compute
from analytics.services.emerging import (
    candidate_terms,
    covered_keys,
    emerging_term_accept_synonym,
    emerging_term_reject,
    phrase_key,
    phrases,
)
from skills.models import SkillSynonym
from tests.analytics.conftest import MONTH, make_posting, make_skill

OLD = "Nous recherchons un développeur web. Vous maîtrisez la gestion de projet."
NEW = OLD + " Vous maîtrisez l'IA générative et ComfyUI."


def corpus():
    """Four months of 10 postings: the first two months say OLD, the last two NEW."""
    sample = []
    for month in range(4):
        for n in range(10):
            sample.append((month * 100 + n, month, NEW if month >= 2 else OLD))
    return sample


def candidates(**overrides):
    options = {
        "covered": covered_keys(["développeur web", "gestion de projets", "maîtriser"]),
        "decided": set(),
        "months": 4,
        "recent_months": 2,
        "min_postings": 3,
        "min_growth": 1.5,
        "max_terms": 20,
        "examples": 3,
    }
    return candidate_terms(corpus(), **(options | overrides))


class TestPhrases:
    def test_phrases_keep_linking_words_inside_and_stop_at_sentences(self):
        found = phrases("La gestion de projet. Design génératif")
        assert "gestion de projet" in found
        assert "de projet" not in found
        assert "projet design" not in found  # across the full stop

    def test_a_label_covers_its_plural_and_folded_forms(self):
        keys = covered_keys(["gestion de projets"])
        assert phrase_key("Gestion de projet") in keys
        assert phrase_key("gestion") in keys
        assert phrase_key("IA générative") not in keys


class TestCandidates:
    def test_rising_uncovered_phrases_are_proposed_with_recent_examples(self):
        terms = {c["term"]: c for c in candidates()}
        assert "ia générative" in terms and "comfyui" in terms
        assert not {"développeur web", "gestion de projet", "recherchons"} & set(terms)
        rising = terms["ia générative"]
        assert (rising["recent_share"], rising["previous_share"]) == (1.0, 0.0)
        assert rising["trend"] > 0
        assert rising["example_posting_ids"] == [309, 308, 307]

    def test_phrases_of_the_same_postings_share_a_cluster(self):
        terms = {c["term"]: c for c in candidates()}
        assert terms["ia générative"]["cluster"] == terms["comfyui"]["cluster"]

    def test_decided_terms_and_rare_terms_are_left_out(self):
        assert "comfyui" not in {c["term"] for c in candidates(decided={"comfyui"})}
        assert candidates(min_postings=30) == []


@pytest.mark.django_db
class TestDecisions:
    def test_accepting_a_synonym_writes_it_and_takes_the_term_off_the_queue(self):
        skill = make_skill("utiliser des outils d'IA")
        emerging_term_accept_synonym(term="ia générative", skill=skill, language="fr")
        assert SkillSynonym.objects.filter(skill=skill, label="ia générative").exists()
        with pytest.raises(ValidationError):
            emerging_term_reject(term="ia générative")

    def test_a_rejected_term_is_not_proposed_again(self, settings):
        settings.ANALYTICS_MIN_CELL_VOLUME = 1
        for _n in range(6):  # a year earlier, without the term
            make_posting(text="Vous maîtrisez Photoshop.", posted_on=MONTH.replace(year=2025))
        for _n in range(9):
            make_posting(text="Vous maîtrisez ComfyUI.", posted_on=MONTH)
        analytics_compute()
        assert "comfyui" in {t.term for t in selectors.emerging_terms()}
        emerging_term_reject(term="comfyui", note="un logiciel, déjà couvert")
        assert "comfyui" not in {t.term for t in selectors.emerging_terms()}
        assert EmergingTermDecision.objects.get(term="comfyui").decision == "rejected"
