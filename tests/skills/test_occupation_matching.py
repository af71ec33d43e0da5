"""Job titles to ESCO occupations on the fixture slice."""

import pickle

import pytest

from skills.extraction.extractor import Extractor
from skills.extraction.occupations import OccupationIndex, read_title
from skills.extraction.taxonomy import (
    JOB_TITLE,
    OccupationRecord,
    SkillRecord,
    TaxonomySnapshot,
    load_snapshot,
)
from skills.models import Occupation


@pytest.fixture(scope="module")
def extractor(django_db_setup, django_db_blocker) -> Extractor:
    with django_db_blocker.unblock():
        return Extractor(load_snapshot(), fingerprint="test")


@pytest.fixture(scope="module")
def web_developer(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return Occupation.objects.get(preferred_label_en="web developer").uri


class TestOccupationMatching:
    @pytest.mark.parametrize(
        "title",
        [
            "Développeur web (H/F/X)",
            "Développeuse Web Junior - CDI",
            "web developer",
            "Senior Web Developer (m/f/x) full-time",
        ],
    )
    def test_noisy_titles_find_the_occupation(self, extractor, web_developer, title):
        matches = extractor.match_occupation(title, top_k=3)
        assert matches[0].uri == web_developer
        assert 0 < matches[0].score <= 1

    def test_results_are_ordered_and_explained(self, extractor):
        matches = extractor.match_occupation("designer d'interface utilisateur", top_k=5)
        assert len(matches) <= 5
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert matches[0].evidence
        assert matches[0].evidence in matches[0].explain()

    def test_posting_text_adds_skill_evidence(self, extractor):
        title = "développeur"
        text = "JavaScript, conception d'interface utilisateur, mettre en œuvre le design front end"
        with_text = extractor.match_occupation(title, text=text, top_k=5)
        assert any("skills" in m.method for m in with_text)

    @pytest.mark.parametrize("title", ["", "   ", "(H/F/X)", None])
    def test_empty_titles_give_nothing(self, extractor, title):
        assert extractor.match_occupation(title) == []


class TestTitleMemo:
    def test_repeated_titles_give_the_same_answer_and_callers_cannot_alter_it(self, extractor):
        first = extractor.match_occupation("Développeur web (H/F/X)", top_k=3)
        first.clear()
        again = extractor.match_occupation("développeur web - CDI", top_k=3)  # same clean title
        assert again == extractor.match_occupation("Développeur web (H/F/X)", top_k=3)
        assert len(again) == 3
        assert len(extractor.match_occupation("Développeur web", top_k=1)) == 1

    def test_the_memo_is_not_pickled(self, extractor):
        extractor.match_occupation("graphiste", top_k=2)
        assert extractor.occupations._title_memo
        restored = pickle.loads(pickle.dumps(extractor.occupations))
        assert restored._title_memo == {}
        assert restored.match("graphiste", top_k=2) == extractor.occupations.match(
            "graphiste", top_k=2
        )


class TestPickledIndex:
    """The index as the cache stores it: the same answers, without scikit-learn at load."""

    @pytest.mark.parametrize(
        "title", ["Développeur web (H/F/X)", "graphiste", "Senior Web Developer", "soudeur"]
    )
    def test_a_restored_index_matches_as_the_built_one(self, extractor, title):
        restored = pickle.loads(pickle.dumps(extractor.occupations))
        assert restored._row_prefixes is None  # rebuilt on the first title matched
        assert restored.match(title, top_k=5) == extractor.occupations.match(title, top_k=5)
        assert restored.row_prefixes == extractor.occupations.row_prefixes

    def test_the_title_analyser_is_scikit_learns_char_wb(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        from skills.extraction.occupations import char_wb_ngrams

        reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
        for text in ["", "a", "Développeur  web\tC++ / UX", "İstanbul ab\n\ncd", "x  y z"]:
            assert char_wb_ngrams(text) == reference(text)


def _record(uri, label_fr, label_en, *, alt=(), rome=(), skills=()):
    titles = [("fr", label_fr), ("en", label_en), *(("fr", a) for a in alt)]
    titles += [(JOB_TITLE, title) for title in rome]
    return OccupationRecord(uri, label_fr, label_en, tuple(titles), tuple(skills))


def _skill(label):
    return SkillRecord(f"skill:{label}", label, label, "", "", "skill/competence", 1)


@pytest.fixture(scope="module")
def small_index() -> OccupationIndex:
    """A hand-made taxonomy slice where each rule below decides the winner."""
    snapshot = TaxonomySnapshot(
        skills=[_skill("Java (programmation informatique)"), _skill("gériatrie")],
        occupations=[
            # On cosine alone "développeur web" beats the software titles for "Développeur
            # Java"; only the software developer lists Java among its skills.
            _record("occ:web", "développeur e-learning", "e-learning developer",
                    alt=["développeur web"]),
            _record("occ:software", "concepteur de logiciels", "software developer",
                    rome=["développeur logiciel"], skills=[(0, False)]),
            _record("occ:accountant", "comptable", "accountant"),
            _record("occ:chartered", "expert-comptable", "chartered accountant",
                    alt=["comptable"]),
            _record("occ:operator-a", "conducteur d'installations robotisées", "robot operator",
                    alt=["opérateur qualifié"]),
            _record("occ:mason", "maçon", "bricklayer"),
            _record("occ:nurse", "infirmier", "nurse", skills=[(1, True)]),
            _record("occ:nurse-child", "infirmier puériculteur", "paediatric nurse"),
        ],
    )  # fmt: skip
    return OccupationIndex(snapshot)


def _best(index: OccupationIndex, title: str) -> int:
    """The index of the occupation the title matches first."""
    return index.match(title, top_k=3)[0].occupation


class TestReadTitle:
    @pytest.mark.parametrize(
        ("title", "job", "context"),
        [
            ("Développeur Java / J2EE (H/F) – CDI – Liège", "developpeur java j2ee", ()),
            ("Stage – Intégrateur·trice web", "integrateur web", ()),
            ("Maçon qualifié (H/F) – Wallonie picarde – Intérim en vue de CDI", "macon", ()),
            ("Infirmier – Gériatrie – Namur", "infirmier", ("geriatrie",)),
            ("Graphiste (InDesign, Illustrator) – Temps plein", "graphiste",
             ("indesign illustrator",)),
            # An employer's request: the job follows the request and its article.
            ("Besoin : un graphiste pour notre site", "graphiste", ("notre site",)),
            ("Besoin urgent d'un soudeur", "soudeur", ()),
            ("Recherche un(e) comptable", "comptable", ()),
            ("Nous recrutons un technicien de maintenance (H/F)", "technicien de maintenance",
             ()),
            ("On cherche serveur/serveuse", "serveur serveuse", ()),
            # ... but a job that opens with one of its words stays whole.
            ("Recherche et développement – Ingénieur", "recherche et developpement",
             ("ingenieur",)),
            ("Chargé de recherche", "charge de recherche", ()),
            ("Besoins en formation", "besoins en formation", ()),
        ],
    )  # fmt: skip
    def test_the_job_is_read_apart_from_places_terms_and_tools(self, title, job, context):
        parts = read_title(title)
        assert (parts.job, parts.context) == (job, context)


class TestTitleRules:
    def test_a_specialising_word_an_occupation_lists_as_a_skill_wins(self, small_index):
        # With `uncovered_floor = 1.0` (no coverage rule) "développeur web" wins.
        assert _best(small_index, "Développeur Java (H/F) – CDI – Liège") == 1

    def test_the_exact_preferred_label_wins_a_tie(self, small_index):
        # "comptable" is the accountant's preferred label and the chartered accountant's
        # alternative label: both match exactly; the preferred label goes first.
        assert _best(small_index, "Comptable (F/H/X) – Fiduciaire – Jambes – CDI") == 2

    def test_a_grade_word_does_not_pick_the_occupation(self, small_index):
        # On the full taxonomy "qualifié" made "Opérateur qualifié" beat "maçon".
        assert read_title("Maçon qualifié (H/F) – Wallonie picarde").job == "macon"
        assert _best(small_index, "Maçon qualifié (H/F) – Wallonie picarde") == 5

    def test_a_place_segment_is_not_read_as_the_job(self, small_index):
        assert read_title("Infirmier (H/F) – Namur – CDI").context == ()
        assert _best(small_index, "Infirmier (H/F) – Namur – CDI") == 6

    def test_expert_stays_in_known_titles(self, small_index):
        # `clean_title` drops "expert" from posted titles; known titles keep every word, so
        # the chartered accountant's preferred label is not indexed as "comptable".
        assert small_index.preferred["comptable"] == (2,)
        assert small_index.preferred["expert comptable"] == (3,)

    def test_the_first_answer_does_not_depend_on_how_many_are_asked(self, small_index):
        # Two occupations tie on "comptable" but for the preferred-label rule; without it,
        # and with ties broken arbitrarily at the k-th place, top_k=1 could differ.
        for title in ("Comptable – CDI", "Développeur Java", "Infirmier", "maçon qualifié"):
            small_index._title_memo.clear()
            first = small_index.match(title, top_k=1)
            assert first == small_index.match(title, top_k=5)[:1]


class TestRowSelection:
    """The shortcuts of a title's scoring pick what the plain computation picks."""

    @pytest.mark.parametrize("seed", range(5))
    def test_top_rows_are_the_largest(self, seed):
        import numpy as np

        from skills.extraction.occupations import _top_rows

        rng = np.random.default_rng(seed)
        # A long tail of small similarities, as n-gram cosines have; and an array whose sampled
        # rows (every eighth) are its best, so that the bar lets too few rows through (the
        # fallback).
        skewed = rng.random(4000).astype(np.float32) * 0.5
        skewed[::8] = 1.0
        for sims in (rng.gamma(0.5, 0.1, 60_000).astype(np.float32), skewed):
            count = 400
            chosen = _top_rows(sims, count)
            assert len(chosen) == len(set(chosen.tolist())) == count
            assert sims[chosen].min() >= np.partition(sims, len(sims) - count)[len(sims) - count]

    def test_among_is_membership_in_a_sorted_array(self):
        import numpy as np

        from skills.extraction.occupations import _among

        values = np.array([0, 3, 5, 9, 12])
        assert _among(values, np.array([3, 9, 10])).tolist() == [False, True, False, True, False]
        assert _among(values, np.zeros(0, dtype=np.int64)).tolist() == [False] * 5
