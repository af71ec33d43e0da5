"""Backup and restore of the database and the uploaded media.

A backup is a folder `wake-YYYYMMDD-HHMMSS/` holding:
- `database.sqlite3` (SQLite's online backup: consistent while the site keeps writing) or
  `database.pgdump` (`pg_dump --format=custom`, restored with `pg_restore`);
- `media.tar.gz`, the whole MEDIA_ROOT;
- `backup.json`: the engine, the date, and each file's size and SHA-256.

Restoring checks every checksum and the engine before touching anything, then replaces the
database and the media folder (the previous media folder is kept beside it until the new one is
in place). PostgreSQL needs `pg_dump`/`pg_restore` of the server's major version on the PATH.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "backup.json"
MEDIA_ARCHIVE = "media.tar.gz"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


def _engine(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Unsupported database engine {engine}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_command(program: str, alias: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES[alias]
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (PostgreSQL client tools are needed).")
    args = [program, "--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, output: Path, alias: str = "default") -> Path:
    """Write a backup folder under `output` and return it."""
    engine = _engine(alias)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(output) / f"wake-{stamp}"
    suffix = 0
    while folder.exists():
        suffix += 1
        folder = Path(output) / f"wake-{stamp}-{suffix}"
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    try:
        if engine == "sqlite":
            database = partial / "database.sqlite3"
            source = sqlite3.connect(settings.DATABASES[alias]["NAME"])
            target = sqlite3.connect(database)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            database = partial / "database.pgdump"
            args, env = _pg_command("pg_dump", alias)
            name = settings.DATABASES[alias]["NAME"]
            _run([*args, "--format=custom", "--no-owner", "--file", str(database), name], env)
        media = partial / MEDIA_ARCHIVE
        with tarfile.open(media, "w:gz") as archive:
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                archive.add(media_root, arcname="media")
        manifest = {
            "format": 1,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "files": {
                path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)}
                for path in (database, media)
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    # Only a complete backup carries the final name.
    partial.rename(folder)
    return folder


def backup_verify(*, path: Path, alias: str = "default") -> dict:
    """The manifest of the backup at `path`, once its files and engine are checked."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is not a readable backup ({MANIFEST}: {exc}).") from exc
    if manifest.get("engine") != _engine(alias):
        raise BackupError(
            f"The backup is of a {manifest.get('engine')} database; "
            f"this site uses {_engine(alias)}."
        )
    for name, expected in files.items():
        file = path / name
        if not file.is_file() or _sha256(file) != expected["sha256"]:
            raise BackupError(f"{file} is missing or damaged (checksum mismatch); nothing changed.")
    return manifest


def backup_restore(*, path: Path, alias: str = "default") -> dict:
    """Replace the database and the media folder with the backup at `path`."""
    path = Path(path)
    manifest = backup_verify(path=path, alias=alias)
    engine = manifest["engine"]
    connections[alias].close()
    if engine == "sqlite":
        source = sqlite3.connect(path / "database.sqlite3")
        target = sqlite3.connect(settings.DATABASES[alias]["NAME"], timeout=30)
        try:
            # The online backup API in reverse: the live file is rewritten page by page under
            # SQLite's own lock, so other connections see the old or the new database.
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _pg_restore(path / "database.pgdump", alias)
    _restore_media(path / MEDIA_ARCHIVE)
    return manifest


def _pg_restore(dump: Path, alias: str) -> None:
    """Empty the public schema and load the dump, in one transaction: tables created after the
    backup go too (so `migrate` finds the schema its restored history describes), and a failure
    leaves the database as it was."""
    name = settings.DATABASES[alias]["NAME"]
    restore_args, env = _pg_command("pg_restore", alias)
    psql_args, _env = _pg_command("psql", alias)
    script = subprocess.Popen(
        [*restore_args, "--no-owner", "--file", "-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    loader = subprocess.Popen(
        [*psql_args, "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
         "--dbname", name],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        loader.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
        shutil.copyfileobj(script.stdout, loader.stdin, 1 << 20)
        loader.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped on an error: reported below
    loader_errors = loader.stderr.read().decode(errors="replace")
    script_errors = script.stderr.read().decode(errors="replace")
    if script.wait() != 0:
        loader.kill()
        loader.wait()
        raise BackupError(f"pg_restore failed: {script_errors.strip()[-2000:]}")
    if loader.wait() != 0:
        raise BackupError(f"psql failed, the database is unchanged: {loader_errors[-2000:]}")


def _restore_media(archive_path: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        restored = staging / "media"
        restored.mkdir(exist_ok=True)
        previous = media_root.with_name(media_root.name + ".before-restore")
        if previous.exists():
            shutil.rmtree(previous)
        if media_root.exists():
            media_root.rename(previous)
        restored.rename(media_root)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
