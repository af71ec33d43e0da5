"""Shared fixtures: every test database starts with a small slice of the real ESCO taxonomy."""

from pathlib import Path

import pytest

ESCO_SMALL = Path(__file__).resolve().parent / "fixtures" / "esco_small" / "esco"
TEST_ESCO_VERSION = "1.1.1"


def pytest_collection_modifyitems(items):
    """Tests that reach the database only through a module-scoped fixture (the extractor built
    from the fixture slice) still need pytest-django to create the test database: it creates
    one only for collected tests marked for database access. Without this, running such a
    module alone would import the slice into the development database."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "django_db_setup" in fixtures and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the fixture slice of ESCO once per test session (tests roll back around it)."""
    from skills.services.esco_import import skill_import_esco

    with django_db_blocker.unblock():
        skill_import_esco(source=ESCO_SMALL, version=TEST_ESCO_VERSION)


@pytest.fixture
def esco_small_dir() -> Path:
    return ESCO_SMALL
