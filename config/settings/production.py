"""Production: refuses to start without a secret key, allowed hosts and a database URL.

Static files are served by WhiteNoise from the hashed, compressed copies `collectstatic` writes
to STATIC_ROOT; `manage.py check --deploy` says when that collection is missing or stale.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, MIDDLEWARE, SECRET_KEY, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
if not os.environ.get("DATABASE_URL"):
    # The SQLite file beside the code is a development default, never a silent production one.
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production (postgres://user@host:5432/name; "
        "sqlite:///absolute/path to choose SQLite explicitly)."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# One year, subdomains included, eligible for the browsers' preload lists.
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Anonymous pages served from the shared cache (core.pagecache).
WAKE_PAGE_CACHE_SECONDS = int(os.environ.get("WAKE_PAGE_CACHE_SECONDS", "300"))

# --- Static files: WhiteNoise ------------------------------------------------------------------
MIDDLEWARE = list(MIDDLEWARE)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's compressed manifest storage; a file missing from the manifest is linked by
    # its plain name instead of failing the page with a 500 (`check --deploy` names it).
    "staticfiles": {"BACKEND": "core.staticfiles.CollectedStaticFilesStorage"},
}
# Hashed names never change: browsers may keep them for a year.
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365
