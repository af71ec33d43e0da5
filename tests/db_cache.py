"""A migrated test database, built once and reused while nothing that shapes it changes.

Creating the test database is dominated by over 200 migrations (Django, Wagtail, taggit,
django-tasks and ours), far longer than any test module. This module keeps the result of
`migrate` plus the ESCO fixture slice under a key (`cache_key`), and restores it instead of
migrating when the key is unchanged:

- SQLite: a database file `sqlite-<key>.sqlite3` in the cache folder, copied into the
  (in-memory) test database with sqlite3's backup API;
- PostgreSQL: a database `wake_tpl_<key[:12]>` on the server, from which the test database is
  created with `CREATE DATABASE … TEMPLATE …`.

Beside each copy is the snapshot Django's `serialize_db_to_string()` took right after
`migrate` (before the slice), which `serialized_rollback` tests get exactly as on a cold run:
a JSON file `sqlite-<key>.json` for SQLite, the template database's comment for PostgreSQL
(so that the template is complete on its own and a fresh clone can use it).

Contracts:
- a restored database holds the same rows, ids and sequences as a freshly built one, since it
  is a page-for-page (SQLite) or file-level (PostgreSQL) copy of one taken right after the build;
- a copy is published only once complete (temporary name, then an atomic rename), so
  concurrent test sessions with the same key never see a partial copy; two sessions building
  at once both succeed, one copy wins;
- a missing, vanished or unreadable copy is a cache miss, never an error: the database is then
  migrated as without the cache;
- at most `KEEP` copies are kept: saving one drops the older ones of other keys.

`WAKE_TEST_DB_CACHE` names the cache folder (default `var/test-db-cache/` in the repository);
`off` disables the cache, as does pytest's `--no-db-cache` (see tests/conftest.py).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import os
import secrets
import sqlite3
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
CACHE_ENV = "WAKE_TEST_DB_CACHE"
DEFAULT_CACHE_DIR = REPO / "var" / "test-db-cache"
OFF_VALUES = {"off", "0", "false", "no", "none"}
KEEP = 2
PG_TEMPLATE_PREFIX = "wake_tpl_"
PG_BUILD_PREFIX = "wake_tplbuild_"

# Inputs beyond migrations and models: the ESCO slice and the code that loads it, and this
# cache's own build steps (tests/conftest.py decides what is loaded after migrate).
SLICE_DIR = REPO / "tests" / "fixtures" / "esco_small"
SLICE_LOADER = "skills.services.esco_import"
EXTRA_TREES = [
    REPO / "skills" / "services",
    REPO / "skills" / "importing",
    REPO / "skills" / "models.py",
    SLICE_DIR,
    REPO / "tests" / "conftest.py",
    Path(__file__).resolve(),
]
# The settings that change what migrations write (content type ids follow the app order,
# Wagtail's initial locale follows the language).
KEY_SETTINGS = [
    "INSTALLED_APPS",
    "LANGUAGE_CODE",
    "LANGUAGES",
    "WAGTAIL_CONTENT_LANGUAGES",
    "WAGTAIL_I18N_ENABLED",
    "AUTH_USER_MODEL",
    "DEFAULT_AUTO_FIELD",
    "MIGRATION_MODULES",
    "TIME_ZONE",
    "USE_TZ",
]
IGNORED_PARTS = {"__pycache__"}
IGNORED_SUFFIXES = {".pyc", ".pyo"}


def cache_dir(disabled: bool = False) -> Path | None:
    """The cache folder from `WAKE_TEST_DB_CACHE` (default `var/test-db-cache/`), or None when
    the cache is off (`disabled`, or the variable set to `off`)."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if disabled or value.lower() in OFF_VALUES:
        return None
    return Path(value).expanduser() if value else DEFAULT_CACHE_DIR


# --------------------------------------------------------------------------------- the key


def fingerprint(sources: Iterable[tuple[str, Path]], facts: Mapping[str, str]) -> str:
    """SHA-256 over the named files and trees and the facts (versions, settings).

    Each source is (label, path): a file, or a folder whose files are all read (bytecode
    caches aside). Only labels, paths relative to each source and contents count, so a copy
    of the same files elsewhere gives the same key; a missing source counts as missing.
    """
    digest = hashlib.sha256()

    def feed(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            # Length-prefixed, so that no two different inputs concatenate the same.
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    for label, root in sources:
        if root.is_file():
            files = [(root.name, root)]
        elif root.is_dir():
            files = sorted(
                (path.relative_to(root).as_posix(), path)
                for path in root.rglob("*")
                if path.is_file()
                and not IGNORED_PARTS.intersection(path.relative_to(root).parts)
                and path.suffix not in IGNORED_SUFFIXES
            )
        else:
            feed("source", label, "missing")
            continue
        for relative, path in files:
            feed("file", label, relative, path.read_bytes())
    for name in sorted(facts):
        feed("fact", name, facts[name])
    return digest.hexdigest()


def key_inputs(engine: str) -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """What shapes the migrated, slice-loaded test database on `engine` (Django's vendor
    name), for `fingerprint`: every installed app's migrations package and models module or
    package; the project modules that migrations, migrate signal receivers and the slice
    loader import (transitively); the slice and the trees of EXTRA_TREES; the settings module;
    the versions of Django, Wagtail and every app's distribution; KEY_SETTINGS; the engine and
    the checkout's path."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader
    from django.utils import translation

    configs = apps.get_app_configs()
    # The project's own packages (all top-level), by folder.
    project = {
        config.name: Path(config.path).resolve()
        for config in configs
        if "." not in config.name and _is_project_file(Path(config.path))
    }
    sources: list[tuple[str, Path]] = []
    project_modules: list[str] = [SLICE_LOADER]
    for config in configs:
        module_name, _explicit = MigrationLoader.migrations_module(config.label)
        for folder in _package_folders(module_name):
            sources.append((f"{config.label}:migrations", folder))
            if module_name.partition(".")[0] in project:
                project_modules += [
                    f"{module_name}.{path.stem}" for path in sorted(folder.glob("[!_]*.py"))
                ]
        if config.models_module is not None:
            models_file = Path(config.models_module.__file__)
            models = models_file.parent if models_file.name == "__init__.py" else models_file
            sources.append((f"{config.label}:models", models))
    project_modules += _migrate_receiver_modules()
    for path in _project_import_closure(project_modules, project):
        sources.append((f"import:{path.relative_to(REPO).as_posix()}", path))
    for path in EXTRA_TREES:
        sources.append((f"tree:{path.relative_to(REPO).as_posix()}", path))
    settings_file = Path(sys.modules[settings.SETTINGS_MODULE].__file__)
    sources.append(("settings", settings_file.parent))

    # The checkout's path: the slice importer records its source folder in the database, so
    # a copy built in another checkout (a PostgreSQL template is shared by the server) would
    # differ from a fresh build in this one.
    facts = {"engine": engine, "checkout": str(REPO)}
    if engine == "sqlite":
        facts["sqlite"] = sqlite3.sqlite_version
    # Untranslated: language names are lazy strings, translated into whatever is active.
    with translation.override(None):
        for name in KEY_SETTINGS:
            facts[f"setting:{name}"] = repr(getattr(settings, name, None))
    tops = {"django", "wagtail"} | {config.name.partition(".")[0] for config in configs}
    facts.update(_distribution_versions(tops - project.keys()))
    return sources, facts


def cache_key(engine: str) -> str:
    """The key of the cached test database for `engine`: any change to its inputs (see
    `key_inputs`) gives another key, hence a rebuild."""
    return fingerprint(*key_inputs(engine))


def _is_project_file(path: Path) -> bool:
    # CI's virtualenv lives inside the repository: its packages are not the project's.
    path = path.resolve()
    return path.is_relative_to(REPO) and "site-packages" not in path.parts


def _distribution_versions(modules: set[str]) -> dict[str, str]:
    """{"version:<distribution>": version} for the installed distributions that provide the
    top-level `modules`. (importlib.metadata.packages_distributions would do, but builds Path
    objects for every file of every distribution: half a second per session.)"""
    versions = {}
    for dist in importlib.metadata.distributions():
        listed = dist.read_text("top_level.txt")
        if listed is not None:
            provided = set(listed.split())
        else:
            record = dist.read_text("RECORD") or ""
            provided = {line.partition("/")[0] for line in record.splitlines() if "/" in line}
        if modules & provided:
            versions[f"version:{dist.metadata['Name']}"] = dist.version
    return versions


def _package_folders(module_name: str | None) -> list[Path]:
    if not module_name:
        return []
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(location) for location in spec.submodule_search_locations]


def _migrate_receiver_modules() -> list[str]:
    """Modules of the functions connected to pre_migrate/post_migrate: they write rows too
    (permissions, content types, the project's roles)."""
    from django.db.models.signals import post_migrate, pre_migrate

    modules = []
    for signal in (pre_migrate, post_migrate):
        for entry in signal.receivers:
            receiver = entry[1]
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            module = getattr(receiver, "__module__", None)
            if module:
                modules.append(module)
    return modules


def _project_import_closure(modules: Iterable[str], project: Mapping[str, Path]) -> list[Path]:
    """Files of the project modules among `modules` and of every project module they import,
    directly or not (imports inside functions included). `project` maps the project's
    top-level packages to their folders. Read from the source, never imported: importing
    would run module code (and pull heavy dependencies) just to compute a key."""
    seen: set[Path] = set()
    pending = list(modules)
    while pending:
        name = pending.pop()
        top, _dot, rest = name.partition(".")
        if top not in project:
            continue
        base = project[top].joinpath(*rest.split(".")) if rest else project[top]
        if (base / "__init__.py").is_file():
            path, package = base / "__init__.py", name
        elif base.with_suffix(".py").is_file():
            path, package = base.with_suffix(".py"), name.rpartition(".")[0]
        else:
            continue  # `from package.module import function` names a function, not a module.
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    module = importlib.util.resolve_name("." * node.level + module, package)
                pending.append(module)
                pending += [f"{module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return sorted(seen)


# ------------------------------------------------------------------------------ the stores


class Store:
    """Where one engine keeps built databases. `restore` fills the test database from the copy
    for `key` and returns the post-migrate snapshot, or returns None when there is no usable
    copy; `save` publishes the current test database (complete, connections closable) under
    `key` with `snapshot`."""

    def __init__(self, connection, folder: Path, verbosity: int):
        self.connection = connection
        self.folder = folder
        self.verbosity = verbosity

    def log(self, message: str) -> None:
        if self.verbosity >= 1:
            self.connection.creation.log(message)

    def restore(self, key: str) -> str | None:
        raise NotImplementedError

    def save(self, key: str, snapshot: str) -> None:
        raise NotImplementedError


class SqliteStore(Store):
    def paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"sqlite-{key}.sqlite3", self.folder / f"sqlite-{key}.json"

    def restore(self, key: str) -> str | None:
        database, snapshot_file = self.paths(key)
        try:
            snapshot = snapshot_file.read_text(encoding="utf-8")
            # Read-only: a concurrent session may be restoring from the same file.
            source = sqlite3.connect(f"file:{quote(str(database))}?mode=ro", uri=True)
        except (OSError, sqlite3.Error):
            return None
        creation = self.connection.creation
        # Erases a stale test database file (for a file TEST NAME), as a cold run does.
        test_name = creation._create_test_db(self.verbosity, autoclobber=True, keepdb=False)
        _switch_to(self.connection, test_name)
        try:
            self.connection.ensure_connection()
            with source:
                source.backup(self.connection.connection)
        except sqlite3.Error as error:
            self.log(f"Test database cache: cannot restore {database.name} ({error}).")
            return None
        finally:
            source.close()
        # Eviction goes by modification time: a copy in use counts as recent.
        with contextlib.suppress(OSError):
            os.utime(database)
        self.log(f"Test database restored from {database}.")
        return snapshot

    def save(self, key: str, snapshot: str) -> None:
        database, snapshot_file = self.paths(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        # The snapshot first: a published database file always has its snapshot beside it
        # (a concurrent build writes the same snapshot for the same key).
        temporary = snapshot_file.with_name(f"{snapshot_file.name}.{token}.tmp")
        temporary.write_text(snapshot, encoding="utf-8")
        os.replace(temporary, snapshot_file)
        temporary = database.with_name(f"{database.name}.{token}.tmp")
        target = sqlite3.connect(temporary)
        try:
            self.connection.ensure_connection()
            self.connection.connection.backup(target)
        finally:
            target.close()
        os.replace(temporary, database)
        self.log(f"Test database cached in {database}.")
        self.evict(keep=database)

    def evict(self, keep: Path) -> None:
        """Drop all but the KEEP most recent copies (`keep` among them), and temporary files
        older than an hour (left by interrupted sessions)."""
        copies = sorted(
            (path for path in self.folder.glob("sqlite-*.sqlite3") if path != keep),
            key=_mtime,
            reverse=True,
        )
        for path in copies[KEEP - 1 :]:
            for stale in (path, path.with_suffix(".json")):
                stale.unlink(missing_ok=True)
        for path in self.folder.glob("sqlite-*.tmp"):
            if _mtime(path) < time.time() - 3600:
                path.unlink(missing_ok=True)


class PostgresStore(Store):
    def template_name(self, key: str) -> str:
        return f"{PG_TEMPLATE_PREFIX}{key[:12]}"

    def quote(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def restore(self, key: str) -> str | None:
        from django.db import DatabaseError

        template = self.template_name(key)
        creation = self.connection.creation
        test_name = creation._get_test_db_name()
        suffix = creation._get_database_create_suffix(
            encoding=self.connection.settings_dict["TEST"]["CHARSET"], template=template
        )
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [template],
            )
            row = cursor.fetchone()
            if row is None or row[0] is None:
                return None
            # As a cold run does: a test database left by an interrupted session goes.
            cursor.execute(f"DROP DATABASE IF EXISTS {self.quote(test_name)}")
            try:
                cursor.execute(f"CREATE DATABASE {self.quote(test_name)} {suffix}")
            except DatabaseError as error:
                # Dropped by a concurrent session's eviction since the lookup: a miss.
                self.log(f"Test database cache: cannot clone {template} ({error}).")
                return None
        _switch_to(self.connection, test_name)
        self.log(f"Test database created from template {template}.")
        return row[0]

    def save(self, key: str, snapshot: str) -> None:
        from django.db import DatabaseError

        template = self.template_name(key)
        building = f"{PG_BUILD_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        test_name = self.connection.settings_dict["NAME"]
        # A template database must have no other session while it is copied.
        self.connection.close()
        self.connection.close_pool()
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(
                f"CREATE DATABASE {self.quote(building)} TEMPLATE {self.quote(test_name)}"
            )
            cursor.execute(f"COMMENT ON DATABASE {self.quote(building)} IS %s", [snapshot])
            # No session can open it, so no session can ever block a clone of it.
            cursor.execute(f"ALTER DATABASE {self.quote(building)} ALLOW_CONNECTIONS false")
            try:
                cursor.execute(
                    f"ALTER DATABASE {self.quote(building)} RENAME TO {self.quote(template)}"
                )
            except DatabaseError:
                # A concurrent session published the same key first: its copy is as good.
                cursor.execute(f"DROP DATABASE {self.quote(building)}")
            else:
                self.log(f"Test database cached as template {template}.")
            self.evict(cursor, keep=template)

    def evict(self, cursor, keep: str) -> None:
        """Drop all but the KEEP most recent templates (`keep` among them). Databases get
        increasing oids, and a rename keeps the oid: the highest oids are the newest."""
        from django.db import DatabaseError

        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s "
            "ORDER BY oid DESC",
            [PG_TEMPLATE_PREFIX.replace("_", r"\_") + "%", keep],
        )
        for (name,) in cursor.fetchall()[KEEP - 1 :]:
            # A template being cloned right now by another session cannot go: next time.
            with contextlib.suppress(DatabaseError):
                cursor.execute(f"DROP DATABASE IF EXISTS {self.quote(name)}")


STORES = {"sqlite": SqliteStore, "postgresql": PostgresStore}


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _switch_to(connection, test_name: str) -> None:
    """Point the connection and settings at the test database, as create_test_db does."""
    from django.conf import settings

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name


# ------------------------------------------------------------------------------- the setup


def supports(connection) -> bool:
    """Whether the cache can stand in for create_test_db on this connection: a known engine,
    migrations on, and no TEST template of the project's own (the cache sets one)."""
    test = connection.settings_dict.get("TEST", {})
    return (
        connection.vendor in STORES
        and test.get("MIGRATE", True) is not False
        and not test.get("TEMPLATE")
    )


def setup_test_database(
    connection,
    folder: Path,
    *,
    verbosity: int,
    serialize: bool,
    load: Callable[[], None],
    key: str | None = None,
    rebuild: bool = False,
) -> Sequence[tuple]:
    """Create the test database of `connection` from the cache, or build it (create_test_db,
    snapshot, then `load`) and cache it; with `rebuild`, build and cache it even if a copy
    exists. Returns what teardown_databases expects.

    Either way the connection ends up on a test database holding the migrated schema and data
    plus what `load` wrote, and with `serialize` its `_test_serialized_contents` is the
    snapshot taken right after migrate, as setup_databases leaves it on a cold run.
    """
    from django.core.management import call_command

    old_name = connection.settings_dict["NAME"]
    store = STORES[connection.vendor](connection, folder, verbosity)
    key = key or cache_key(connection.vendor)
    snapshot = None if rebuild else store.restore(key)
    if snapshot is None:
        connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
        snapshot = connection.creation.serialize_db_to_string()
        load()
        store.save(key, snapshot)
    else:
        # The rest of create_test_db after migrate.
        call_command("createcachetable", database=connection.alias)
    connection.ensure_connection()
    if serialize:
        connection._test_serialized_contents = snapshot
    return [(connection, old_name, True)]


def stored_snapshot(connection, folder: Path, key: str) -> str | None:
    """The post-migrate snapshot cached for `key`, or None (for the cache's own tests)."""
    if connection.vendor == "sqlite":
        try:
            return SqliteStore(connection, folder, 0).paths(key)[1].read_text(encoding="utf-8")
        except OSError:
            return None
    template = PostgresStore(connection, folder, 0).template_name(key)
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        )
        row = cursor.fetchone()
    return row[0] if row else None
