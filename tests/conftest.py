import pytest
from django.core.cache import cache

from tests.factories import client_for, make_person, make_user
from tests.redis_server import RedisServer


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttle counters and scan-coalescing keys live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    return make_user("olive")


@pytest.fixture
def person(owner):
    return make_person(owner, name="Robin", life_stage="adult")


@pytest.fixture
def api(owner):
    return client_for(owner)


@pytest.fixture
def redis_server(tmp_path):
    """A Redis of this test's own (tests/redis_server.py), stopped when the test ends."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
