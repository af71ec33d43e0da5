"""Settings shared by every environment; each value can be overridden from the environment.

Environment variables read here:
    DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS (comma separated),
    DATABASE_URL (sqlite:///path or postgres://user@host:port/name; SQLite by default),
    WAKE_DATA_DIR (writable folder for caches such as the extractor index),
    WAGTAILADMIN_BASE_URL,
    ELASTICSEARCH_URL (the catalogue's search engine; the database engine without it),
    SEARCH_ENGINE ("database" or "elasticsearch", to choose explicitly),
    ELASTICSEARCH_INDEX_PREFIX, ELASTICSEARCH_TIMEOUT, ELASTICSEARCH_SYNONYM_RULES_MAX.
    WAKE_ANALYTICS_MIN_CELL_VOLUME (postings below which analytics rows are suppressed),
    WAGTAILADMIN_BASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "cms",
    "skills",
    "courses",
    "jobs",
    "search",
    "analytics",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Last: the demo content builds on every app above, and none of them imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a long import writes; a busy timeout
    # turns short lock waits into waits instead of "database is locked" errors.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French (Belgium) first, English beside it.
LANGUAGE_CODE = "fr-be"
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# The site's pages are translated with Wagtail's own localisation (core/page_locales.py): a
# French tree (the default locale: LANGUAGE_CODE "fr-be" resolves to the content language "fr")
# and its English copy. Content languages must be codes of LANGUAGES, hence "fr", not "fr-be".
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# Creating a French page must not create English aliases: the cadastre stays in one tree.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Writable folder for derived artefacts (extractor index cache, exports).
WAKE_DATA_DIR = Path(os.environ.get("WAKE_DATA_DIR", BASE_DIR / "var"))
# The feed API refuses larger bodies (413): a feed is sent in batches.
# The nightly open-data dump (`export_open_data`): where it is written, how many are kept.
OPEN_DATA_ROOT = Path(os.environ.get("WAKE_OPEN_DATA_ROOT", WAKE_DATA_DIR / "open-data"))
OPEN_DATA_KEEP = 7
# Session calendars (.ics) keep sessions that started this many days ago (running courses).
CALENDAR_PAST_DAYS = 60
# A posting whose source gave no expiry leaves the public job board this many days after posting.
JOB_BOARD_DEFAULT_LIFETIME_DAYS = int(os.environ.get("WAKE_JOB_BOARD_LIFETIME_DAYS", "60"))
FEED_API_MAX_BYTES = int(os.environ.get("WAKE_FEED_API_MAX_BYTES", str(20 * 1024 * 1024)))
# Where the vendored ESCO files live; tests point this at small fixtures.
ESCO_DATA_DIR = Path(os.environ.get("ESCO_DATA_DIR", BASE_DIR / "skills" / "data" / "esco"))
ESCO_VERSION = "1.1.1"
# Analytics rows with fewer postings than this are suppressed (analytics/weights.py).
ANALYTICS_MIN_CELL_VOLUME = int(os.environ.get("WAKE_ANALYTICS_MIN_CELL_VOLUME", "5"))

WAGTAIL_SITE_NAME = "wake! for skills"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "french",
    }
}
# Learner search (search/): the database engine unless Elasticsearch is configured. When the
# configured engine cannot answer, search falls back to the database engine and logs why.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE") or (
    "elasticsearch" if ELASTICSEARCH_URL else "database"
)
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx", "xml", "txt", "zip"]

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.backend.DatabaseBackend",
    }
}

LOGIN_URL = "wagtailadmin_login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


# ---------------------------------------------------------------------------- public read API
REST_FRAMEWORK = {
    # A key, or the site's session (an advisor signed in reads the advisor figures, as on the
    # site). The API only reads, so the session's CSRF check never bites.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cms.api.keys.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "cms.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "cms.api.pagination.StableCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "cms.api.throttling.AnonymousApiThrottle",
        "cms.api.throttling.ApiKeyThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_anonymous": os.environ.get("WAKE_API_ANONYMOUS_RATE", "120/minute"),
        "api_key": os.environ.get("WAKE_API_KEY_RATE", "1200/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `format` is a filter of the offers (short course, long programme…), as on the site.
    "URL_FORMAT_OVERRIDE": "output",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wake! for skills — public API",
    "DESCRIPTION": (
        "Read access to the Walloon training cadastre (offers, sessions, providers), the public "
        "job board, ESCO skills and occupations, shortage lists and the figures of the shortage "
        "dashboards; concepts are ESCO URIs. The offer and posting lists take the search pages' "
        "parameters and answer the same items in the same order. Anonymous reads are "
        "rate-limited; an X-API-Key header raises the limit. What the public summary shows is "
        "for everyone; the advisors' figures need an advisor's session or a key issued to an "
        "advisor's account. Lists are cursor-paginated and answer CSV with ?output=csv (or "
        "Accept: text/csv). The feed ingestion endpoint (write, token-authenticated) is "
        "documented under /api/jobs/ingest/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "FeedToken": {"type": "http", "scheme": "bearer"},
        }
    },
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.add_feed_ingestion",
    ],
}


# ---------------------------------------------------------------------------------- e-mail
# Console in development (config.settings.dev), SMTP configured by environment elsewhere.
EMAIL_BACKEND = os.environ.get("WAKE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("WAKE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WAKE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("WAKE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WAKE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("WAKE_EMAIL_TLS", "") in {"1", "true", "yes"}
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("WAKE_EMAIL_FROM", "wake! for skills <noreply@localhost>")
# Elasticsearch (ELASTICSEARCH_URL above): searches read the indices behind the aliases
# `<prefix>-offers` and `<prefix>-postings` (built by `manage.py rebuild_elasticsearch_index`),
# and fall back to the database when they fail.
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "wake")
# Seconds a search waits before falling back to the database (rebuilds wait longer).
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "3"))
# Synonym rules per language in the search analyzers (see search/analysis.py).
ELASTICSEARCH_SYNONYM_RULES_MAX = int(os.environ.get("ELASTICSEARCH_SYNONYM_RULES_MAX", "10000"))
# --- Hardening: shared cache, login throttling (#9) -------------------------------------------
# The cache counts failed logins and API requests and holds the shared pages, so it must be
# shared by every process (gunicorn workers, the task worker): Redis when REDIS_URL names one
# (production: atomic counters, no database write per request), else a database table, created
# by `core`'s migration and by `manage.py createcachetable`. Tests use an in-process cache.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.PooledRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "wake"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wake_cache",
            # Shared pages need room (the default culls past 300 entries).
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Whole anonymous pages kept in that cache (core.pagecache), in seconds; 0 switches it off
# (the development default: an edited template shows at once). Production keeps them 5 minutes.
WAKE_PAGE_CACHE_SECONDS = int(os.environ.get("WAKE_PAGE_CACHE_SECONDS", "0"))
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "core.pagecache.SharedPageCacheMiddleware",
)
# django-axes checks every password form (Wagtail's admin, the employer portal, Django's admin):
# after WAKE_LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is
# refused (429) for WAKE_LOGIN_COOLOFF_MINUTES, even with the right password.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("WAKE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("WAKE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_LOCKOUT_CALLABLE = "core.throttling.login_locked_response"
AXES_ENABLE_ADMIN = False
# Behind N reverse proxies, the client is the Nth address from the right of X-Forwarded-For;
# 0 (the default) trusts only REMOTE_ADDR, so a client cannot pick its own address.
WAKE_TRUSTED_PROXY_COUNT = int(os.environ.get("WAKE_TRUSTED_PROXY_COUNT", "0"))

# --- Hardening: interrupted ingestions (#9) ----------------------------------------------------
# A running ingestion writes a heartbeat with every chunk; one silent for longer was killed and
# is marked failed (by the next ingestion, the task worker at start, `fail_stale_ingest_runs`).
WAKE_INGEST_STALE_AFTER = timedelta(minutes=int(os.environ.get("WAKE_INGEST_STALE_MINUTES", "30")))

# --- Hardening: security headers (#9) -----------------------------------------------------------
# Content-Security-Policy (django-csp; the admin's exception is in core.security), referrer and
# content-type headers everywhere; HSTS and secure cookies are production.py's.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "core.security.ContentSecurityPolicyMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Style attributes in templates and in Wagtail's admin; styles cannot run code.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The admin calls no outside service (the policy would block it anyway): no Gravatar images,
# no release check against wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Hardening: rate limits (#9) ---------------------------------------------------------------
# Per client address, in the shared cache (core.ratelimit); paths without their language prefix.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "core.ratelimit.RateLimitMiddleware",
)
WAKE_RATE_LIMITS = {
    "feed-api": {
        "paths": [r"^/api/jobs/"],
        "requests": int(os.environ.get("WAKE_FEED_API_RATE_PER_MINUTE", "60")),
        "seconds": 60,
    },
    "public-json": {
        "paths": [r"^/api/", r"^/employeurs/competences/"],
        "requests": int(os.environ.get("WAKE_JSON_RATE_PER_MINUTE", "300")),
        "seconds": 60,
    },
}
