from tests.courses.conftest import home, offer_index, provider_index  # noqa: F401
