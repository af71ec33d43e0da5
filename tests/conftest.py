"""Shared fixtures: every test database starts with a small slice of the real ESCO taxonomy."""

from pathlib import Path

import pytest

ESCO_SMALL = Path(__file__).resolve().parent / "fixtures" / "esco_small" / "esco"
TEST_ESCO_VERSION = "1.1.1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the fixture slice of ESCO once per test session (tests roll back around it)."""
    from skills.services.esco_import import skill_import_esco

    with django_db_blocker.unblock():
        skill_import_esco(source=ESCO_SMALL, version=TEST_ESCO_VERSION)


@pytest.fixture
def esco_small_dir() -> Path:
    return ESCO_SMALL
