"""The production cache on a real Redis (REDIS_URL, else the local one when it answers)."""

import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from core.cache import reachable_redis_url
from core.ratelimit import rate_limit_exceeded

REDIS_URL = reachable_redis_url() or None
pytestmark = pytest.mark.skipif(REDIS_URL is None, reason="no Redis: set REDIS_URL")


@pytest.fixture
def redis_cache():
    prefix = f"wake-test-{uuid.uuid4().hex}"
    config = {
        "default": {
            "BACKEND": "core.cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=config):
        cache = caches["default"]
        yield cache
        # This test's keys only (clear() would empty the whole Redis database).
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        cache.close()


def test_one_client_serves_every_operation(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    assert redis_cache.add("counter", 0, 60) is True
    assert redis_cache.add("counter", 5, 60) is False
    assert [redis_cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    redis_cache.set("page", {"body": b"\x00bytes"}, 60)
    assert redis_cache.get("page") == {"body": b"\x00bytes"}
    redis_cache.delete("page")
    assert redis_cache.get("page") is None


@pytest.mark.django_db
def test_rate_limits_count_in_redis(redis_cache, rf):
    rules = {"json": {"paths": [r"^/api/search/"], "requests": 2, "seconds": 60}}
    with override_settings(WAKE_RATE_LIMITS=rules):
        answers = [rate_limit_exceeded(rf.get("/api/search/offers/")) for _ in range(3)]
    assert answers[:2] == [None, None]
    assert answers[2].status_code == 429
