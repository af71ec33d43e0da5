"""Django's Redis cache, with one client per connection pool instead of one per operation.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for
every cache call, and building one fills its table of response callbacks: about 0.3 ms each,
several times a request (the rate limiter, the page cache). A `redis.Redis` is thread-safe and
holds no connection itself (its pool does), so one per pool is enough.
"""

from __future__ import annotations

import os
import socket

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


def reachable_redis_url() -> str:
    """REDIS_URL, else the local Redis when one answers on 127.0.0.1:6379, else "": the Redis
    the benchmarks and the live cache tests use."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return "redis://127.0.0.1:6379/0"
    except OSError:
        return ""


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
