"""What the page benchmarks share: a temporary advisor account and the timing of one URL
(median wall and CPU time of this process over repeats, and the queries of the last one).

Imported after `django.setup()`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jobs.services.roles import ADVISORS


@contextmanager
def advisor_client(prefix: str) -> Iterator[Client]:
    """A client signed in as an advisor account that exists only while the block runs."""
    user = get_user_model().objects.create(username=f"{prefix}-{os.getpid()}")
    user.groups.add(Group.objects.get(name=ADVISORS))
    client = Client()
    client.force_login(user)
    try:
        yield client
    finally:
        user.delete()


def time_url(
    client: Client, url: str, *, repeat: int, before_each: Callable[[], None] = lambda: None
) -> tuple[float, float, int]:
    """(median wall ms, median CPU ms, queries) of `repeat` GETs of `url` after one warm-up;
    every answer must be 200."""
    before_each()
    assert client.get(url).status_code == 200, url
    walls, cpus = [], []
    for _ in range(repeat):
        before_each()
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, url
    return statistics.median(walls), statistics.median(cpus), len(queries.captured_queries)
