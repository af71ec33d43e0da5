"""Load what the first requests would otherwise load, once, before gunicorn forks its workers.

Django imports the views when it first resolves a URL, and the search reads queries with the
skill extractor, whose index is loaded on first use. Done in each worker on its first requests,
that took 10-25 s per worker on a busy 2-core machine (`bench/load.py`): the first visitors after
a start, or after a worker is recycled (`max_requests`), waited that long or timed out. Done in
the gunicorn master (`config.gunicorn.when_ready`, with `preload_app`), every worker is forked
warm and shares the loaded pages of memory with the others.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Import every view and load the extractor with everything it loads on its first text;
    never fatal. Database connections opened here
    are closed, so that no worker inherits a connection another process also uses."""
    from django.db import connections
    from django.urls import get_resolver

    started = time.perf_counter()
    try:
        get_resolver().url_patterns  # noqa: B018 (importing the URLconf imports the views)
        from skills.extraction import get_extractor

        extractor = get_extractor()
        # Its language models and occupation matcher load on their first text.
        sample = "Soudure TIG et comptabilité, travail en équipe."
        extractor.extract(sample)
        extractor.match_occupation(sample, top_k=1)
        # Search queries are read in label mode: its sentence encoders load on first use too.
        extractor.rank("soudure", top_k=1, as_label=True)
    except Exception:  # a cold start is slower, not broken
        logger.warning("Warm-up failed; workers will load on first use.", exc_info=True)
    finally:
        connections.close_all()
    logger.info("Application warmed up in %.1f s.", time.perf_counter() - started)
