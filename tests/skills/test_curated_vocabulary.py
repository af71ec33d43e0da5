"""The curated vocabulary: the shipped files, their import, and how file and admin rows coexist."""

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from skills.extraction.taxonomy import taxonomy_fingerprint
from skills.models import LOCAL_URI_PREFIX, OccupationSkill, Skill, SkillSynonym
from skills.services.curated_vocabulary import (
    LOCAL_CONCEPTS_FILE,
    VOCABULARY_FILE,
    VOCABULARY_FOLDER,
    curated_vocabulary_import,
    curated_vocabulary_read,
)
from skills.services.taxonomy import synonym_add, synonym_update

CURATED_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "curated_small"
ESCO_SKILLS = VOCABULARY_FOLDER.parent / "esco" / "skills_fr_en_merged.csv.gz"
JAVA = "http://data.europa.eu/esco/skill/19a8293b-8e95-4de3-983f-77484079c389"
SPREADSHEETS = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
UNKNOWN_ESCO_SKILL = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the small vocabulary that a test may edit."""
    target = tmp_path / "curated"
    shutil.copytree(CURATED_SMALL, target)
    return target


def append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class TestShippedFiles:
    """The files in skills/data/curated/, checked without a database."""

    def test_every_row_is_well_formed(self):
        vocabulary = curated_vocabulary_read()
        assert vocabulary.errors == []
        assert len(vocabulary.entries) >= 600
        assert len(vocabulary.local_concepts) == 27

    def test_every_esco_uri_is_a_skill_of_the_vendored_esco(self):
        with gzip.open(ESCO_SKILLS, "rt", encoding="utf-8", newline="") as handle:
            known = {row["conceptUri"] for row in csv.DictReader(handle)}
        vocabulary = curated_vocabulary_read()
        uris = {concept.broader_uri for concept in vocabulary.local_concepts}
        uris |= {entry.target for entry in vocabulary.entries if entry.target.startswith("http")}
        assert uris - known == set()

    def test_every_local_target_is_declared(self):
        vocabulary = curated_vocabulary_read()
        declared = {concept.key for concept in vocabulary.local_concepts}
        used = {
            entry.target.removeprefix("local:")
            for entry in vocabulary.entries
            if entry.target.startswith("local:")
        }
        assert used <= declared

    def test_ambiguous_short_names_require_a_context(self):
        entries = {entry.term: entry for entry in curated_vocabulary_read().entries}
        for term in ("Java", "Canva", "Unity", "R", "Go", "Tableau", "Excel"):
            assert entries[term].requires_context, term


@pytest.mark.django_db
class TestImport:
    def test_creates_local_concepts_under_their_esco_broader_skill(self):
        report = curated_vocabulary_import(folder=CURATED_SMALL)
        assert report.counts["local_concepts.created"] == 5
        tableau = Skill.objects.get(uri=LOCAL_URI_PREFIX + "tableau")
        assert tableau.origin == Skill.Origin.LOCAL
        assert tableau.key == "tableau"
        assert tableau.preferred_label_fr == "Tableau (logiciel)"
        assert [skill.preferred_label_en for skill in tableau.broader_skills.all()] == [
            "business intelligence"
        ]

    def test_creates_synonyms_with_their_provenance(self):
        curated_vocabulary_import(folder=CURATED_SMALL)
        java = SkillSynonym.objects.get(skill__uri=JAVA, label="Java")
        assert java.origin == SkillSynonym.Origin.VOCABULARY
        assert java.language == SkillSynonym.BOTH_LANGUAGES
        assert java.languages == ("fr", "en")
        assert (java.kind, java.requires_context) == ("tool", True)
        assert (java.source, java.note) == ("ESCO alternative label", "Also an island.")
        tableur = SkillSynonym.objects.get(label="tableur")
        assert (tableur.language, tableur.kind) == ("fr", "noun_form")

    def test_a_context_entry_may_repeat_a_label_to_guard_it(self):
        """ "Blender" is the local concept's own label: the entry exists to restrict it."""
        report = curated_vocabulary_import(folder=CURATED_SMALL)
        assert SkillSynonym.objects.filter(label="Blender", requires_context=True).exists()
        # "Microsoft Power BI" is the concept's label and needs no guard: nothing to add.
        assert report.counts["synonyms.already_a_label"] == 1
        assert not SkillSynonym.objects.filter(label="Microsoft Power BI").exists()

    def test_second_run_changes_nothing(self):
        curated_vocabulary_import(folder=CURATED_SMALL)
        fingerprint = taxonomy_fingerprint()
        report = curated_vocabulary_import(folder=CURATED_SMALL)
        assert report.changes == 0
        assert report.counts["synonyms.unchanged"] == 14
        assert report.counts["local_concepts.unchanged"] == 5
        assert taxonomy_fingerprint() == fingerprint

    def test_file_changes_update_and_delete_its_own_rows(self, folder):
        curated_vocabulary_import(folder=CURATED_SMALL)
        fingerprint = taxonomy_fingerprint()
        replace(folder / VOCABULARY_FILE, "Also an island.", "Also an island of Indonesia.")
        replace(
            folder / VOCABULARY_FILE,
            "Golang;any;tool;local:golang;no;",
            "Golang;any;tool;local:golang;yes;",
        )
        text = (folder / VOCABULARY_FILE).read_text(encoding="utf-8")
        (folder / VOCABULARY_FILE).write_text(
            "\n".join(line for line in text.splitlines() if not line.startswith("Spring Boot;"))
            + "\n",
            encoding="utf-8",
        )
        replace(folder / LOCAL_CONCEPTS_FILE, "Framework Java.", "Framework Java (Spring Boot).")
        report = curated_vocabulary_import(folder=folder)
        assert report.counts["synonyms.updated"] == 2
        assert report.counts["synonyms.deleted"] == 1
        assert report.counts["local_concepts.updated"] == 1
        assert SkillSynonym.objects.get(label="Java").note == "Also an island of Indonesia."
        assert SkillSynonym.objects.get(label="Golang").requires_context
        assert not SkillSynonym.objects.filter(label="Spring Boot").exists()
        spring = Skill.objects.get(uri=LOCAL_URI_PREFIX + "spring")
        assert spring.description_fr == "Framework Java (Spring Boot)."
        assert taxonomy_fingerprint() != fingerprint

    def test_curator_rows_are_never_overwritten_or_deleted(self, folder):
        javascript = Skill.objects.get(uri=JAVASCRIPT)
        own = synonym_add(skill=javascript, label="JS", language="fr", note="added in the admin")
        java = Skill.objects.get(uri=JAVA)
        same_term = synonym_add(
            skill=java, label="java", language="fr", requires_context=True, note="mine"
        )
        report = curated_vocabulary_import(folder=folder)
        assert report.counts["synonyms.kept_curator"] == 1
        assert any("kept the curator's synonym" in warning for warning in report.warnings)
        same_term.refresh_from_db()
        assert (same_term.label, same_term.note) == ("java", "mine")
        (folder / VOCABULARY_FILE).write_text(
            "term;language;kind;target;requires_context;source;note\n", encoding="utf-8"
        )
        curated_vocabulary_import(folder=folder)
        assert set(SkillSynonym.objects.values_list("pk", flat=True)) == {own.pk, same_term.pk}

    def test_an_admin_edit_makes_a_row_the_curators(self):
        curated_vocabulary_import(folder=CURATED_SMALL)
        synonym = SkillSynonym.objects.get(label="Golang")
        synonym_update(
            synonym=synonym,
            skill=synonym.skill,
            label="Golang",
            language="",
            kind="tool",
            source=synonym.source,
            note="Curators prefer this note.",
        )
        report = curated_vocabulary_import(folder=CURATED_SMALL)
        synonym.refresh_from_db()
        assert synonym.origin == SkillSynonym.Origin.CURATOR
        assert synonym.note == "Curators prefer this note."
        assert report.counts["synonyms.kept_curator"] == 1

    def test_a_term_the_extractor_would_misread_is_not_loaded(self, folder):
        """ "permis CE" is read as "permis" ("ce" is a stop word): it would match every licence."""
        append(
            folder / VOCABULARY_FILE,
            f"permis CE;fr;certification;{SPREADSHEETS};no;ROME;Articulated truck licence.",
        )
        report = curated_vocabulary_import(folder=folder)
        assert report.counts["synonyms.unreadable"] == 1
        assert any("permis CE" in warning for warning in report.warnings)
        assert not SkillSynonym.objects.filter(label="permis CE").exists()


@pytest.mark.django_db
class TestImportErrors:
    def test_bad_rows_are_reported_by_line_and_nothing_is_written(self, folder):
        append(
            folder / VOCABULARY_FILE,
            f"Jakarta;any;tool;{UNKNOWN_ESCO_SKILL};no;s;n",
            "Kotlin;any;tool;local:kotlin;no;s;n",
            "Gimp;any;logiciel;local:blender;no;s;n",
            "Krita;any;tool;local:blender;oui;s;n",
            "Inkscape;nl;tool;local:blender;no;s;n",
            "Spring;any;tool;local:spring;yes;s;n",
        )
        with pytest.raises(ValidationError) as error:
            curated_vocabulary_import(folder=folder)
        messages = error.value.messages
        assert any(m.startswith("vocabulary.csv, line 17: unknown ESCO skill") for m in messages)
        assert any(m.startswith("vocabulary.csv, line 18: unknown local key") for m in messages)
        assert any(m.startswith("vocabulary.csv, line 19: kind") for m in messages)
        assert any(m.startswith("vocabulary.csv, line 20: requires_context") for m in messages)
        assert any(m.startswith("vocabulary.csv, line 21: language") for m in messages)
        assert any(m.startswith("vocabulary.csv, line 22: “Spring”") for m in messages)
        assert not Skill.objects.local().exists()
        assert not SkillSynonym.objects.exists()

    def test_a_service_refusal_rolls_back_the_whole_run(self, folder):
        """The French label of a local concept may not be an ESCO concept's label."""
        append(
            folder / LOCAL_CONCEPTS_FILE,
            "javascript-bis;JavaScript;JavaScript;d;d;"
            "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97;n",
        )
        with pytest.raises(ValidationError) as error:
            curated_vocabulary_import(folder=folder)
        assert error.value.messages[0].startswith("local_concepts.csv, line 7: ")
        assert not Skill.objects.local().exists()
        assert not SkillSynonym.objects.exists()

    def test_without_esco_one_error_says_what_to_do(self):
        OccupationSkill.objects.all().delete()  # PROTECT: links go first
        Skill.objects.all().delete()
        with pytest.raises(ValidationError) as error:
            curated_vocabulary_import(folder=CURATED_SMALL)
        assert error.value.messages == ["No ESCO skill in the database: run import_esco first."]

    def test_wrong_columns(self, folder):
        replace(folder / VOCABULARY_FILE, "term;language", "terme;language")
        with pytest.raises(ValidationError) as error:
            curated_vocabulary_import(folder=folder)
        assert error.value.messages == [
            "vocabulary.csv, line 1: expected the columns "
            "term;language;kind;target;requires_context;source;note."
        ]


@pytest.mark.django_db
class TestCommand:
    def test_reports_counts_then_nothing_on_the_second_run(self, capsys):
        call_command("import_curated_vocabulary", folder=CURATED_SMALL)
        assert "19 change(s)" in capsys.readouterr().out
        call_command("import_curated_vocabulary", folder=CURATED_SMALL)
        assert "0 change(s)" in capsys.readouterr().out

    def test_errors_stop_the_command(self, folder, capsys):
        append(folder / VOCABULARY_FILE, "Kotlin;any;tool;local:kotlin;no;s;n")
        with pytest.raises(CommandError, match="nothing was written"):
            call_command("import_curated_vocabulary", folder=folder)
        assert "line 17: unknown local key" in capsys.readouterr().err
