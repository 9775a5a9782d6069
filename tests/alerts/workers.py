"""Real brokers and workers for the tests that need them: polling, pointing Celery at Redis, worker processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.test_settings import REPO, clean_env
from tracker.celery import app

DEADLINE_SECONDS = 20


def wait_until(condition, what, seconds=DEADLINE_SECONDS, explain=lambda: ""):
    """Poll ``condition`` (bounded, never a sleep of fixed length); fail saying ``what`` and ``explain()``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {seconds}s waiting for {what}\n{explain()}")


def use_broker(*, url, write_url=None):
    """Point this process's Celery app at ``url``; ``write_url`` lets publishing alone go elsewhere (an outage)."""
    app.conf.broker_url = url
    app.conf.broker_write_url = write_url
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 5}
    app.conf.broker_connection_retry_on_startup = False
    # Drop pooled producer connections so the next publish uses the new address.
    app._pool = None
    app.amqp._producer_pool = None


def database_url():
    """The test database as a DATABASE_URL, for a worker process to share (tests that commit: transaction=True)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """``celery -A tracker worker`` as bin/run starts it, on ``redis_url``, with the real settings.

    It shares the test database and logs to ``var_dir``/worker.log; ``include`` names
    extra task modules (``-I``). Its own process group, so stopping it stops its pool too.
    """

    def __init__(self, redis_url, var_dir, *, include=()):
        self.var_dir = Path(var_dir)
        self.log_path = self.var_dir / "worker.log"
        self.env = clean_env(
            self.var_dir, REDIS_URL=redis_url, DATABASE_URL=database_url(), PYTHONPATH=str(REPO),
            EMAIL_URL="consolemail://",
        )
        self.command = [
            str(Path(sys.executable).parent / "celery"), "-A", "tracker", "worker",
            "--loglevel=INFO", "--concurrency=2", *(f"-I{module}" for module in include),
        ]
        self.process = None

    def start(self):
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_until(lambda: " ready." in self.log() or not self.alive(), "the worker to start", seconds=60,
                   explain=self.log)
        assert self.alive(), self.log()
        return self

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is None:
            return
        if self.alive():
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever is left of its pool
        except ProcessLookupError:
            pass
        self.process.wait()
