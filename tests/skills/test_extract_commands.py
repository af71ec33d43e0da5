"""The extraction cache, curator feedback (synonyms, rejections) and the command-line contract."""

import json

import pytest
from django.core.management import call_command

from skills.extraction import get_extractor, invalidate_extractor
from skills.extraction.cache import build_index, cache_dir
from skills.models import RejectedMatchPattern, Skill, SkillSynonym

pytestmark = pytest.mark.django_db

JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
PHOTOSHOP = "http://data.europa.eu/esco/skill/14ced458-5f4b-495f-bd3d-9c240614bda0"


@pytest.fixture(autouse=True)
def fresh_extractor():
    invalidate_extractor()
    yield
    invalidate_extractor()


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def empty_cache(settings, tmp_path):
    """A cache folder of this test's own: other tests may have cached the same taxonomy."""
    settings.WAKE_DATA_DIR = tmp_path


class TestCache:
    def test_second_build_loads_the_cache(self, empty_cache):
        first, built = build_index()
        assert built
        second, built_again = build_index()
        assert not built_again
        assert second.fingerprint == first.fingerprint
        assert list(cache_dir().glob("index-*.pkl")) != []

    def test_taxonomy_change_invalidates_the_cache(self):
        first, _ = build_index()
        skill = Skill.objects.get(uri=JAVASCRIPT)
        skill.alt_labels_fr = [*skill.alt_labels_fr, "langage du navigateur"]
        skill.save()
        second, built = build_index()
        assert built
        assert second.fingerprint != first.fingerprint

    def test_corrupt_cache_file_is_rebuilt(self):
        extractor, _ = build_index()
        path = cache_dir() / f"index-{extractor.fingerprint}.pkl"
        path.write_bytes(b"not a pickle")
        rebuilt, built = build_index()
        assert built and rebuilt.fingerprint == extractor.fingerprint


class TestCuratorFeedback:
    def test_synonym_takes_effect_after_refresh(self):
        text = "Vous maîtrisez le langage ECMA côté navigateur."
        assert JAVASCRIPT not in {m.uri for m in get_extractor().extract(text)}
        SkillSynonym.objects.create(
            skill=Skill.objects.get(uri=JAVASCRIPT), label="langage ECMA", language="fr"
        )
        matches = {m.uri: m for m in get_extractor(refresh=True).extract(text)}
        assert JAVASCRIPT in matches
        assert matches[JAVASCRIPT].method == "synonym"
        assert matches[JAVASCRIPT].evidence == "langage ECMA"

    def test_rejected_pattern_takes_effect_after_refresh(self):
        text = "Java, l'île indonésienne, est notre destination."
        java = Skill.objects.get(preferred_label_en="Java (computer programming)")
        before = {m.uri: m for m in get_extractor().rank(text, top_k=5)}
        assert java.uri in before and before[java.uri].spans
        RejectedMatchPattern.objects.create(pattern="Java", skill=java)
        after = {m.uri: m for m in get_extractor(refresh=True).rank(text, top_k=50)}
        assert java.uri not in after or not after[java.uri].spans

    def test_global_rejection_applies_to_every_skill(self):
        RejectedMatchPattern.objects.create(pattern="JavaScript", skill=None)
        matches = get_extractor(refresh=True).extract("JavaScript")
        assert [m for m in matches if m.spans] == []  # nothing read literally any more


class TestExtractSkillsCommand:
    def test_jsonl_contract(self, tmp_path, capsys):
        source = write_jsonl(
            tmp_path / "in.jsonl",
            [
                json.dumps({"id": 1, "text": "Vous maîtrisez JavaScript et Adobe Photoshop."}),
                "{not json",
                json.dumps({"id": "b", "text": "Experience with SQL and Unreal Engine."}),
                json.dumps({"text": "no id"}),
                json.dumps({"id": 3, "text": 42}),
                json.dumps({"id": 4, "text": ""}),
            ],
        )
        target = tmp_path / "out.jsonl"
        call_command("extract_skills", input=str(source), output=str(target))
        rows = read_jsonl(target)
        assert [row["id"] for row in rows] == [1, "b", 4]
        assert rows[0]["lang"] == "fr" and rows[1]["lang"] == "en"
        first = rows[0]["skills"]
        assert PHOTOSHOP in [s["uri"] for s in first]
        assert set(first[0]) == {"uri", "score", "start", "end"}
        scores = [s["score"] for s in first]
        assert scores == sorted(scores, reverse=True)
        assert rows[2]["skills"] == []
        errors = capsys.readouterr().err
        assert "line 2:" in errors and "line 4:" in errors and "line 5:" in errors

    def test_rank_mode_returns_top_k_whatever_the_threshold(self, tmp_path):
        source = write_jsonl(
            tmp_path / "in.jsonl", [json.dumps({"id": 1, "text": "JavaScript et bases de données"})]
        )
        target = tmp_path / "out.jsonl"
        call_command("extract_skills", input=str(source), output=str(target), rank=True, top_k=12)
        skills = read_jsonl(target)[0]["skills"]
        assert len(skills) == 12
        scores = [s["score"] for s in skills]
        assert scores == sorted(scores, reverse=True)
        call_command("extract_skills", input=str(source), output=str(target), top_k=2)
        assert len(read_jsonl(target)[0]["skills"]) <= 2

    def test_spans_are_character_offsets(self, tmp_path):
        text = "Maîtrise d’JavaScript"
        source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": 1, "text": text})])
        target = tmp_path / "out.jsonl"
        call_command("extract_skills", input=str(source), output=str(target), rank=True)
        hit = next(s for s in read_jsonl(target)[0]["skills"] if s["uri"] == JAVASCRIPT)
        assert text[hit["start"] : hit["end"]] == "JavaScript"


class TestMatchOccupationCommand:
    def test_jsonl_contract(self, tmp_path, capsys):
        source = write_jsonl(
            tmp_path / "in.jsonl",
            [
                json.dumps({"id": 1, "text": "Développeur web (H/F/X)"}),
                "[1, 2]",
                json.dumps({"id": 2, "text": "sound designer"}),
            ],
        )
        target = tmp_path / "out.jsonl"
        call_command("match_occupation", input=str(source), output=str(target), top_k=3)
        rows = read_jsonl(target)
        assert [row["id"] for row in rows] == [1, 2]
        assert 0 < len(rows[0]["occupations"]) <= 3
        assert set(rows[0]["occupations"][0]) == {"uri", "score"}
        scores = [o["score"] for o in rows[1]["occupations"]]
        assert scores == sorted(scores, reverse=True)
        assert "line 2:" in capsys.readouterr().err


def test_build_extraction_index_command(capsys):
    call_command("build_extraction_index")
    assert "Extraction index" in capsys.readouterr().out
    call_command("build_extraction_index")
    assert "already current" in capsys.readouterr().out


@pytest.mark.django_db
class TestHostileInput:
    """#9 defects 3 and 10: bad lines are reported by number, the others are answered."""

    def test_deep_json_lone_surrogate_and_huge_text_are_refused_by_line(self, tmp_path, capsys):
        source = tmp_path / "in.jsonl"
        source.write_text(
            "\n".join(
                [
                    json.dumps({"id": "ok-1", "text": "JavaScript"}),
                    '{"id": "deep", "text": "x", "extra": ' + "[" * 50_000 + "]" * 50_000 + "}",
                    '{"id": "\\ud800", "text": "JavaScript"}',
                    json.dumps({"id": "huge", "text": "mot " * 60_000}),
                    json.dumps({"id": "ok-5", "text": "Adobe Photoshop"}),
                ]
            ),
            encoding="utf-8",
        )
        target = tmp_path / "out.jsonl"
        call_command("extract_skills", input=str(source), output=str(target))
        assert [row["id"] for row in read_jsonl(target)] == ["ok-1", "ok-5"]
        errors = capsys.readouterr().err
        assert "line 2:" in errors and "nested deeper" in errors
        assert "line 3:" in errors and "line 4:" in errors and "longer than" in errors


def test_an_id_with_unicode_line_separators_stays_on_one_output_line(tmp_path):
    """Found by bench/fuzz.py: an id holding U+2028, U+2029 or U+0085 was written raw, and a
    reader splitting lines the way Python's `str.splitlines` (or JavaScript) does saw broken
    JSON."""
    record_id = "a\u2028b\u2029c\x85d"
    source = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": record_id, "text": "Java"})])
    target = tmp_path / "out.jsonl"
    call_command("extract_skills", "--input", str(source), "--output", str(target))
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["id"] == record_id


@pytest.mark.django_db
def test_a_lone_surrogate_inside_a_structured_id_is_refused_by_line(tmp_path, capsys):
    """Found by bench/fuzz.py (10,000 inputs): an id that is a list or an object holding a lone
    surrogate passed the check (strings only) and crashed the run when its answer was written."""
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            [
                '{"id": ["a", "\\ud800"], "text": "JavaScript"}',
                '{"id": {"k\\udfff": 1}, "text": "JavaScript"}',
                json.dumps({"id": ["ok", {"n": 3}], "text": "Adobe Photoshop"}),
            ]
        ),
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    call_command("extract_skills", input=str(source), output=str(target))
    assert [row["id"] for row in read_jsonl(target)] == [["ok", {"n": 3}]]
    errors = capsys.readouterr().err
    assert "line 1:" in errors and "line 2:" in errors and "surrogate" in errors


@pytest.mark.django_db
def test_a_line_of_control_characters_is_reported_not_taken_for_blank(tmp_path, capsys):
    """Found by bench/fuzz.py: Python's str.strip() takes U+001C–U+001F for white space, so a
    line holding only one of them was skipped without a word; JSON white space is space, tab
    and line ends only, so it is a malformed line like any other."""
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\x1d\n" + json.dumps({"id": "ok", "text": "Java"}).encode() + b"\n \t\n")
    target = tmp_path / "out.jsonl"
    call_command("extract_skills", input=str(source), output=str(target))
    assert [row["id"] for row in read_jsonl(target)] == ["ok"]
    errors = capsys.readouterr().err
    assert "line 1: invalid JSON" in errors and "line 3" not in errors
