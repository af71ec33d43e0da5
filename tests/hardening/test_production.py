"""Production settings (#9 defect 10 and the deployment): static files served by WhiteNoise from
a manifest, a startup check that says when collectstatic is missing or stale, security headers,
and `check --deploy` clean once the required environment is set."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def production_env(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="wake.example.org",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        WAKE_DATA_DIR=str(folder / "var"),
    )
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A production configuration in a fresh folder, before and after collectstatic."""
    folder = tmp_path_factory.mktemp("prod")
    env = production_env(folder)
    before = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    collected = manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    assert collected.returncode == 0, collected.stderr
    after = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    return {"env": env, "folder": folder, "before": before, "after": after}


def test_the_startup_check_says_collectstatic_is_missing(deployment):
    before = deployment["before"]
    assert before.returncode != 0
    assert "collectstatic" in before.stderr


def test_check_deploy_is_clean_once_collected(deployment):
    after = deployment["after"]
    assert after.returncode == 0, after.stderr
    assert "no issues" in after.stdout


def test_a_stale_collection_is_named(deployment, tmp_path):
    """A static file added after collectstatic is reported, with the command to run."""
    manifest = deployment["folder"] / "static" / "staticfiles.json"
    data = json.loads(manifest.read_text())
    data["paths"].pop("css/site.css")
    stale = tmp_path / "static"
    stale.mkdir()
    (stale / "staticfiles.json").write_text(json.dumps(data))
    env = {**deployment["env"], "DJANGO_STATIC_ROOT": str(stale)}
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "css/site.css" in result.stderr
    assert "collectstatic" in result.stderr


def test_production_settings_values(deployment):
    code = (
        "import json; from django.conf import settings as s; import django; django.setup(); "
        "print(json.dumps({'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " 'preload': s.SECURE_HSTS_PRELOAD, 'mw': s.MIDDLEWARE,"
        " 'static': s.STORAGES['staticfiles']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'],"
        " 'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=deployment["env"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hsts"] >= 365 * 24 * 3600
    assert values["sub"] and values["preload"]
    security = values["mw"].index("django.middleware.security.SecurityMiddleware")
    assert values["mw"][security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert values["static"] == "core.staticfiles.CollectedStaticFilesStorage"
    assert values["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["session_secure"] and values["csrf_secure"]


@pytest.mark.django_db
def test_a_page_still_renders_when_the_manifest_misses_a_file(tmp_path, client):
    """An entry missing from the manifest costs one unhashed URL, never a 500 page."""
    stale = tmp_path / "stale-static"
    stale.mkdir()
    (stale / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "core.staticfiles.CollectedStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=stale):
        response = client.get(reverse("jobs:login"))
    assert response.status_code == 200
    assert "/static/css/site.css" in response.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_the_collected_static_files_with_the_headers(deployment):
    """The production server as `make serve-prod` starts it (config/gunicorn.py)."""
    port = free_port()
    env = {
        **deployment["env"],
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "python:config.gunicorn"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        manifest = json.loads((deployment["folder"] / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["css/site.css"]
        url = f"http://127.0.0.1:{port}/static/{hashed}"
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
                response = urllib.request.urlopen(request, timeout=5)
                break
            except (ConnectionError, urllib.error.URLError):
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.5)
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        hsts = response.headers["Strict-Transport-Security"]
        assert "includeSubDomains" in hsts and "preload" in hsts
        # Plain HTTP is sent to HTTPS.
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/formations/", headers={"Host": "wake.example.org"}
                ),
                timeout=10,
            )
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "https://wake.example.org/formations/"
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
