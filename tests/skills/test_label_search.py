"""Label search selectors called directly (the pages' behaviour: tests/cms/test_browser.py)."""

import pytest

from skills.selectors import AUTOCOMPLETE_LIMIT, taxonomy_autocomplete

pytestmark = pytest.mark.django_db


def test_autocomplete_limit_is_capped():
    assert len(taxonomy_autocomplete(query="de", limit=500)) <= AUTOCOMPLETE_LIMIT
