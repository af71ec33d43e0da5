import pytest
from django.contrib.auth import get_user_model

from courses.models import OfferIndexPage, ProviderIndexPage
from tests.cms.factories import make_home_page


@pytest.fixture
def home(db):
    return make_home_page()


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
