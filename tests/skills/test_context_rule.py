"""Curated terms in the extractor: ambiguous names count only in a technical context."""

from pathlib import Path

import pytest
from django.db import transaction

from skills.extraction.cues import read_context_cues
from skills.extraction.extractor import Extractor
from skills.extraction.taxonomy import load_snapshot
from skills.models import LOCAL_URI_PREFIX, Skill, SkillSynonym
from skills.services.curated_vocabulary import curated_vocabulary_import
from skills.services.taxonomy import synonym_add

CURATED_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "curated_small"
SKILL = "http://data.europa.eu/esco/skill/"
JAVA = SKILL + "19a8293b-8e95-4de3-983f-77484079c389"
UNITY = SKILL + "d1a86399-24d8-415f-98b9-e8cbb6b04a26"
R = SKILL + "51586df8-1c46-4b47-8583-773cb63bf00b"
SPREADSHEETS = SKILL + "1973c966-f236-40c9-b2d4-5d71a89019be"
WORD_PROCESSING = SKILL + "81633a44-f1db-4a01-a940-804c6905e330"
TABLEAU = LOCAL_URI_PREFIX + "tableau"
BLENDER = LOCAL_URI_PREFIX + "blender"
GOLANG = LOCAL_URI_PREFIX + "golang"
SPRING = LOCAL_URI_PREFIX + "spring"
VIDEO_EDITING = SKILL + "5ce80f97-b385-4a41-9339-a6593d0709c1"
GRAPHICS_3D_SOFTWARE = SKILL + "f5b33464-4df9-4cf3-b468-b0a2d6b3ee85"
SET_UP_BASIC_RECORDING = SKILL + "ec25e825-8c5b-4b46-950b-dcb87dd410e7"
JAVASCRIPT_FRAMEWORK = SKILL + "9b9de2a4-d8af-4a7b-933a-a8334ae60067"

# Terms of the shipped vocabulary the small one lacks: (skill, term, language, kind, context).
EXTRA_TERMS = [
    (VIDEO_EDITING, "Premiere", "", SkillSynonym.Kind.TOOL, True),
    (SET_UP_BASIC_RECORDING, "prise de son", "fr", SkillSynonym.Kind.NOUN_FORM, False),
    (JAVASCRIPT_FRAMEWORK, "Vue", "", SkillSynonym.Kind.TOOL, True),
]


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    """The extractor of the fixture slice plus the small vocabulary, which is rolled back at
    once so that other tests see the slice alone."""
    with django_db_blocker.unblock(), transaction.atomic():
        curated_vocabulary_import(folder=CURATED_SMALL)
        for uri, label, language, kind, requires_context in EXTRA_TERMS:
            synonym_add(
                skill=Skill.objects.get(uri=uri),
                label=label,
                language=language,
                kind=kind,
                requires_context=requires_context,
            )
        snapshot = load_snapshot()
        transaction.set_rollback(True)
    return Extractor(snapshot, fingerprint="test-vocabulary")


def found(extractor: Extractor, text: str) -> dict:
    return {match.uri: match for match in extractor.extract(text, lang="fr")}


class TestTechnicalContext:
    @pytest.mark.parametrize(
        ("text", "uri"),
        [
            ("Java, Spring et SQL", JAVA),
            ("Java, Spring et SQL", SPRING),
            ("Nous cherchons un développeur Java.", JAVA),
            ("Unity et C# pour le gameplay", UNITY),
            ("maîtrise d'Excel et de Word", SPREADSHEETS),
            ("maîtrise d'Excel et de Word", WORD_PROCESSING),
            ("Vous réalisez des tableaux de bord dans Tableau et Power BI.", TABLEAU),
            ("Vous connaissez R et Python.", R),
            ("Go et Spring Boot", GOLANG),
            ("Animation 3D sous Blender.", BLENDER),
            ("Tableaux de bord mensuels (excel, power bi).", SPREADSHEETS),
            ("Nous cherchons un développeur Vue.", JAVASCRIPT_FRAMEWORK),
        ],
    )
    def test_term_in_a_technical_context_counts(self, extractor, text, uri):
        match = found(extractor, text)[uri]
        assert match.method in ("synonym", "local")
        assert match.score >= extractor.threshold

    @pytest.mark.parametrize(
        ("text", "uri"),
        [
            ("Un séjour à Java pour découvrir la culture locale.", JAVA),
            ("Une équipe soudée : l'unité de production tourne en trois pauses.", UNITY),
            ("Vous suivez un tableau de bord de production.", TABLEAU),
            ("Un Tableau de bord mensuel est envoyé au client.", TABLEAU),
            ("Le département R&D logiciel recrute.", R),
            ("Vous archivez jusqu'à 10 Go de données par jour sur le serveur.", GOLANG),
            ("Un blender pour les smoothies du matin.", BLENDER),
            ("On exporte tout en excel mais le reste se fait à la main.", SPREADSHEETS),
            ("Un tableau Excel suffit.", SPREADSHEETS),
            # The view, beside tools that would vouch for the name (gazetteer/senses.txt).
            ("Point de vue utilisateur au centre : Java, Spring et SQL.", JAVASCRIPT_FRAMEWORK),
            ("Prise de vue en studio, retouche sous Photoshop CS6.", JAVASCRIPT_FRAMEWORK),
        ],
    )
    def test_term_outside_a_technical_context_does_not(self, extractor, text, uri):
        assert uri not in found(extractor, text)

    def test_a_name_is_not_read_in_a_word_with_accents_it_lacks(self, extractor):
        """ "Première expérience" is French, even beside tool names: not Adobe Premiere."""
        text = "Première expérience en développement Java et SQL."
        assert JAVA in found(extractor, text)
        assert VIDEO_EDITING not in found(extractor, text)
        assert VIDEO_EDITING in found(extractor, "Logiciel de montage : Premiere.")

    @pytest.mark.parametrize(
        ("title", "uri"),
        [("Initiation Excel", SPREADSHEETS), ("TABLEAU - niveau 2", TABLEAU)],
    )
    def test_a_title_naming_only_the_tool_is_about_it(self, extractor, title, uri):
        assert found(extractor, title)[uri].score >= extractor.threshold

    @pytest.mark.parametrize("title", ["Tableau de bord", "Un Tableau ancien"])
    def test_a_title_with_other_words_needs_a_context(self, extractor, title):
        assert TABLEAU not in found(extractor, title)

    def test_refused_words_are_not_inferred_either(self, extractor):
        """The ranking layer must not read the kitchen blender as the 3D software."""
        ranked = extractor.rank("Un blender pour les smoothies du matin.", lang="fr", top_k=20)
        assert BLENDER not in [match.uri for match in ranked]

    def test_unambiguous_curated_term_needs_no_context(self, extractor):
        match = found(extractor, "Golang")[GOLANG]
        assert match.score >= extractor.threshold

    def test_curated_requirement_outranks_a_generic_word(self, extractor):
        """A tool the text names is a requirement, scored with the confident skills."""
        matches = extractor.extract("Formation Excel et Word, niveau 1 - tableur", lang="fr")
        assert matches[0].uri == SPREADSHEETS
        assert matches[0].score >= extractor.threshold


class TestTermsWithTheWordSon:
    """ "son" is a French stop word (the possessive) and the noun "sound": "prise de son" once
    read as "prise" alone, found in "prise de vue" and "prise de commande"."""

    @pytest.mark.parametrize(
        "text", ["Prise de son en studio et en extérieur.", "Technicien prise de son (H/F)"]
    )
    def test_the_sound_recording_is_found(self, extractor, text):
        assert found(extractor, text)[SET_UP_BASIC_RECORDING].score >= extractor.threshold

    @pytest.mark.parametrize(
        "text",
        [
            "Prise de vue photographique en studio.",
            "Prise de commande et encaissement en salle.",
            "Dès la prise de son poste, vous encadrez l'équipe.",
        ],
    )
    def test_another_prise_is_not_it(self, extractor, text):
        assert SET_UP_BASIC_RECORDING not in found(extractor, text)


class TestLocalConceptsEvidenceTheirBroaderSkill:
    def test_a_local_concept_read_literally_brings_its_broader_esco_skill(self, extractor):
        matches = found(extractor, "Animation 3D sous Blender.")
        assert BLENDER in matches
        broader = matches[GRAPHICS_3D_SOFTWARE]
        assert broader.score >= extractor.threshold
        assert broader.score <= matches[BLENDER].score
        assert broader.evidence == "Blender"
        assert broader.spans == matches[BLENDER].spans


class TestContextCues:
    def test_shipped_cues_are_folded_words_in_both_languages(self):
        cues = read_context_cues()
        assert {"developpeur", "logiciel", "maitrise", "soudeur"} <= cues["fr"]
        assert {"developer", "software"} <= cues["en"]
