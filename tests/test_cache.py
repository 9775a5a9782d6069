"""tracker.cache.FailSafeRedisCache: Redis while it answers, this process's memory while it does not."""

import logging

import pytest
import redis

from tracker import cache as fail_safe
from tests.redis_server import closed_port_url


@pytest.fixture(autouse=True)
def redis_up_again(monkeypatch):
    """Each test starts believing every Redis answers."""
    monkeypatch.setattr(fail_safe, "_redis_down_until", {})


def cache_at(url, **params):
    return fail_safe.FailSafeRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}, **params})


def test_without_redis_every_operation_works_in_memory(caplog):
    cache = cache_at(closed_port_url(), KEY_PREFIX="p")

    with caplog.at_level(logging.WARNING, logger="tracker.cache"):
        assert cache.add("a", 1, 60) is True
        assert cache.add("a", 2, 60) is False
        assert cache.get("a") == 1
        assert cache.incr("a") == 2
        cache.set_many({"b": [1.5], "c": "x"})
        assert cache.get_many(["a", "b", "c", "missing"]) == {"a": 2, "b": [1.5], "c": "x"}
        assert cache.has_key("b") and cache.touch("b", 60)
        cache.delete_many(["b", "c"])
        assert cache.delete("a") is True
        assert cache.get_or_set("d", "default") == "default"
        cache.clear()
        assert cache.get("d") is None

    assert [record.getMessage()[:32] for record in caplog.records] == ["The Redis cache does not answer "]


def test_after_a_failure_redis_is_left_alone_until_retry_after(monkeypatch):
    attempts = []
    real_get_client = fail_safe.ReusedClients.get_client
    monkeypatch.setattr(
        fail_safe.ReusedClients, "get_client", lambda self, *a, **k: attempts.append(1) or real_get_client(self, *a, **k)
    )
    now = [1000.0]
    monkeypatch.setattr(fail_safe.time, "monotonic", lambda: now[0])
    url = closed_port_url()

    cache_at(url).set("k", 1)
    for _ in range(5):
        cache_at(url).get("k")  # a new cache object per thread, as Django makes them: all skip Redis
    assert len(attempts) == 1

    now[0] += fail_safe.FailSafeRedisCache.RETRY_AFTER
    assert cache_at(url).get("k") == 1
    assert len(attempts) == 2


@pytest.mark.services
def test_a_redis_that_stops_and_comes_back(redis_server, monkeypatch):
    monkeypatch.setattr(fail_safe.FailSafeRedisCache, "RETRY_AFTER", 0)  # try Redis on every call
    cache = cache_at(redis_server.url, KEY_PREFIX="p")
    direct = redis.Redis.from_url(redis_server.url)

    cache.set("before", 1, 60)
    assert direct.exists("p:1:before")

    redis_server.stop()
    cache.set("during", 2, 60)  # no error: kept in memory
    assert cache.get("during") == 2

    redis_server.start()  # empty: no persistence
    cache.set("after", 3, 60)
    assert direct.exists("p:1:after")
    assert cache.get("during") is None  # Redis again, not the memory of the outage


@pytest.mark.services
def test_one_redis_client_serves_every_call(redis_server):
    """ReusedClients: Django would make a redis.Redis (and its ~170 reply callbacks) per call."""
    cache = cache_at(redis_server.url)
    cache.set("a", 1)
    client = cache._cache.get_client(write=True)

    assert cache.add("b", 2) and cache.get("a") == 1 and cache.get("b") == 2
    assert cache._cache.get_client(write=True) is client
