"""A real worker rides out a Redis outage with a task in flight (issue 8, item 1).

The worker is ``celery -A tracker worker --concurrency=2`` as bin/run starts it, on
a redis-server of the test's own that the test stops and starts again. Before
tracker/broker.py it exited the moment Redis went away while it ran a task and
waited for the next: ``CRITICAL Unrecoverable error: AttributeError("'NoneType'
object has no attribute 'hostname'")``.
"""

from datetime import timedelta

import pytest
import time_machine
from celery import Celery
from django.utils import timezone

from alerts import tasks
from tests.alerts.workers import WorkerProcess, wait_until

RECONNECT_WITHIN = 60  # seconds: the worker retries every 2 s, then 4 s, 6 s, ...


@pytest.fixture
def worker(redis_server, tmp_path):
    worker = WorkerProcess(redis_server.url, tmp_path, include=["tests.alerts.held_task"]).start()
    yield worker
    worker.stop()


@pytest.fixture
def release(tmp_path):
    """The file that lets held tasks finish; touched at the end in any case, so the worker stops at once."""
    path = tmp_path / "release"
    yield path
    path.touch()


def publish_held(url, started, release):
    """Enqueue ``tests.held`` at ``url`` as a client of its own (this process's app stays on memory://)."""
    client = Celery("outage-test", broker=url, set_as_current=False)
    try:
        client.send_task("tests.held", args=[str(started), str(release)])
    finally:
        client.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_worker_rides_out_a_redis_outage_with_a_task_in_flight(redis_server, worker, release, tmp_path):
    first, second = tmp_path / "first-started", tmp_path / "second-started"
    publish_held(redis_server.url, first, release)
    wait_until(first.exists, "the task to start", explain=worker.log)

    redis_server.stop()
    # Running a task and waiting for the next (2 processes), the worker sees Redis go.
    wait_until(lambda: "Cannot connect to" in worker.log() or "Unrecoverable error" in worker.log(),
               "the worker to try to reconnect", explain=worker.log)
    assert "Unrecoverable error" not in worker.log(), worker.log()

    redis_server.start()
    release.touch()  # the task in flight finishes
    publish_held(redis_server.url, second, release)
    wait_until(second.exists, "the worker to take a task after the outage", seconds=RECONNECT_WITHIN,
               explain=worker.log)
    assert worker.alive()
    assert "Unrecoverable error" not in worker.log()


def test_workers_reconnecting_together_ask_for_one_sweep(monkeypatch):
    asked = []
    monkeypatch.setattr(tasks.sweep, "delay", lambda: asked.append("sweep"))

    assert [tasks.request_sweep() for _ in range(3)] == [True, False, False]
    with time_machine.travel(timezone.now() + timedelta(seconds=tasks.SWEEP_ASKED_TIMEOUT + 1)):
        assert tasks.request_sweep() is True  # the next outage's reconnection asks again
    assert asked == ["sweep", "sweep"]
