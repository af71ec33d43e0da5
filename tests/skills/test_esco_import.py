import gzip
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from skills.models import (
    Occupation,
    OccupationJobTitle,
    OccupationSkill,
    Skill,
    SkillGroup,
    TaxonomyImport,
)
from skills.services.esco_import import EscoImportError, skill_import_esco
from tests.conftest import TEST_ESCO_VERSION

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """The assertions read the English source messages; the site defaults to French."""
    with translation.override("en"):
        yield


JAVASCRIPT = "http://data.europa.eu/esco/skill/3cd569a2-4f88-4c1e-9995-8dce8c5e51a7"
WEB_DEVELOPER = "http://data.europa.eu/esco/occupation/c40a2919-48a9-40ea-b506-1f34f693496d"


@pytest.fixture
def esco_copy(tmp_path, esco_small_dir) -> Path:
    """A writable copy of the fixture slice, with the ROME folder beside it."""
    shutil.copytree(esco_small_dir.parent, tmp_path / "data")
    return tmp_path / "data" / "esco"


def drop_rows(path: Path, predicate) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(line for line in lines[1:] if not predicate(line)))


def test_fixture_taxonomy_is_loaded():
    assert Skill.objects.filter(uri=JAVASCRIPT).exists()
    web = Occupation.objects.get(uri=WEB_DEVELOPER)
    assert web.preferred_label_en == "web developer"
    assert web.preferred_label_fr.startswith("développeur web")
    assert web.isco_group.code == "2513"
    assert web.skill_links.filter(relation="essential").exists()


def test_second_run_reports_no_change(esco_small_dir):
    counts_before = (Skill.objects.count(), OccupationSkill.objects.count())
    report = skill_import_esco(source=esco_small_dir, version=TEST_ESCO_VERSION)
    assert report.changes == 0, dict(report.counts)
    assert report.counts["skills.unchanged"] == Skill.objects.esco().count()
    assert (Skill.objects.count(), OccupationSkill.objects.count()) == counts_before
    assert TaxonomyImport.objects.filter(esco_version=TEST_ESCO_VERSION).exists()


def test_label_change_is_an_update(esco_copy):
    path = esco_copy / "skills_fr_en_merged.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",JavaScript,", ",JavaScript (langage),", 1),
        encoding="utf-8",
    )
    report = skill_import_esco(source=esco_copy, version=TEST_ESCO_VERSION)
    assert report.counts["skills.updated"] == 1
    assert report.changes == 1
    skill = Skill.objects.get(uri=JAVASCRIPT)
    assert skill.preferred_label_fr == "JavaScript (langage)"
    assert "javascript (langage)" in skill.search_text


def test_concepts_missing_from_a_new_version_become_obsolete(esco_copy, esco_small_dir):
    drop_rows(esco_copy / "skills_fr_en_merged.csv", lambda line: line.startswith(JAVASCRIPT))
    drop_rows(esco_copy / "occupationSkillRelations.csv", lambda line: JAVASCRIPT in line)
    report = skill_import_esco(source=esco_copy, version="1.2.0")
    assert report.counts["skills.obsoleted"] == 1
    skill = Skill.objects.get(uri=JAVASCRIPT)
    assert skill.is_obsolete
    assert not OccupationSkill.objects.filter(skill=skill).exists()
    assert Skill.objects.current().exclude(esco_version="1.2.0").filter(origin="esco").count() == 0
    # A later version that has the concept again brings it back.
    skill_import_esco(source=esco_small_dir, version="1.2.1")
    assert not Skill.objects.get(uri=JAVASCRIPT).is_obsolete


def test_upgrade_restamps_every_concept_and_link_then_a_repeat_writes_nothing(esco_copy):
    """A new ESCO version rewrites every row's version in bulk (changed rows upserted, the
    rest restamped by id); the same version again sends no write at all."""
    path = esco_copy / "occupationSkillRelations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    occupation, relation, _type, skill = lines[1].strip().split(",")
    lines[1] = lines[1].replace(f",{relation},", ",optional,")
    path.write_text("".join(lines), encoding="utf-8")
    last_change = Skill.objects.aggregate(last=Max("updated_at"))["last"]

    report = skill_import_esco(source=esco_copy, version="1.2.0")

    esco_skills = Skill.objects.esco()
    assert report.counts["skills.updated"] == esco_skills.count()
    assert report.counts["occupation_skills.updated"] == OccupationSkill.objects.count()
    assert set(esco_skills.values_list("esco_version", flat=True)) == {"1.2.0"}
    assert set(Occupation.objects.values_list("esco_version", flat=True)) == {"1.2.0"}
    assert set(OccupationSkill.objects.values_list("esco_version", flat=True)) == {"1.2.0"}
    link = OccupationSkill.objects.get(occupation__uri=occupation, skill__uri=skill)
    assert link.relation == "optional"
    # The extractor's index fingerprint watches `updated_at`.
    assert esco_skills.aggregate(first=Min("updated_at"))["first"] > last_change

    with CaptureQueriesContext(connection) as queries:
        again = skill_import_esco(source=esco_copy, version="1.2.0")
    assert again.changes == 0
    writes = [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "taxonomyimport" not in query["sql"]
    ]
    assert writes == []


def test_hierarchy_and_occupation_skill_queries():
    skill = Skill.objects.get(uri=JAVASCRIPT)
    assert skill.broader_groups.exists() or skill.broader_skills.exists()
    group = SkillGroup.objects.filter(skills=skill).first() or skill.broader_skills.first()
    assert group is not None
    web = Occupation.objects.get(uri=WEB_DEVELOPER)
    assert OccupationSkill.objects.filter(occupation=web, skill=skill).exists()
    assert web in skill.occupations.all()
    assert SkillGroup.objects.filter(narrower__isnull=False).exists()


def test_rome_job_titles_keep_their_provenance():
    titles = OccupationJobTitle.objects.filter(occupation__uri=WEB_DEVELOPER)
    assert titles.exists()
    title = titles.first()
    assert title.source == "rome-v4.60"
    assert title.rome_code
    assert title.mapping_relation.startswith("skos:")
    web = Occupation.objects.get(uri=WEB_DEVELOPER)
    assert any(t.label.lower().split()[0] in web.search_text for t in titles)


def test_truncated_row_names_file_and_line_and_writes_nothing(esco_copy):
    path = esco_copy / "occupationSkillRelations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].split(",")[0] + ",essential\n"
    path.write_text("".join(lines), encoding="utf-8")
    before = OccupationSkill.objects.count()
    with pytest.raises(EscoImportError) as error:
        skill_import_esco(source=esco_copy, version="9.9")
    assert "occupationSkillRelations.csv, line 11" in str(error.value)
    assert OccupationSkill.objects.count() == before
    assert not Skill.objects.filter(esco_version="9.9").exists()


def test_unterminated_quote_is_reported(esco_copy):
    path = esco_copy / "skills_fr_en_merged.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2] + ',"never closed', encoding="utf-8")
    with pytest.raises(EscoImportError) as error:
        skill_import_esco(source=esco_copy, version="9.9")
    assert "skills_fr_en_merged.csv" in str(error.value)
    assert not Skill.objects.filter(esco_version="9.9").exists()


def test_truncated_gzip_is_reported(esco_copy):
    path = esco_copy / "occupations_fr.csv"
    data = gzip.compress(path.read_bytes())
    (esco_copy / "occupations_fr.csv.gz").write_bytes(data[: len(data) // 2])
    path.unlink()
    with pytest.raises(EscoImportError) as error:
        skill_import_esco(source=esco_copy, version="9.9")
    assert "occupations_fr.csv.gz" in str(error.value)


def test_missing_column_and_bad_uri_are_reported(esco_copy):
    path = esco_copy / "occupationSkillRelations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "not-a-uri" + lines[3][lines[3].index(",") :]
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(EscoImportError, match=r"line 4: occupationUri is not a URI"):
        skill_import_esco(source=esco_copy, version="9.9")
    path.write_text("occupationUri,skillUri\n", encoding="utf-8")
    with pytest.raises(EscoImportError, match="missing column"):
        skill_import_esco(source=esco_copy, version="9.9")


def test_dangling_occupation_is_a_warning_not_an_error(esco_copy):
    path = esco_copy / "occupationSkillRelations.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e,"
            f"essential,skill/competence,{JAVASCRIPT}\n"
        )
    report = skill_import_esco(source=esco_copy, version=TEST_ESCO_VERSION)
    assert report.changes == 0
    assert any("a9e54177" in warning and "known gap" in warning for warning in report.warnings)


def test_command_reports_counts_and_fails_cleanly(esco_small_dir, tmp_path, capsys):
    call_command("import_esco", source=esco_small_dir)
    out = capsys.readouterr().out
    assert "0 change(s)" in out
    assert "skills.unchanged" in out
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_esco", source=tmp_path)
