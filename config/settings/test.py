"""Test settings: fast hashing, in-memory email, tasks run immediately."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAKE_DATA_DIR = Path(os.environ.get("WAKE_DATA_DIR", tempfile.mkdtemp(prefix="wake-test-")))
MEDIA_ROOT = WAKE_DATA_DIR / "media"
# An in-process cache: each test starts from an empty one (tests/conftest.py clears it).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["axes.W001"]
