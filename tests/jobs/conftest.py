import pytest

from tests.courses.conftest import home, provider_index  # noqa: F401
from tests.jobs.factories import FeedSourceFactory


@pytest.fixture
def source(db):
    return FeedSourceFactory(name="forem")


@pytest.fixture
def other_source(db):
    return FeedSourceFactory(name="jobboard")


@pytest.fixture(autouse=True)
def french_first():
    """Each test starts in French (the default language): a request under /en/ activates
    English for the rest of the thread, which would change what `reverse()` returns."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
