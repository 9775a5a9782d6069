"""Django's Redis cache, falling back to this process's memory while Redis does not answer.

The cache holds throttle counters (DRF's, allauth's) and the marks that coalesce scans
(alerts.tasks). None of them is worth failing a request for: while Redis is down each
process counts in its own memory, so rate limits still hold, per process (a server with
N processes allows up to N times the rate), and nobody is locked out.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# When Redis last failed, per LOCATION: Django makes a cache object per thread, and
# every thread should skip a Redis that is down, not pay a connection attempt each.
_redis_down_until = {}


class ReusedClients(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection pool.

    Django makes a new redis.Redis for every cache call, and each one fills a table of ~170
    reply callbacks: a third of what a scan mark costs a write (issue 9). A redis.Redis takes
    a connection from its pool per command, so one per pool serves every thread.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return self._clients[index]


class FailSafeRedisCache(RedisCache):
    RETRY_AFTER = 10  # seconds on the memory fallback before Redis is tried again

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
        self._location = str(server)
        # Same key prefix, version and default timeout as the Redis cache.
        self._memory = LocMemCache(f"fail-safe:{self._location}", params)

    def _either(self, method, *args, **kwargs):
        if time.monotonic() >= _redis_down_until.get(self._location, 0):
            try:
                return getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                _redis_down_until[self._location] = time.monotonic() + self.RETRY_AFTER
                logger.warning(
                    "The Redis cache does not answer (%s): using this process's memory for %d s",
                    error, self.RETRY_AFTER,
                )
        return getattr(self._memory, method)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self):
        return self._either("clear")
