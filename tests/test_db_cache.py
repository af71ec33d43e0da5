"""The cached test database (tests/db_cache.py): its key follows what shapes the database, and
the database a session gets holds what a fresh build holds."""

import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tests import db_cache
from tests.conftest import ESCO_SMALL, TEST_ESCO_VERSION

# --------------------------------------------------------------------------------- the key


@pytest.fixture(scope="module")
def inputs():
    return db_cache.key_inputs("sqlite")


def source(sources, label: str) -> Path:
    (path,) = [path for name, path in sources if name == label]
    return path


def replaced(sources, label: str, path: Path):
    return [(name, path if name == label else old) for name, old in sources]


def copy_tree(folder: Path, target: Path) -> Path:
    return Path(shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__")))


class TestKey:
    def test_inputs_cover_every_app_with_migrations_models_and_the_slice(self, inputs):
        sources, facts = inputs
        labels = {label for label, _path in sources}
        assert {
            "wagtailcore:migrations",
            "wagtailimages:migrations",
            "taggit:migrations",
            "django_tasks_database:migrations",
            "auth:migrations",
            "contenttypes:migrations",
            "skills:migrations",
            "courses:migrations",
            "wagtailcore:models",
            "skills:models",
            "courses:models",
            "tree:skills/services",
            "tree:tests/fixtures/esco_small",
            # A post_migrate receiver of the project, and what it calls.
            "import:jobs/apps.py",
            "import:jobs/services/roles.py",
        } <= labels
        migration_files = [
            path
            for label, folder in sources
            if label.endswith(":migrations")
            for path in folder.glob("[0-9]*.py")
        ]
        assert len(migration_files) > 200  # Django's, Wagtail's and the others', not only ours
        assert {"version:Django", "version:wagtail", "version:django-taggit"} <= facts.keys()

    def test_the_same_files_elsewhere_give_the_same_key(self, inputs, tmp_path):
        sources, facts = inputs
        copy = copy_tree(source(sources, "skills:migrations"), tmp_path / "migrations")
        moved = replaced(sources, "skills:migrations", copy)
        assert db_cache.fingerprint(moved, facts) == db_cache.fingerprint(sources, facts)

    def test_an_edited_or_added_migration_changes_the_key(self, inputs, tmp_path):
        sources, facts = inputs
        copy = copy_tree(source(sources, "wagtailcore:migrations"), tmp_path / "migrations")
        moved = replaced(sources, "wagtailcore:migrations", copy)
        before = db_cache.fingerprint(moved, facts)
        first = sorted(copy.glob("0001_*.py"))[0]
        first.write_text(first.read_text() + "\n# edited\n")
        edited = db_cache.fingerprint(moved, facts)
        (copy / "9999_new.py").write_text("# a new migration\n")
        added = db_cache.fingerprint(moved, facts)
        assert len({before, edited, added}) == 3

    def test_an_edited_slice_changes_the_key(self, inputs, tmp_path):
        sources, facts = inputs
        label = "tree:tests/fixtures/esco_small"
        copy = copy_tree(source(sources, label), tmp_path / "esco_small")
        moved = replaced(sources, label, copy)
        before = db_cache.fingerprint(moved, facts)
        skills = copy / "esco" / "skills_fr_en_merged.csv"
        skills.write_bytes(skills.read_bytes().replace(b"a", b"b", 1))
        assert db_cache.fingerprint(moved, facts) != before

    def test_another_version_or_engine_changes_the_key(self, inputs):
        sources, facts = inputs
        key = db_cache.fingerprint(sources, facts)
        upgraded = {**facts, "version:wagtail": facts["version:wagtail"] + ".post1"}
        assert db_cache.fingerprint(sources, upgraded) != key
        assert db_cache.fingerprint(sources, {**facts, "engine": "postgresql"}) != key


class TestCacheFolder:
    def test_default_path_and_off(self, monkeypatch, tmp_path):
        monkeypatch.delenv(db_cache.CACHE_ENV, raising=False)
        assert db_cache.cache_dir() == db_cache.DEFAULT_CACHE_DIR
        assert db_cache.cache_dir(disabled=True) is None
        monkeypatch.setenv(db_cache.CACHE_ENV, str(tmp_path))
        assert db_cache.cache_dir() == tmp_path
        monkeypatch.setenv(db_cache.CACHE_ENV, "off")
        assert db_cache.cache_dir() is None

    def test_saving_keeps_the_newest_other_copy_only(self, tmp_path):
        now = time.time()
        for age, name in enumerate(["current", "newer", "older", "oldest"]):
            for suffix in (".sqlite3", ".json"):
                path = tmp_path / f"sqlite-{name}{suffix}"
                path.write_text(name)
                os.utime(path, (now - age * 60, now - age * 60))
        stale = tmp_path / "sqlite-x.sqlite3.123-ab.tmp"
        building = tmp_path / "sqlite-y.sqlite3.456-cd.tmp"
        for path in (stale, building):
            path.write_text("")
        os.utime(stale, (now - 7200, now - 7200))

        store = db_cache.SqliteStore(connection, tmp_path, verbosity=0)
        store.evict(keep=tmp_path / "sqlite-current.sqlite3")

        assert sorted(path.name for path in tmp_path.iterdir()) == [
            "sqlite-current.json",
            "sqlite-current.sqlite3",
            "sqlite-newer.json",
            "sqlite-newer.sqlite3",
            "sqlite-y.sqlite3.456-cd.tmp",
        ]


# --------------------------------------------------------------------- the restored database

# Rows compared field by field with the snapshot taken right after migrate, on the build.
# (Page translation keys are random UUIDs: two fresh builds differ there too.)
COMPARED_FIELDS = {
    "contenttypes.contenttype": ["app_label", "model"],
    "auth.permission": ["codename", "content_type"],
    "auth.group": ["name", "permissions"],
    "wagtailcore.locale": ["language_code"],
    "wagtailcore.page": ["path", "depth", "numchild", "slug", "url_path", "content_type", "locale"],
    "wagtailcore.site": ["hostname", "port", "root_page", "is_default_site"],
    "wagtailcore.workflow": ["name", "active"],
    "wagtailcore.workflowtask": ["workflow", "task", "sort_order"],
    "wagtailcore.grouppagepermission": ["group", "page", "permission"],
    "courses.fundingscheme": ["slug", "name"],
}
# What the ESCO slice writes, after the snapshot.
SLICE_APPS = {"skills"}


@pytest.fixture(scope="module")
def snapshot(django_db_setup, django_db_blocker) -> list[dict]:
    """The snapshot of the freshly migrated database cached for this session's key."""
    folder = db_cache.cache_dir()
    if folder is None:
        pytest.skip(f"{db_cache.CACHE_ENV}=off")
    with django_db_blocker.unblock():
        key = db_cache.cache_key(connection.vendor)
        stored = db_cache.stored_snapshot(connection, folder, key)
    if stored is None:
        pytest.skip("no cached database for this key (session run with --no-db-cache?)")
    return json.loads(stored)


def serialized(model) -> dict:
    """The model's rows as serialize_db_to_string writes them, keyed on pk."""
    from django.core import serializers

    rows = json.loads(serializers.serialize("json", model._base_manager.order_by("pk")))
    return {row["pk"]: row["fields"] for row in rows}


@pytest.mark.django_db
class TestRestoredDatabase:
    def test_holds_the_rows_of_the_fresh_build(self, snapshot):
        built = Counter(row["model"] for row in snapshot)
        # Every table but the slice's holds as many rows as right after the build's migrate.
        for config in apps.get_app_configs():
            if config.label in SLICE_APPS:
                continue
            for model in config.get_models():
                if model._meta.managed and not model._meta.proxy:
                    label = model._meta.label_lower
                    assert model._base_manager.count() == built[label], label
        # And a few tables row by row, ids included.
        for label, fields in COMPARED_FIELDS.items():
            expected = {
                row["pk"]: {name: row["fields"][name] for name in fields}
                for row in snapshot
                if row["model"] == label
            }
            actual = {
                pk: {name: row[name] for name in fields}
                for pk, row in serialized(apps.get_model(label)).items()
            }
            assert expected and actual == expected, label

    def test_holds_wagtail_and_project_initial_data(self, snapshot):
        labels = Counter(row["model"] for row in snapshot)
        assert labels["wagtailcore.site"] == 1 and labels["wagtailcore.workflow"] >= 1
        assert labels["courses.fundingscheme"] == 3
        assert {"Platform moderators", "Advisors", "Competence centres"} <= set(
            Group.objects.values_list("name", flat=True)
        )

    def test_content_type_ids_are_those_the_code_sees(self, snapshot):
        ids = {
            (row["fields"]["app_label"], row["fields"]["model"]): row["pk"]
            for row in snapshot
            if row["model"] == "contenttypes.contenttype"
        }
        ContentType.objects.clear_cache()
        for model in apps.get_models():
            meta = model._meta
            seen = ContentType.objects.get_for_model(model, for_concrete_model=False)
            assert seen.pk == ids[meta.app_label, meta.model_name], meta.label

    def test_holds_the_slice_as_the_importer_leaves_it(self):
        from skills.models import Occupation, Skill
        from skills.services.esco_import import skill_import_esco

        # A second import over the same files changes nothing (the importer's contract).
        report = skill_import_esco(source=ESCO_SMALL, version=TEST_ESCO_VERSION)
        assert report.changes == 0
        assert Skill.objects.exists() and Occupation.objects.exists()
