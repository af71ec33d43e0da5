"""Shared fixtures: every test database starts with a small slice of the real ESCO taxonomy.

The test database (migrated, slice loaded) is cached between sessions while nothing that
shapes it changes (tests/db_cache.py); `WAKE_TEST_DB_CACHE=off` or `--no-db-cache` migrates
from scratch instead.
"""

from pathlib import Path

import pytest

from tests import db_cache

ESCO_SMALL = Path(__file__).resolve().parent / "fixtures" / "esco_small" / "esco"
TEST_ESCO_VERSION = "1.1.1"


def pytest_addoption(parser):
    parser.addoption(
        "--no-db-cache",
        action="store_true",
        default=False,
        help="Migrate the test database from scratch instead of restoring the cached one "
        f"(same as {db_cache.CACHE_ENV}=off).",
    )


def pytest_collection_modifyitems(items):
    """Tests that reach the database only through a module-scoped fixture (the extractor built
    from the fixture slice) still need pytest-django to create the test database: it creates
    one only for collected tests marked for database access. Without this, running such a
    module alone would import the slice into the development database."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "django_db_setup" in fixtures and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


def load_esco_slice() -> None:
    """Import the fixture slice of ESCO (once per test database; tests roll back around it)."""
    from skills.services.esco_import import skill_import_esco

    skill_import_esco(source=ESCO_SMALL, version=TEST_ESCO_VERSION)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's django_db_setup, plus the ESCO slice, with the database from the cache
    when it can serve: the default database only, migrations on, no --reuse-db (which keeps
    its own database); --create-db rebuilds the cached copy. Otherwise, or with the cache
    off, as pytest-django does it."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    folder = db_cache.cache_dir(disabled=request.config.getoption("no_db_cache"))
    cached = (
        folder is not None
        and django_db_use_migrations
        and not django_db_keepdb
        and aliases == {"default"}
        and db_cache.supports(connections["default"])
    )

    with django_db_blocker.unblock():
        if cached:
            db_cfg = db_cache.setup_test_database(
                connections["default"],
                folder,
                verbosity=verbosity,
                serialize="default" in serialized_aliases,
                load=load_esco_slice,
                rebuild=django_db_createdb,
            )
        else:
            if not django_db_use_migrations:
                _disable_migrations()
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=django_db_keepdb and not django_db_createdb,
            )
            load_esco_slice()

    yield

    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=verbosity)
            except Exception as exc:  # As pytest-django: a warning, not an error.
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )


@pytest.fixture
def esco_small_dir() -> Path:
    return ESCO_SMALL


@pytest.fixture(autouse=True)
def _empty_cache():
    """Login failures and rate-limit counters live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Property tests: a few dozen examples each in the suite (`ci` halves that and fixes the seed);
# bench/fuzz.py runs thousands. HYPOTHESIS_PROFILE picks one.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import HealthCheck, settings

    quiet = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
    settings.register_profile(
        "default", max_examples=50, deadline=None, database=None, suppress_health_check=quiet
    )
    settings.register_profile(
        "ci", max_examples=25, deadline=None, database=None, derandomize=True,
        suppress_health_check=quiet, print_blob=True,
    )  # fmt: skip
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


_hypothesis_profiles()
