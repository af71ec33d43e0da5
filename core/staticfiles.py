"""The production static files storage: WhiteNoise's hashed and compressed copies, forgiving
of a stale collection."""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class CollectedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """A file missing from the manifest (new code deployed, collectstatic not re-run) is linked
    by its plain name and logged, instead of failing the whole page with a 500.
    `manage.py check --deploy` lists such files (core.checks)."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            logger.error("Static file %r is not collected: run collectstatic.", name)
            return name
