"""The concept pages list training offers: the cadastre's page-tree fixtures serve here too."""

from tests.courses.conftest import home, provider_index  # noqa: F401
