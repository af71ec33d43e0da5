"""The extractor on the fixture slice of ESCO: normalisation, layers, explanations, limits."""

import numpy as np
import pytest
from django.utils import translation

from skills.extraction import SkillMatch
from skills.extraction.extractor import Extractor, _add_exact, _first_row_of_max
from skills.extraction.semantic import Weights
from skills.extraction.taxonomy import LANGUAGES_GROUP, load_snapshot
from skills.extraction.text import Normaliser, clean_title, sentences
from skills.models import Skill, SkillGroup
from tests.skills.factories import SkillFactory, SkillGroupFactory

JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
PHOTOSHOP = "http://data.europa.eu/esco/skill/14ced458-5f4b-495f-bd3d-9c240614bda0"
UNREAL = None  # looked up by label below: the fixture keeps the real URI
ANIMATION_PRINCIPLES = "http://data.europa.eu/esco/skill/1c00bc98-2713-4c62-82c5-6d86f2e6a4cb"


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    with django_db_blocker.unblock():
        return Extractor(load_snapshot(), fingerprint="test")


def uri_for(extractor: Extractor, label_en: str) -> str:
    for uri, (_fr, en) in zip(extractor.uris, extractor.labels, strict=True):
        if en == label_en:
            return uri
    raise AssertionError(f"{label_en!r} is not in the fixture slice")


def uris(matches: list[SkillMatch]) -> list[str]:
    return [m.uri for m in matches]


def uri_for_label(extractor: Extractor, label: str) -> str:
    return extractor.uris[[fr for fr, _en in extractor.labels].index(label)]


class TestNormaliser:
    def test_elisions_accents_and_case_are_folded(self):
        french = Normaliser("fr")
        assert french.terms("l'Animation") == french.terms("animation")
        assert french.terms("d’UX") == ["ux"]
        assert french.terms("Développeurs") == french.terms("développeur")

    def test_a_capital_letter_is_a_name_unless_elided(self):
        french = Normaliser("fr")
        assert french.terms("Permis C obligatoire") == ["perm", "c", "obligatoir"]
        assert french.terms("langage C") == french.terms("Langage C")
        assert french.terms("C'est L'entreprise") == french.terms("entreprise")
        # A label and a text read the same way, elided articles included.
        assert french.terms("utiliser des engins d’excavation") == french.terms(
            "Utiliser des engins d'excavation"
        )

    def test_french_frame_verbs_are_stop_words_as_their_english_ones_are(self):
        french = Normaliser("fr")
        # "Vous aimez…" stemmed as "aimant" (magnet) does; "êtes", "avez", "tels" are the
        # "are", "have", "such" the English list drops.
        assert french.terms("Vous aimez relever des défis") == french.terms("relever des défis")
        assert french.terms("Vous êtes autonome et avez des outils tels que Git") == (
            french.terms("autonome outils Git")
        )
        assert french.terms("aimants") != []
        assert french.terms("savoir-être") == ["savoir"]

    def test_son_is_the_sound_where_no_noun_follows_it(self):
        french = Normaliser("fr")
        # The noun: after an article, or ending its phrase (a list, a title).
        assert french.terms("prise de son") == ["pris", "son"]
        assert french.terms("Prise de son en studio")[:2] == ["pris", "son"]
        assert "son" in french.terms("ingénieur du son")
        assert "son" in french.terms("TECHNICIEN SON (H/F)")
        assert "son" in french.terms("console son, micros")
        assert "son" in french.terms("technicien son et lumière")
        assert "son" in french.terms("Maîtrise d'une console son numérique")
        # The possessive leads a noun phrase: still a stop word.
        assert french.terms("dès la prise de son poste") == ["pris", "post"]
        assert french.terms("Son équipe") == french.terms("équipe")
        assert french.terms("son propre outil") == french.terms("propre outil")
        # English has no such word to keep.
        assert Normaliser("en").terms("his son") == ["son"]

    def test_maize_is_not_the_conjunction_its_accent_aside(self):
        french = Normaliser("fr")
        assert french.terms("récolte du maïs, mais pas seulement") == ["recolt", "mais", "seul"]

    def test_french_nouns_in_aill_meet_their_verbs(self):
        french = Normaliser("fr")
        assert french.terms("travail d'équipe") == french.terms("travailler en équipe")
        assert french.terms("le détail des coûts") == french.terms("détailler les coûts")

    def test_tool_names_keep_their_signs_and_split_on_hyphens(self):
        english = Normaliser("en")
        assert english.terms("C++ and C#") == ["c++", "c#"]
        assert english.terms("After-Effects") == english.terms("after effects")

    def test_offsets_point_into_the_original_text(self):
        text = "Maîtrise d’After Effects"
        tokens = Normaliser("fr").tokens(text)
        assert [text[t.start : t.end] for t in tokens] == ["Maîtrise", "After", "Effects"]

    def test_offsets_survive_letters_that_grow_when_lower_cased(self):
        # "İ".lower() is two characters: the tokens must still point at the original text.
        text = "İstanbul: Développeur d’applications İOS"
        tokens = Normaliser("fr").tokens(text)
        assert [text[t.start : t.end] for t in tokens] == [
            "İstanbul",
            "Développeur",
            "applications",
            "İOS",
        ]

    def test_sentences_split_on_stops_bullets_and_lines(self):
        text = "Première phrase. Deuxième ?\n• puce un\n- puce deux"
        parts = [text[s:e] for s, e in sentences(text)]
        assert parts == ["Première phrase.", "Deuxième ?", "puce un", "- puce deux"]

    def test_title_noise_is_removed(self):
        assert clean_title("Développeur Web Junior (H/F/X) - CDI") == "developpeur web"


class TestExtract:
    def test_french_label_with_elision_and_accents(self, extractor):
        text = "Vous maîtrisez les principes de l’animation et Adobe Photoshop."
        found = {m.uri: m for m in extractor.extract(text, lang="fr")}
        assert PHOTOSHOP in found
        match = found[PHOTOSHOP]
        assert match.method == "label"
        start, end = match.spans[0]
        assert text[start:end] == "Adobe Photoshop"
        assert ANIMATION_PRINCIPLES in uris(extractor.rank(text, lang="fr", top_k=10))

    def test_english_tool_names(self, extractor):
        text = "Experience with Unreal Engine and JavaScript required."
        unreal = uri_for(extractor, "Unreal Engine")
        assert unreal in uris(extractor.extract(text))
        top = {m.uri: m for m in extractor.rank(text, top_k=5)}
        assert JAVASCRIPT in top
        start, end = top[JAVASCRIPT].spans[0]
        assert text[start:end] == "JavaScript"

    def test_english_tool_name_inside_french_text(self, extractor):
        found = uris(extractor.extract("Vous développez des jeux sous Unreal Engine.", lang="fr"))
        assert uri_for(extractor, "Unreal Engine") in found

    def test_mixed_languages(self, extractor):
        text = "Nous cherchons un profil créatif. Strong JavaScript skills and Adobe Photoshop."
        found = uris(extractor.extract(text))
        assert JAVASCRIPT in found and PHOTOSHOP in found

    def test_results_are_ordered_bounded_and_scored_in_unit_interval(self, extractor):
        matches = extractor.rank("conception d'interface utilisateur et JavaScript", top_k=7)
        assert 0 < len(matches) <= 7
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)

    def test_rank_ignores_threshold_and_extract_applies_it(self, extractor):
        text = "Vous concevez des interfaces pour le web."
        ranked = extractor.rank(text, top_k=20)
        assert len(ranked) == 20
        kept = extractor.extract(text, threshold=0.99)
        assert [m for m in kept if m.score < 0.99] == []
        assert len(kept) < len(ranked)

    def test_semantic_match_is_explained_by_its_sentence(self, extractor):
        text = "Vous dessinez des story-boards pour nos films animés."
        semantic = [m for m in extractor.rank(text, top_k=20) if m.method == "semantic"]
        assert semantic
        assert semantic[0].spans == ()
        assert "story-boards" in semantic[0].evidence
        with translation.override("en"):
            assert "inferred from the sentence" in semantic[0].explain()

    def test_literal_match_is_explained_by_label_and_position(self, extractor):
        match = next(
            m for m in extractor.extract("Adobe Photoshop indispensable.") if m.uri == PHOTOSHOP
        )
        with translation.override("en"):
            explanation = match.explain()
        assert "Adobe Photoshop" in explanation
        assert "0–15" in explanation

    @pytest.mark.parametrize("empty", ["", "   ", "\n\n", ".,;!", None])
    def test_empty_inputs_give_nothing(self, extractor, empty):
        assert extractor.extract(empty) == []
        assert extractor.rank(empty) == []

    def test_non_text_bytes_are_decoded_not_fatal(self, extractor):
        junk = b"\x00\xff\xfe JavaScript \x81\x82 \x00" + bytes(range(256))
        found = extractor.extract(junk)
        assert JAVASCRIPT in uris(found)

    def test_control_characters_keep_offsets(self, extractor):
        text = "\x00\x01Adobe Photoshop\x07"
        match = next(m for m in extractor.extract(text) if m.uri == PHOTOSHOP)
        assert match.spans[0] == (2, 17)

    def test_huge_input_completes_with_a_bounded_result(self, extractor):
        paragraph = (
            "Vous maîtrisez JavaScript, SQL et Adobe Photoshop. Vous concevez des interfaces "
            "utilisateur et gérez les réseaux sociaux de la marque. "
        )
        text = paragraph * (1_000_000 // len(paragraph))
        assert len(text) > 990_000
        matches = extractor.extract(text, top_k=30)
        assert 0 < len(matches) <= 30
        assert JAVASCRIPT in uris(matches)
        assert len(extractor.extract(text)) <= 200

    def test_unsupported_language_is_a_clear_error(self, extractor):
        with pytest.raises(ValueError, match="Unsupported language"):
            extractor.extract("texte", lang="de")


class TestLanguageDetection:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Vous maîtrisez la gestion de projet et le développement web.", "fr"),
            ("You master project management and web development.", "en"),
            ("Gestion de projet", "fr"),
            ("project management and the web", "en"),
            ("", "fr"),
        ],
    )
    def test_detects_french_and_english(self, extractor, text, expected):
        assert extractor.detect_language(text) == expected


class TestSurfaceLayerOnASyntheticTaxonomy:
    """Tiny hand-made taxonomies isolate one rule of the exact layer each."""

    @staticmethod
    def build(*labels: tuple[str, str]) -> Extractor:
        from skills.extraction.taxonomy import SkillRecord, SurfaceForm, TaxonomySnapshot

        snapshot = TaxonomySnapshot()
        for idx, (lang, label) in enumerate(labels):
            uri = f"http://data.europa.eu/esco/skill/test-{idx}"
            snapshot.skills.append(SkillRecord(uri, label, label, "", "", "knowledge", 0))
            snapshot.forms.append(SurfaceForm(idx, lang, label, "label", preferred=True))
        return Extractor(snapshot)

    def test_shared_stem_alone_is_weaker_than_the_word_itself(self):
        extractor = self.build(("fr", "communes"), ("fr", "gestion de projet"))

        def best_hit(text):
            return max(h.specificity for h in extractor.analyse(text, lang="fr").hits)

        # "communication" and "communes" share the stem "commun". ("Soyez", which shares
        # "soi" with "soies", is a stop word now, as "be" is in English.)
        assert best_hit("Gestion des communes rurales") > best_hit("Communication interne")

    def test_english_stem_shared_by_another_word_is_no_hit(self):
        from skills.extraction.surface import english_inflection_of

        extractor = self.build(
            ("en", "experiment"), ("en", "manage"), ("en", "crafting"), ("en", "project management")
        )

        def words(text):
            analysis = extractor.analyse(text, lang="en")
            return {extractor.labels[h.skill][1] for h in analysis.hits}

        # Snowball stems "experience" and "experiment" alike: another word, not the label.
        assert "experiment" not in words("Five years of experience with Java.")
        assert "experiment" in words("You experiment with new recipes.")
        assert "experiment" in words("Our experiments run weekly.")
        # Regular English inflections are the label's word.
        assert "manage" in words("Managing a team of five.")
        assert "crafting" in words("Crafted furniture for our shop.")
        assert english_inflection_of("studies", "study")
        assert english_inflection_of("planning", "plan")
        assert not english_inflection_of("communicate", "communication")
        # French keeps such a hit at half its specificity (its verbs change their stems).
        french = self.build(("fr", "communes"), ("fr", "gestion de projet"))
        assert french.analyse("Communication interne", lang="fr").hits

    def test_one_word_label_heading_a_complement_counts_less(self):
        extractor = self.build(
            ("fr", "cartographie"), ("fr", "SQL"), ("en", "mapping"), ("fr", "gestion de projet")
        )

        def literal(text, lang="fr"):
            analysis = extractor.analyse(text, lang=lang)
            return max(extractor._exact_by_sentence(analysis)[0].values())

        alone = literal("Vous maîtrisez la cartographie et la gestion des stocks.")
        narrowed = literal("Vous maîtrisez la cartographie de la chaîne de valeur.")
        assert narrowed == pytest.approx(alone * extractor.calibration.head_factor)
        assert literal("Mapping of the value stream for our busy factories.", "en") < literal(
            "Data mapping for the value stream of our busy factories.", "en"
        )
        # Tool names are names, not nouns narrowed by what follows.
        tail = "pour écrire chaque semaine des requêtes rapides et sûres"
        assert literal(f"Vous connaissez SQL de base {tail}.") == literal(
            f"Vous connaissez SQL {tail}."
        )

    def test_french_text_writes_english_two_word_terms_head_first(self):
        extractor = self.build(("en", "business analysis"), ("fr", "gestion de projet"))
        business = uri_for_label(extractor, "business analysis")

        def found(text, lang):
            return {extractor.uris[h.skill] for h in extractor.analyse(text, lang=lang).hits}

        assert business in found("Vous maîtrisez l'analyse business.", "fr")
        assert business in found("Vous maîtrisez la business analysis.", "fr")
        # Only as one noun phrase: not across punctuation, a line or a coordination.
        assert business not in found("Analyse : business en croissance.", "fr")
        assert business not in found("Analyse et business.", "fr")
        # English keeps its own word order.
        assert business not in found("An analysis business of our own.", "en")

    def test_english_words_of_a_french_text_also_cross_as_themselves(self):
        from skills.extraction.taxonomy import SkillRecord, SurfaceForm, TaxonomySnapshot

        snapshot = TaxonomySnapshot()
        pairs = [
            ("analyse commerciale", "business analysis"),
            ("plan d'entreprise", "business plan"),
            ("modèle économique", "business model"),
            ("communication d'entreprise", "business communication"),
            ("OpenEdge Advanced Business Language", "OpenEdge Advanced Business Language"),
            ("gestion de projet", "project management"),
            ("analyse de données", "data analysis"),
        ]
        for idx, (label_fr, label_en) in enumerate(pairs):
            uri = f"http://data.europa.eu/esco/skill/test-{idx}"
            snapshot.skills.append(SkillRecord(uri, label_fr, label_en, "", "", "knowledge", 0))
            snapshot.forms.append(SurfaceForm(idx, "fr", label_fr, "label", preferred=True))
            snapshot.forms.append(SurfaceForm(idx, "en", label_en, "label", preferred=True))
        semantic = Extractor(snapshot).semantic
        english = semantic.sides["en"].vocabulary

        class NoIdentity(Weights):
            x_identity = 0.0

        def crossed_terms(text, weights=Weights):
            tokens = semantic.normalisers["fr"].tokens(text)
            _direct, crossed = semantic.query_vectors([tokens], "fr", weights, text=text)
            return set(crossed.indices.tolist())

        # "business" is in one French label and four English ones: an English word here,
        # which the learnt table alone does not send to "business".
        text = "Vous pratiquez le business."
        assert english["busi"] not in crossed_terms(text, NoIdentity)
        assert english["busi"] in crossed_terms(text)

    def test_single_letters_stay_part_of_tool_names(self):
        extractor = self.build(("en", "Objective-C"), ("en", "project management"))
        hits = extractor.analyse("Our objectives are clear.", lang="en").hits
        assert hits == []
        assert extractor.analyse("We use Objective-C daily.", lang="en").hits

    def test_labels_with_an_elided_article_are_read_literally(self):
        extractor = self.build(("fr", "utiliser des engins d’excavation"), ("fr", "permis C"))
        analysis = extractor.analyse("Vous savez utiliser des engins d'excavation.", lang="fr")
        assert [hit.skill for hit in analysis.hits] == [0]
        assert [h.skill for h in extractor.analyse("Permis C exigé.", lang="fr").hits] == [1]
        assert extractor.analyse("Un permis de feu est exigé.", lang="fr").hits == []

    def test_empty_taxonomy_extracts_nothing(self):
        from skills.extraction.taxonomy import TaxonomySnapshot

        extractor = Extractor(TaxonomySnapshot())
        assert extractor.extract("Vous maîtrisez JavaScript.") == []
        assert extractor.rank("JavaScript") == []
        assert extractor.match_occupation("Développeur web") == []


class TestScoreBlockHelpers:
    """The vectorised steps of `raw_scores` give what the per-cell loops they replace gave."""

    def test_first_row_of_max_is_argmax_ties_included(self):
        rng = np.random.default_rng(3)
        block = rng.integers(0, 4, size=(9, 500)).astype(np.float32)  # many ties
        block[:, :7] = 0.0  # all-zero columns
        values = block.max(axis=0)
        assert (_first_row_of_max(block, values) == block.argmax(axis=0)).all()

    def test_exact_hits_add_as_one_by_one(self):
        rng = np.random.default_rng(5)
        skills = np.array([2, 5, 9, 40, 41], dtype=np.int64)
        block = rng.random((3, len(skills))).astype(np.float32)
        chunk_exact = [{5: 0.3127, 41: 1.2800000000000002}, {}, {2: 0.187725, 5: 0.95}]
        expected = block.copy()
        for row, hits in enumerate(chunk_exact):
            for skill, value in hits.items():
                expected[row, np.searchsorted(skills, skill)] += 0.6 * value
        _add_exact(block, skills, chunk_exact, 0.6)
        assert np.array_equal(block, expected)


@pytest.mark.django_db
def test_the_snapshot_knows_the_languages_by_their_esco_group():
    languages = SkillGroup.objects.filter(uri=LANGUAGES_GROUP).first() or SkillGroupFactory(
        uri=LANGUAGES_GROUP
    )
    dutch = SkillFactory(preferred_label_fr="néerlandais", preferred_label_en="Dutch")
    dutch.broader_groups.add(languages)
    other = SkillFactory(preferred_label_fr="gestion de projet")
    snapshot = load_snapshot()
    uris = {snapshot.skills[index].uri for index in snapshot.language_skills}
    assert dutch.uri in uris
    assert other.uri not in uris
    assert not Skill.objects.filter(uri__in=uris).exclude(broader_groups=languages).exists()


def test_warm_up_loads_what_a_first_text_would_and_changes_no_reading(db):
    """Before forking workers, an ingestion warms the extractor up: the workers then share
    the language identifier and the occupation index's word tables instead of each building
    them. Nothing read afterwards may differ."""
    from skills.extraction import language

    snapshot = load_snapshot()
    cold = Extractor(snapshot)
    warmed = Extractor(snapshot)
    warmed.warm_up()
    assert language._IDENTIFIER is not None
    assert warmed.occupations._prefix_holders is not None
    assert cold.occupations._prefix_holders is None
    text = "Technicien de maintenance (H/F)\n\nVous assurez la maintenance des machines. Anglais."
    assert warmed.extract(text) == cold.extract(text)
    assert warmed.match_occupation("Technicien de maintenance") == cold.match_occupation(
        "Technicien de maintenance"
    )
