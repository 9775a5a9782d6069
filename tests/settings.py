"""Test settings: the real settings (DATABASE_URL is honoured) minus what tests must not share."""

from tracker.settings import *  # noqa: F403

# Each test process gets its own cache and an in-memory broker; tests about the
# real broker point Celery at Redis themselves (tests/alerts/test_worker_*.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_BROKER_TRANSPORT = None  # REDIS_URL in the environment names the Redis transport: not for memory://
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never in production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Worker threads in the integration tests must not keep connections open past a task.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not shared-cache memory: the worker threads of the
    # integration tests then wait on locks (WAL, busy timeout) instead of failing.
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"popwatch-test-{os.getpid()}.sqlite3")
    }
