import pytest
from django.core.cache import cache

from tests.factories import client_for, make_person, make_user


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
