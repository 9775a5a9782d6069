"""Real services for the tests that need them: skip with a reason, or fail under CI.

POPWATCH_REQUIRE_SERVICES=1 (set by .ci/run) turns every "not available" into a
failure, so a missing PostgreSQL or Redis can never make the suite pass silently.
"""

import os

import pytest

REQUIRED = os.environ.get("POPWATCH_REQUIRE_SERVICES") == "1"


def unavailable(reason):
    if REQUIRED:
        pytest.fail(f"{reason} (POPWATCH_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def redis_url():
    """The Redis the tests may use (flushing its database), or None."""
    return os.environ.get("POPWATCH_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or None


def require_redis():
    url = redis_url()
    if not url:
        unavailable("needs Redis: set POPWATCH_TEST_REDIS_URL (bin/test does when 127.0.0.1:6379 answers)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"needs Redis at {url}: {error}")
    return url


def require_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable(
            "needs PostgreSQL: set DATABASE_URL=postgres://... (bin/test does when 127.0.0.1:5432 answers)"
        )
