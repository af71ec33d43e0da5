"""Login throttling (#9 defect 7): every login form refuses a username+address pair after
repeated failures, for a cool-off period, with a clear message and HTTP 429."""

import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english_pages(client):
    """These checks read the English labels: the pages are asked for in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The three forms that check a password: Wagtail's admin, the employer portal, Django's admin.
LOGIN_URLS = ["/admin/login/", "/employeurs/connexion/", "/django-admin/login/"]
PASSWORD = "correct-horse-battery"
# The failures allowed before the lock (settings: WAKE_LOGIN_FAILURE_LIMIT, 5 by default).
FAILURE_LIMIT = 5


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "alice", "alice@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def post_login(client, url, password, *, username="alice", address="203.0.113.7"):
    with translation.override("en"):
        return client.post(
            url,
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            HTTP_ACCEPT_LANGUAGE="en",
        )


def fail_until_locked(client, url, settings):
    for _ in range(FAILURE_LIMIT):
        response = post_login(client, url, "wrong")
        assert response.status_code in {200, 429}


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_URLS)
def test_a_good_password_signs_in_before_any_failure(client, user, url):
    response = post_login(client, url, PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_URLS)
def test_repeated_failures_lock_the_username_from_that_address(client, user, url, settings):
    fail_until_locked(client, url, settings)
    response = post_login(client, url, PASSWORD)
    assert response.status_code == 429
    assert ("Too many failed sign-in attempts" in response.text) or (
        "Trop de tentatives" in response.text
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOGIN_URLS)
def test_the_lock_is_per_username_and_address(client, user, url, settings, django_user_model):
    django_user_model.objects.create_user("bob", "bob@example.org", PASSWORD, is_staff=True)
    fail_until_locked(client, url, settings)
    # The same account from another address, and another account from the same address.
    assert post_login(client, url, PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    assert post_login(client, url, PASSWORD, username="bob").status_code == 302


@pytest.mark.django_db
def test_the_lock_applies_across_forms(client, user, settings):
    """Failures on the portal count on the admin: the lock is the account's, not the form's."""
    fail_until_locked(client, "/employeurs/connexion/", settings)
    assert post_login(client, "/admin/login/", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, user, settings):
    with override_settings(AXES_COOLOFF_TIME=timedelta(seconds=1)):
        fail_until_locked(client, "/admin/login/", settings)
        assert post_login(client, "/admin/login/", PASSWORD).status_code == 429
        time.sleep(1.2)
        assert post_login(client, "/admin/login/", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_says_when_to_retry(client, user, settings):
    fail_until_locked(client, "/employeurs/connexion/", settings)
    response = client.post(
        "/employeurs/connexion/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert response["Retry-After"].isdigit()
