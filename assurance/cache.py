"""The shared cache (Redis) as a cache should be: something to do without.

Django's Redis backend raises when Redis refuses a connection, and waits as long as the
socket does when Redis hangs; sessions (``cached_db``) and the kept pages read the cache on
every request, so either turned every signed-in page into a 500. Here, when Redis fails, a
read misses and a write is dropped: sessions come from the database they are written
through to, and pages are worked out afresh. After a failure this process leaves Redis alone
for ``RETRY_AFTER`` seconds, so that a hung Redis costs one request one short timeout
(``settings.CACHE_TIMEOUT_SECONDS``, on connect and on each read) rather than every call of
every request. Nothing is lost: the cache only ever holds what can be worked out again.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class SharedClientRedisCacheClient(RedisCacheClient):
    """One ``redis.Redis`` for each connection pool, rather than a new one for every call, as
    Django's client makes: building one sets up its two hundred response callbacks, which
    cost a page served from the cache (a read of the session and one of the page) about a
    millisecond of its five. A ``redis.Redis`` may be shared between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._down_until = 0.0

    @property
    def available(self):
        """Whether this process is using Redis now (False for a while after a failure)."""
        return time.monotonic() >= self._down_until

    def _soft(self, call, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return call(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            log.warning("The cache is unavailable, working without it: %s", error)
            return fallback

    def ping(self):
        """Ask Redis itself, whatever the last failure was (the readiness check)."""
        client = self._cache.get_client(write=True)
        return client.ping()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Every key not set: what Django's backends answer for keys they failed to set.
        return self._soft(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft(super().delete_many, None, keys, version)

    def clear(self):
        return self._soft(super().clear, False)
