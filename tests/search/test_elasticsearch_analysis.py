"""Synonym rules generated from the taxonomy, and the analyzers that carry them."""

from __future__ import annotations

import pytest

from search.analysis import (
    SynonymSource,
    build_analyzers,
    clean_label,
    skill_synonym_rules,
    synonym_rules,
)
from skills.models import Skill, SkillSynonym


class TestSynonymRules:
    def test_esco_labels_of_a_skill_are_one_equivalence_rule_folded(self):
        rules = synonym_rules(
            [SynonymSource(esco=("Développement Web", "développement de sites web", "dev web"))],
            max_rules=10,
        )
        assert rules == ["developpement web, developpement de sites web, dev web"]

    def test_curated_labels_map_one_way_to_the_preferred_label(self):
        """Two tools of one skill must not become synonyms of each other."""
        rules = synonym_rules(
            [SynonymSource(esco=("graphiques animés",), curated=("After Effects", "Motion"))],
            max_rules=10,
        )
        assert rules == [
            "after effects => after effects, graphiques animes",
            "motion => motion, graphiques animes",
        ]

    def test_short_esco_labels_are_dropped_but_short_curated_ones_kept(self):
        rules = synonym_rules(
            [SynonymSource(esco=("expérience utilisateur", "XP"), curated=("UX",))], max_rules=9
        )
        assert rules == ["ux => ux, experience utilisateur"]

    def test_reserved_characters_and_long_labels_do_not_reach_the_rules(self):
        long_label = "concevoir des interfaces pour des applications web et mobiles accessibles"
        rules = synonym_rules(
            [SynonymSource(esco=("C#, .NET", "dotnet => net", long_label))], max_rules=9
        )
        assert rules == ["c .net, dotnet net"]
        assert clean_label("a # b \\ c") == "a b c"

    def test_a_skill_with_one_usable_label_and_no_curated_one_gives_no_rule(self):
        assert synonym_rules([SynonymSource(esco=("soudure", "so"))], max_rules=9) == []

    def test_cap_keeps_curated_rules_first(self):
        sources = [
            SynonymSource(esco=("soudure", "soudage")),
            SynonymSource(esco=("modélisation 3D",), curated=("3D",)),
        ]
        assert synonym_rules(sources, max_rules=1) == ["3d => 3d, modelisation 3d"]

    def test_duplicate_rules_are_written_once(self):
        source = SynonymSource(esco=("soudure", "soudage"))
        assert synonym_rules([source, source], max_rules=9) == ["soudure, soudage"]


@pytest.mark.django_db
class TestRulesFromTheDatabase:
    def test_rules_come_from_linked_skills_and_curated_synonyms_in_the_language(self):
        taught, curated_only, untouched = Skill.objects.order_by("pk")[:3]
        taught.alt_labels_fr = ["alternative enseignée"]
        taught.save()
        untouched.alt_labels_fr = ["jamais vue"]
        untouched.save()
        SkillSynonym.objects.create(skill=curated_only, label="Outil-X", language="")
        SkillSynonym.objects.create(skill=curated_only, label="english only", language="en")
        SkillSynonym.objects.create(
            skill=curated_only, label="Tableau", language="", requires_context=True
        )
        rules = skill_synonym_rules(skill_ids=[taught.pk], language="fr")
        target = clean_label(curated_only.preferred_label_fr)
        assert rules[0] == f"outil-x => outil-x, {target}"
        assert f"{clean_label(taught.preferred_label_fr)}, alternative enseignee" in rules
        assert not any("jamais vue" in rule for rule in rules)
        assert not any("english only" in rule or "tableau" in rule for rule in rules)
        english = skill_synonym_rules(skill_ids=[], language="en")
        assert any(rule.startswith("english only => ") for rule in english)


class TestAnalyzers:
    def test_french_search_analyzer_expands_synonyms_before_stemming(self):
        analyzers = {
            a._name: a.get_definition()
            for a in build_analyzers(
                synonyms_fr=["ux => ux, experience utilisateur"], synonyms_en=[]
            )
        }
        assert analyzers["french_text"]["filter"] == [
            "french_elision",
            "lowercase",
            "asciifolding",
            "french_stop",
            "french_stemmer",
        ]
        # Synonyms before stop words: a rule like "gestion de projet" keeps its "de" to parse.
        assert analyzers["french_search"]["filter"] == [
            "french_elision",
            "lowercase",
            "asciifolding",
            "skill_synonyms_fr",
            "french_stop",
            "french_stemmer",
        ]
        # No English rules: no empty synonym filter.
        assert "skill_synonyms_en" not in analyzers["english_search"]["filter"]
