"""tracker/settings.py read from the environment, each case in a fresh interpreter.

Settings are read once per process, so every case starts ``python`` with an
environment built here from nothing but PATH/HOME/LANG: no variable of the
developer's shell or of bin/test (DATABASE_URL, REDIS_URL, ...) leaks in.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.settings import INSECURE_SECRET_KEY

REPO = Path(__file__).resolve().parent.parent
STRONG_SECRET_KEY = secrets.token_urlsafe(60)
DEBUG_OFF_MESSAGE = "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters."


def clean_env(var_dir, **variables):
    """An environment with only the basics, Popwatch's data under ``var_dir``, and ``variables``."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(POPWATCH_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="tracker.settings", **variables)
    return env


def run_python(env, *args):
    """Run the project's Python in the repository under ``env``; the caller checks the outcome."""
    return subprocess.run(
        [sys.executable, *args], check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def settings_with(var_dir, **variables):
    """The settings tracker/settings.py produces under ``variables``, as JSON-ready values."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "names = ['DEBUG', 'DATABASES', 'CACHES', 'CELERY_BROKER_URL', 'CELERY_BROKER_TRANSPORT_OPTIONS', "
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', "
        "'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL', 'NUM_PROXIES', 'REST_FRAMEWORK']; "
        "print(json.dumps({name: getattr(settings, name) for name in names}, default=str))"
    )
    done = run_python(clean_env(var_dir, **variables), "-c", script)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "secret_key",
    [None, INSECURE_SECRET_KEY, "x" * 49],
    ids=["no SECRET_KEY", "the insecure default", "a 49-character key"],
)
def test_debug_off_refuses_to_start_without_a_real_secret_key(tmp_path, secret_key):
    variables = {"DEBUG": "false", "ALLOWED_HOSTS": "popwatch.example.org"}
    if secret_key is not None:
        variables["SECRET_KEY"] = secret_key
    done = run_python(clean_env(tmp_path, **variables), "manage.py", "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert DEBUG_OFF_MESSAGE in done.stderr


def test_debug_off_with_a_strong_key_passes_the_deploy_checks(tmp_path):
    env = clean_env(tmp_path, DEBUG="false", SECRET_KEY=STRONG_SECRET_KEY, ALLOWED_HOSTS="popwatch.example.org")
    done = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_redis_url_is_the_celery_broker_and_the_cache(tmp_path):
    # Nothing connects while settings load, so no Redis needs to answer here.
    url = "redis://redis.example.org:6379/2"
    settings = settings_with(tmp_path, REDIS_URL=url)
    assert settings["CELERY_BROKER_URL"] == url
    # The cache that falls back to memory while Redis is down (tests/logs/test_api_hardening.py).
    assert settings["CACHES"]["default"] == {
        "BACKEND": "tracker.cache.FailSafeRedisCache", "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


@pytest.mark.parametrize("variables, trusted", [({}, 0), ({"NUM_PROXIES": "2"}, 2)], ids=["unset", "two"])
def test_num_proxies_is_how_many_proxies_rate_limits_trust(tmp_path, variables, trusted):
    # 0: X-Forwarded-For is never read, the peer's address counts (see tests/logs/test_api_hardening.py).
    settings = settings_with(tmp_path, **variables)
    assert settings["NUM_PROXIES"] == settings["REST_FRAMEWORK"]["NUM_PROXIES"] == trusted


def test_without_redis_url_broker_cache_and_database_live_under_the_var_dir(tmp_path):
    settings = settings_with(tmp_path)
    assert settings["CELERY_BROKER_URL"] == "filesystem://localhost//"
    transport = settings["CELERY_BROKER_TRANSPORT_OPTIONS"]
    broker_dir = tmp_path / "celery-broker"
    assert transport["data_folder_in"] == transport["data_folder_out"] == str(broker_dir / "queue")
    assert transport["processed_folder"] == str(broker_dir / "processed")
    # The worker only polls these folders: settings must have created them.
    assert all((broker_dir / folder).is_dir() for folder in ("queue", "processed", "control"))
    assert settings["CACHES"]["default"]["LOCATION"] == str(tmp_path / "cache")
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "popwatch.sqlite3")


def test_database_url_chooses_the_database(tmp_path):
    settings = settings_with(tmp_path, DATABASE_URL="postgres://popwatch:secret@db.example.org:5433/popwatch")
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "tracker.postgres"  # Django's, with two per-request costs taken out
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example.org", 5433, "popwatch")
    assert database["CONN_HEALTH_CHECKS"] is True


def test_without_email_url_mail_goes_to_the_console(tmp_path):
    assert settings_with(tmp_path)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_email_url_configures_smtp(tmp_path):
    settings = settings_with(
        tmp_path,
        EMAIL_URL="smtp+tls://alerts%40example.org:app-password@smtp.example.org:587",
        DEFAULT_FROM_EMAIL="Popwatch <alerts@example.org>",
    )
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.example.org", 587)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("alerts@example.org", "app-password")
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["DEFAULT_FROM_EMAIL"] == "Popwatch <alerts@example.org>"
