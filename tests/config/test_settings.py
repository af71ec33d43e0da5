import os
import subprocess
import sys
from pathlib import Path

import pytest
from wagtail.users.models import UserProfile

ROOT = Path(__file__).resolve().parents[2]


def import_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import a settings module in a clean interpreter with only `env` set."""
    clean_env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    clean_env.pop("DATABASE_URL", None)
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import {module} as s; print(s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings("config.settings.production", DJANGO_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = import_settings("config.settings.production", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_starts_when_configured_and_database_url_selects_postgresql():
    result = import_settings(
        "config.settings.production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://wake@db.example.org:5432/wake",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_sqlite_is_the_default_database():
    result = import_settings("config.settings.dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.django_db
def test_admin_speaks_french_by_default_and_english_to_who_asks(client, django_user_model):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Nom d’utilisateur" in response.text or "Nom d'utilisateur" in response.text
    user = django_user_model.objects.create_superuser("ann", "ann@example.org", "pw")
    client.force_login(user)
    assert "Tableau de bord" in client.get("/admin/").text
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    assert "Dashboard" in client.get("/admin/").text


def test_production_refuses_to_start_without_a_database_url():
    """The SQLite file beside the code is a development default, never a silent production one."""
    result = import_settings(
        "config.settings.production", DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="a.org"
    )
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr
