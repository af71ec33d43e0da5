"""Job titles to ESCO occupations on the fixture slice."""

import pickle

import pytest

from skills.extraction.extractor import Extractor
from skills.extraction.taxonomy import load_snapshot
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
