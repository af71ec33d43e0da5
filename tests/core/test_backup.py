"""Backup and restore, for real: a SQLite database file and a media folder are saved, changed,
and restored through the management commands; PostgreSQL too when a server is reachable."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(env, *args, input_text=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=300,
    )


def site_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        WAKE_DATA_DIR=str(tmp_path / "var"),
    )
    return env


@pytest.fixture
def sqlite_site(tmp_path):
    database = tmp_path / "site.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE note (text TEXT)")
        db.execute("INSERT INTO note VALUES ('before')")
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "catalogue.csv").write_text("v1")
    return {"env": site_env(tmp_path, f"sqlite:///{database}"), "db": database, "media": media}


def notes(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT text FROM note ORDER BY rowid")]


def test_sqlite_backup_then_restore_brings_back_database_and_media(sqlite_site, tmp_path):
    env, database, media = sqlite_site["env"], sqlite_site["db"], sqlite_site["media"]
    made = manage(env, "backup", "--output", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip())
    manifest = json.loads((folder / "backup.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert set(manifest["files"]) == {"database.sqlite3", "media.tar.gz"}

    # Life goes on: a row, a changed file, a new file.
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO note VALUES ('after')")
    (media / "documents" / "catalogue.csv").write_text("v2")
    (media / "new.txt").write_text("new")
    assert notes(database) == ["before", "after"]

    restored = manage(env, "restore", str(folder), "--no-input")
    assert restored.returncode == 0, restored.stderr
    assert notes(database) == ["before"]
    assert (media / "documents" / "catalogue.csv").read_text() == "v1"
    assert not (media / "new.txt").exists()
    assert not media.with_name("media.before-restore").exists()


def test_restore_asks_first_and_no_means_no(sqlite_site, tmp_path):
    env, database = sqlite_site["env"], sqlite_site["db"]
    folder = Path(manage(env, "backup", "--output", str(tmp_path / "b")).stdout.strip())
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO note VALUES ('after')")
    refused = manage(env, "restore", str(folder), input_text="no\n")
    assert refused.returncode != 0
    assert "nothing changed" in refused.stderr
    assert notes(database) == ["before", "after"]


def test_a_damaged_backup_is_refused_and_nothing_changes(sqlite_site, tmp_path):
    env, database, media = sqlite_site["env"], sqlite_site["db"], sqlite_site["media"]
    folder = Path(manage(env, "backup", "--output", str(tmp_path / "b")).stdout.strip())
    with (folder / "database.sqlite3").open("r+b") as handle:
        handle.seek(200)
        handle.write(b"\xff\xff\xff")
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO note VALUES ('after')")
    result = manage(env, "restore", str(folder), "--no-input")
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert notes(database) == ["before", "after"]
    assert (media / "documents" / "catalogue.csv").read_text() == "v1"


def test_a_backup_of_another_engine_is_refused(sqlite_site, tmp_path):
    env = sqlite_site["env"]
    folder = Path(manage(env, "backup", "--output", str(tmp_path / "b")).stdout.strip())
    manifest = json.loads((folder / "backup.json").read_text())
    manifest["engine"] = "postgresql"
    (folder / "backup.json").write_text(json.dumps(manifest))
    result = manage(env, "restore", str(folder), "--no-input")
    assert result.returncode != 0
    assert "postgresql" in result.stderr


def postgres_reachable() -> bool:
    if not shutil.which("psql") or not shutil.which("pg_dump"):
        return False
    probe = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "select 1"],
        capture_output=True,
        text=True,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not postgres_reachable(), reason="no PostgreSQL server on 127.0.0.1")
def test_postgresql_backup_then_restore(tmp_path):
    name = f"wake_backup_{uuid.uuid4().hex[:10]}"

    def psql(sql, database=name):
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    psql(f"CREATE DATABASE {name}", database="postgres")
    try:
        psql("CREATE TABLE note (text text); INSERT INTO note VALUES ('before')")
        (tmp_path / "media").mkdir()
        (tmp_path / "media" / "a.txt").write_text("v1")
        env = site_env(tmp_path, f"postgres://postgres@127.0.0.1:5432/{name}")
        made = manage(env, "backup", "--output", str(tmp_path / "b"))
        assert made.returncode == 0, made.stderr
        psql("INSERT INTO note VALUES ('after'); CREATE TABLE extra (n int)")
        (tmp_path / "media" / "a.txt").write_text("v2")
        restored = manage(env, "restore", made.stdout.strip(), "--no-input")
        assert restored.returncode == 0, restored.stderr
        assert psql("SELECT string_agg(text, ',') FROM note") == "before"
        assert psql("SELECT count(*) FROM pg_tables WHERE tablename = 'extra'") == "0"
        assert (tmp_path / "media" / "a.txt").read_text() == "v1"
    finally:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", database="postgres")
