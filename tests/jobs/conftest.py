import pytest

from tests.jobs.factories import FeedSourceFactory


@pytest.fixture
def source(db):
    return FeedSourceFactory(name="forem")


@pytest.fixture
def other_source(db):
    return FeedSourceFactory(name="jobboard")
