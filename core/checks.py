"""Deployment checks (`manage.py check --deploy`): what would make production pages fail."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, register
from django.core.files.storage import storages

MANIFEST_MISSING = "core.E001"
MANIFEST_STALE = "core.E002"


@register(deploy=True)
def static_files_collected(app_configs=None, **kwargs) -> list[Error]:
    """With a manifest storage, every static file the apps ship must be in the manifest
    written by `collectstatic`; otherwise pages link files the server does not have."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = Path(storage.location) / storage.manifest_name
    hint = "Run `manage.py collectstatic --noinput` with the production settings."
    try:
        collected = set(json.loads(manifest.read_text(encoding="utf-8"))["paths"])
    except (OSError, ValueError, KeyError, TypeError):
        return [
            Error(
                f"No static files manifest at {manifest}: static files were never collected.",
                hint=hint,
                id=MANIFEST_MISSING,
            )
        ]
    shipped = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list(["CVS", ".*", "*~"]):
            shipped.add(path.replace("\\", "/"))
    missing = sorted(shipped - collected)
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [
        Error(
            f"{len(missing)} static file(s) are not in the collected manifest: {shown}.",
            hint=hint,
            id=MANIFEST_STALE,
        )
    ]
