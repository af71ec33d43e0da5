"""The courses fixtures the hardening tests build on (a home page and the provider index)."""

from tests.courses.conftest import home, provider_index  # noqa: F401
