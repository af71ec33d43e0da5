"""Engines are chosen by name in the settings: a wrong name is a clear configuration error."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from search.engines import DATABASE, get_engine


def test_an_unknown_engine_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not an engine name"):
        get_engine("solr")


def test_the_database_engine_is_there_without_loading():
    assert get_engine(DATABASE) is get_engine(DATABASE)
