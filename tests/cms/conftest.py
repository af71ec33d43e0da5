"""The concept pages list training offers: the cadastre's page-tree fixtures serve here too."""

from tests.courses.conftest import home, offer_index, provider_index  # noqa: F401
