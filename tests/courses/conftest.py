import pytest
from django.contrib.auth import get_user_model

from cms.demo import ensure_site
from courses.models import OfferIndexPage, ProviderIndexPage


@pytest.fixture
def home(db):
    return ensure_site()


@pytest.fixture
def provider_index(home):
    index = ProviderIndexPage(title="Organismes", slug="organismes")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def offer_index(home):
    index = OfferIndexPage(title="Formations", slug="formations")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw")
