"""Reading real-style French postings: names that are not skills, wrong senses, the parts of a
posting, tool names and short texts. Tiny hand-made taxonomies isolate each rule; the fixture
slice of ESCO checks the tools it holds."""

import numpy as np
import pytest

from skills.extraction.extractor import Extractor, passages
from skills.extraction.gazetteer import Gazetteer, NameEntry, NameKind, load_entries
from skills.extraction.taxonomy import (
    Method,
    SkillRecord,
    SurfaceForm,
    TaxonomySnapshot,
    load_snapshot,
)
from skills.extraction.text import Normaliser

# (French label, English label, French alternative labels, method of the alternatives)
SKILLS = [
    ("français", "French", ["France"], Method.LABEL),
    ("wallon", "Walloon", [], Method.LABEL),
    ("paris", "betting", [], Method.LABEL),
    ("communiquer par téléphone", "communicate by telephone", ["téléphonique"], Method.LABEL),
    ("électronique", "electronics", [], Method.LABEL),
    ("pneumatique", "pneumatics", [], Method.LABEL),
    ("pédagogie", "pedagogy", [], Method.LABEL),
    ("agir de manière fiable", "act reliably", ["fiable"], Method.LABEL),
    ("métallurgie", "metallurgy", [], Method.LABEL),
    ("Java (programmation informatique)", "Java (computer programming)", ["Java"], Method.LABEL),
    ("SQL", "SQL", [], Method.LABEL),
    ("utiliser un logiciel de tableur", "use spreadsheets software", ["Excel"], Method.SYNONYM),
    ("gestion de projet", "project management", [], Method.LABEL),
    ("brevets", "patents", [], Method.LABEL),
    ("écosystèmes", "ecosystems", [], Method.LABEL),
    ("gérer des comptes", "manage accounts", [], Method.LABEL),
    ("néerlandais", "Dutch", [], Method.LABEL),
    ("anglais", "English", [], Method.LABEL),
    ("Scala", "Scala", [], Method.LABEL),
]
LANGUAGES = {"français", "wallon", "néerlandais", "anglais"}


def uri_of(index: int) -> str:
    return f"http://data.europa.eu/esco/skill/test-{index}"


def skill_index(label_fr: str) -> int:
    return next(i for i, skill in enumerate(SKILLS) if skill[0] == label_fr)


def label_uri(label_fr: str) -> str:
    return uri_of(skill_index(label_fr))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    snapshot = TaxonomySnapshot()
    for index, (label_fr, label_en, alternatives, method) in enumerate(SKILLS):
        snapshot.skills.append(
            SkillRecord(uri_of(index), label_fr, label_en, "", "", "knowledge", 0)
        )
        snapshot.forms.append(SurfaceForm(index, "fr", label_fr, Method.LABEL, preferred=True))
        snapshot.forms.append(SurfaceForm(index, "en", label_en, Method.LABEL, preferred=True))
        for alternative in alternatives:
            snapshot.forms.append(SurfaceForm(index, "fr", alternative, method))
        if label_fr in LANGUAGES:
            snapshot.language_skills.add(index)
    return Extractor(snapshot)


def found(extractor: Extractor, text: str) -> set[str]:
    return {match.uri for match in extractor.extract(text, lang="fr")}


class TestNamesThatAreNotSkills:
    @pytest.mark.parametrize(
        ("text", "not_a_skill"),
        [
            ("Nos soins sont fabriqués en Ile de France.", "français"),
            ("Vous travaillez en Île-de-France, à Paris.", "français"),
            ("Poste basé à Wavre, Brabant wallon.", "wallon"),
            ("Bureau à Paris 11e, télétravail partiel.", "paris"),
            ("Inscrit comme demandeur d'emploi chez France Travail.", "français"),
            ("Un premier échange téléphonique de 20 minutes.", "communiquer par téléphone"),
            ("Salaire selon la Convention de la métallurgie.", "métallurgie"),
        ],
    )
    def test_a_label_inside_a_listed_name_gives_no_skill(self, extractor, text, not_a_skill):
        assert label_uri(not_a_skill) not in found(extractor, text)

    def test_the_same_words_outside_the_name_still_count(self, extractor):
        assert label_uri("français") in found(extractor, "Vous parlez couramment le français.")
        assert label_uri("paris") in found(extractor, "Vous gérez les paris sportifs en ligne.")

    def test_a_place_must_be_written_as_a_name(self):
        gazetteer = Gazetteer(
            [NameEntry("Paris", NameKind.PLACE), NameEntry("ONE", NameKind.ORGANISATION)],
            {"fr": Normaliser("fr"), "en": Normaliser("en")},
        )
        normaliser = Normaliser("fr")

        def names(text):
            return gazetteer.find(normaliser.tokens(text), "fr", text)

        assert names("Bureau à Paris.")
        assert not names("Les paris sportifs.")
        assert names("Agréé par l'ONE.")
        assert not names("Une seule équipe, one team.")

    def test_the_shipped_lists_hold_each_kind(self):
        kinds = {entry.kind for entry in load_entries()}
        assert kinds == set(NameKind)
        texts = {entry.text for entry in load_entries()}
        assert {"Brabant wallon", "France Travail", "Le Forem", "échange téléphonique"} <= texts


class TestWrongSenses:
    @pytest.mark.parametrize(
        ("text", "wrong"),
        [
            ("Vous gérez la messagerie électronique du bureau.", "électronique"),
            ("Centre spécialisé en pneumatiques et jantes.", "pneumatique"),
            ("Vous savez faire preuve de pédagogie avec les clients.", "pédagogie"),
            ("Un partenaire fiable pour nos clients.", "agir de manière fiable"),
            ("Prises de vue au drone (brevet de pilote exigé).", "brevets"),
            ("Une start-up de l'écosystème numérique liégeois.", "écosystèmes"),
            ("Vous gérez les comptes utilisateurs dans Active Directory.", "gérer des comptes"),
        ],
    )
    def test_a_word_in_a_sense_blocking_phrase_gives_no_skill(self, extractor, text, wrong):
        assert label_uri(wrong) not in found(extractor, text)

    @pytest.mark.parametrize(
        ("text", "word"),
        [
            ("Une scale-up liégeoise recrute.", "scale"),
            ("Prises de vues en studio.", "vues"),
            ("Du point de vue de l'utilisateur.", "vue"),
            ("Drone (brevet de pilote exigé).", "brevet"),
            ("Au cœur de l'écosystème numérique wallon.", "écosystème"),
        ],
    )
    def test_the_shipped_lists_block_these_senses(self, text, word):
        normaliser = Normaliser("fr")
        gazetteer = Gazetteer(load_entries(), {"fr": normaliser, "en": Normaliser("en")})
        tokens = normaliser.tokens(text)
        blocked = {
            text[tokens[i].start : tokens[i].end]
            for span in gazetteer.find(tokens, "fr", text)
            if span.kind == NameKind.SENSE
            for i in range(span.first, span.last + 1)
        }
        assert word in blocked

    def test_the_word_in_its_own_sense_still_counts(self, extractor):
        assert label_uri("électronique") in found(
            extractor, "Vous réparez des cartes en électronique de puissance."
        )
        assert label_uri("gérer des comptes") in found(
            extractor, "Vous gérez les comptes clients et fournisseurs."
        )
        assert label_uri("Scala") in found(extractor, "Nous développons en Scala et Java.")


class TestPartsOfAPosting:
    POSTING = (
        "Développeur Java (H/F)\n\n"
        "Qui sommes-nous ?\n"
        "Nous éditons des logiciels pour la métallurgie depuis 2004.\n\n"
        "Votre profil\n"
        "- Trois ans d'expérience en développement Java / J2EE ;\n"
        "- Bonne maîtrise du SQL.\n\n"
        "Procédure\n"
        "Envoyez votre CV : un premier contact par téléphone suivra.\n"
    )

    def test_a_skill_named_only_in_the_company_blurb_is_not_confident(self, extractor):
        assert label_uri("métallurgie") not in found(extractor, self.POSTING)

    def test_the_same_skill_in_the_profile_is(self, extractor):
        profile = self.POSTING.replace("- Bonne maîtrise du SQL.", "- Bonne maîtrise du SQL ;")
        profile += "\nVotre profil\n- Vous connaissez la métallurgie des aciers.\n"
        assert label_uri("métallurgie") in found(extractor, profile)

    def test_tools_of_the_profile_rank_above_the_blurb(self, extractor):
        ranked = [match.uri for match in extractor.rank(self.POSTING, lang="fr", top_k=20)]
        confident = found(extractor, self.POSTING)
        for tool in ("Java (programmation informatique)", "SQL"):
            assert label_uri(tool) in confident
            if label_uri("métallurgie") in ranked:
                assert ranked.index(label_uri(tool)) < ranked.index(label_uri("métallurgie"))

    def test_nothing_from_the_process_part(self, extractor):
        text = "Procédure\nEnvoyez votre CV ; nous vous proposerons un entretien téléphonique."
        assert found(extractor, "Développeur (H/F)\n\nVotre profil\n- Java.\n\n" + text) == {
            label_uri("Java (programmation informatique)")
        }

    def test_the_company_blurb_is_not_even_ranked(self, extractor):
        # Weight 0: what the employer says of itself is no requirement, however strong.
        ranked = {match.uri for match in extractor.rank(self.POSTING, lang="fr", top_k=50)}
        assert label_uri("métallurgie") not in ranked

    def test_spans_point_into_the_text_as_given_when_entities_are_decoded(self, extractor):
        text = "Votre profil : l&apos;expérience d&apos;un langage comme Java &amp; le SQL."
        matches = {m.uri: m for m in extractor.extract(text, lang="fr")}
        for label, written in (("Java (programmation informatique)", "Java"), ("SQL", "SQL")):
            start, end = matches[label_uri(label)].spans[0]
            assert text[start:end] == written


class TestToolNamesAndShortTexts:
    def test_a_tool_name_written_as_a_name_is_confident(self, extractor):
        assert label_uri("Java (programmation informatique)") in found(
            extractor, "Minimum 3 ans d'expérience en développement Java / J2EE ;"
        )
        assert label_uri("SQL") in found(extractor, "SQL obligatoire.")

    def test_a_course_title_gets_its_curated_tool(self, extractor):
        """Excel has no ESCO label: the lexical side finds it once curators give a synonym."""
        assert label_uri("utiliser un logiciel de tableur") in found(extractor, "Initiation Excel")

    def test_framing_words_of_a_title_do_not_dilute_its_subject(self, extractor):
        assert label_uri("gestion de projet") in found(
            extractor, "Gestion de projet - initiation (niveau 1) - FAD"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "Vous préparez une cuisine française traditionnelle pour nos clients.",
            "Vous rejoignez une PME française et participez à la production.",
        ],
    )
    def test_a_language_adjective_of_another_noun_is_no_language(self, extractor, text):
        assert label_uri("français") not in found(extractor, text)
        assert label_uri("français") not in {m.uri for m in extractor.rank(text, lang="fr")}

    def test_the_language_itself_is_named_by_its_noun(self, extractor):
        assert label_uri("français") in found(extractor, "Maîtrise de la langue française.")
        assert label_uri("français") in found(extractor, "Vous parlez français et anglais.")

    def test_each_language_a_short_passage_lists_is_a_requirement(self, extractor):
        """A literal label covering part of a short passage counts for that part, but
        languages are named, like tools, by the one word that is the requirement."""
        skills = found(extractor, "Bilingue français-néerlandais (anglais est un atout).")
        assert {label_uri("français"), label_uri("néerlandais"), label_uri("anglais")} <= skills


class TestCourseTitlesOnTheFixtureSlice:
    """Real ESCO labels: the tools the fixture slice holds."""

    @pytest.fixture(scope="class")
    @classmethod
    def esco(cls, django_db_setup, django_db_blocker) -> Extractor:
        with django_db_blocker.unblock():
            return Extractor(load_snapshot(), fingerprint="test")

    @pytest.mark.parametrize(
        ("title", "label_fr"),
        [
            ("Initiation au langage Python 3", "Python (programmation informatique)"),
            ("HTML et CSS : créer des pages web", "CSS"),
            ("JavaScript : rendre ses pages web interactives", "JavaScript"),
            ("SQL - interroger une base de données", "SQL"),
            ("PYTHON - PROGRAMMATION (niveau 2)", "Python (programmation informatique)"),
        ],
    )
    def test_a_course_title_gets_its_skill(self, esco, title, label_fr):
        labels = {match.label_fr for match in esco.extract(title)}
        assert label_fr in labels


class TestInferredSkillsPerSentence:
    """A passage merges short sentences; each keeps its best inferred skill (up to a cap)."""

    def test_passages_count_the_sentences_they_merge(self):
        text = "- Accueillir les enfants.\n- Préparer les repas.\n- Ranger la salle."
        assert list(passages(text, counted=True)) == [(0, len(text), 3)]
        assert list(passages(text)) == [(0, len(text))]

    def test_a_long_sentence_is_a_passage_of_one(self):
        long = "Vous " + "accueillez les enfants et leurs parents, " * 6 + "chaque matin."
        text = f"{long}\n{long}"
        assert [count for *_, count in passages(text, counted=True)] == [1, 1]

    @staticmethod
    def kept(extractor, items: list[int], scores: list[float], passage_of: list[int], skills=None):
        """Which inferred candidates (no literal hit; the skills of the first indices unless
        `skills` names them) `_product_selection` keeps, by position."""
        analysis = extractor.analyse("Profil.", lang="fr")
        analysis.hits = []
        analysis.passage_items = items
        candidates = np.arange(len(scores)) if skills is None else np.asarray(skills)
        best_sentence = np.zeros(len(SKILLS), dtype=np.int64)
        best_sentence[candidates] = passage_of
        keep = extractor._product_selection(
            analysis, candidates, np.asarray(scores, dtype=np.float32), best_sentence
        )
        return set(np.flatnonzero(keep).tolist())

    def test_one_inferred_skill_per_sentence_of_a_passage(self, extractor):
        scores = [0.9, 0.8, 0.7, 0.6]
        assert self.kept(extractor, [1], scores, [0, 0, 0, 0]) == {0}
        assert self.kept(extractor, [2], scores, [0, 0, 0, 0]) == {0, 1}
        assert self.kept(extractor, [1, 1], scores, [0, 0, 1, 1]) == {0, 2}

    def test_at_most_the_cap_per_passage(self, extractor):
        cap = extractor.calibration.per_sentence_items
        scores = [0.9 - 0.01 * i for i in range(cap + 3)]
        kept = self.kept(extractor, [cap + 3], scores, [0] * len(scores))
        assert kept == set(range(cap))

    def test_a_product_is_kept_only_when_the_text_names_it(self, extractor):
        """Inferred from its neighbours ("Photoshop" -> Lightroom), a product is no
        requirement; a common skill inferred in the same passage still is."""
        java = skill_index("Java (programmation informatique)")
        project = skill_index("gestion de projet")
        assert self.kept(extractor, [2], [0.9, 0.8], [0, 0], skills=[java, project]) == {1}
        assert java in extractor.product_skills
        assert skill_index("français") not in extractor.product_skills
