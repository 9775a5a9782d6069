"""What the benchmarks share: their environment, their database, Django, and process helpers.

Importing this module sets the benchmarks' defaults (variables already set win),
creates the bench database on PostgreSQL if it is missing, and sets Django up:
a script sets any variable of its own before importing it.
"""

import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/popwatch_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_URL", "dummymail://")  # alerts raised here e-mail nobody


def ensure_database():
    """Create the bench database on PostgreSQL if it is missing."""
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        return
    import psycopg

    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"] or "postgres",
        dbname="postgres", autocommit=True,
    ) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from logs.models import User  # noqa: E402


def reset():
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def owner():
    user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
    return user


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out waiting for {what}")


def answers(url):
    import requests

    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def start_gunicorn(port, log_path, workers=2):
    """gunicorn serving Popwatch on 127.0.0.1:``port`` with this process's environment."""
    import subprocess

    log_path.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
    )
