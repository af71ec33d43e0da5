"""The fixtures the hardening tests build on: a home page, the provider index, a feed source."""

from tests.courses.conftest import home, provider_index  # noqa: F401
from tests.jobs.conftest import source  # noqa: F401
