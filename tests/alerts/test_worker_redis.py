"""Real components: a Celery worker consuming from the real Redis, the API over HTTP.

Each test commits for real (transaction=True), so on_commit hooks fire, the
scan is published to Redis, and the worker thread (its own database
connection) runs it. Waiting is bounded polling of the database, never a sleep
of fixed length.
"""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone

from alerts.models import Alert, PersonScan
from logs.models import Event, Person
from tests.alerts.workers import use_broker, wait_until
from tests.factories import client_for, event_body, make_person, make_user
from tests.services import require_redis
from tracker.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_broker():
    url = require_redis()
    import redis

    redis.Redis.from_url(url).flushdb()  # no stale messages from an earlier run
    saved = (app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_transport_options)
    use_broker(url=url)
    yield url
    use_broker(url=saved[0], write_url=saved[1])
    app.conf.broker_transport_options = saved[2]


@pytest.fixture
def scans_run():
    """Counts the tasks the worker finished, by name."""
    counts = Counter()

    def count(sender=None, **kwargs):
        counts[sender.name] += 1

    task_postrun.connect(count, weak=False)
    yield counts
    task_postrun.disconnect(count)


@pytest.fixture
def worker(redis_broker, scans_run):
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20) as running:
        # Connected, the worker asks for a sweep (tracker.celery.SweepOnConnect): let it run
        # first, so that what each test arranges next is its own.
        wait_until(lambda: scans_run["alerts.tasks.sweep"] >= 1, "the worker's sweep on connecting")
        yield running


@pytest.fixture
def infant(db):
    owner = make_user("parent")
    baby = make_person(owner, name="Ada", life_stage="infant", birth_date=timezone.localdate() - timedelta(days=60))
    return owner, baby


def scanned_up_to_date(person):
    person.refresh_from_db()
    scan = PersonScan.objects.filter(person=person).first()
    return scan is not None and person.log_changed_at is not None and scan.scanned_at >= person.log_changed_at


def test_posting_an_event_raises_the_alert_through_the_worker(worker, infant, scans_run):
    owner, baby = infant
    answer = client_for(owner).post(
        "/api/v1/events/",
        event_body(baby, body_site="hip", side="left", sound="clunk", activity="diaper_change"),
        format="json",
    )
    assert answer.status_code == 201
    # hip_clunk is a background rule ("soon"): only the worker can raise it.
    assert answer.json()["alerts"] == []

    wait_until(lambda: Alert.objects.filter(person=baby, rule="hip_clunk").exists(), "the hip_clunk alert")
    alert = Alert.objects.get(person=baby, rule="hip_clunk")
    assert (alert.urgency, alert.body_site, alert.side) == ("soon", "hip", "left")
    assert list(alert.evidence.values_list("id", flat=True)) == [answer.json()["id"]]
    assert scans_run["alerts.tasks.scan_person"] >= 1


def test_a_burst_of_100_events_ends_with_one_alert_per_key_and_few_scans(worker, scans_run, db):
    owner = make_user("lifter")
    lifter = make_person(owner, name="Lee", life_stage="adult")
    client = client_for(owner)
    now = timezone.now()
    for n in range(100):
        # Grinding at the left knee and painful pops at the right hip, spread over 10 days.
        kind = (
            {"body_site": "knee", "side": "left", "sound": "grinding", "pain": 1}
            if n % 2
            else {"body_site": "hip", "side": "right", "sound": "pop", "pain": 5, "pain_quality": "sharp"}
        )
        body = event_body(
            lifter, occurred_at=(now - timedelta(days=n % 10, minutes=n)).isoformat(),
            client_id=str(uuid.uuid4()), **kind,
        )
        assert client.post("/api/v1/events/", body, format="json").status_code == 201

    wait_until(lambda: scanned_up_to_date(lifter), "the scans to catch up with the burst")
    keys = Counter(Alert.objects.filter(person=lifter).values_list("rule", "body_site", "side"))
    assert keys == {
        ("persistent_crepitus", "knee", "left"): 1,
        ("painful_pop", "hip", "right"): 1,
    }
    assert Alert.objects.get(rule="persistent_crepitus").evidence.count() == 50
    # Coalescing: writes that arrive while a scan is queued add no scan of their own.
    assert 1 <= scans_run["alerts.tasks.scan_person"] < 100


def test_an_event_written_while_the_broker_is_down_is_found_by_the_next_sweep(
    worker, redis_broker, infant, caplog
):
    owner, baby = infant
    use_broker(url=redis_broker, write_url="redis://127.0.0.1:1/0")  # publishing fails; the worker keeps consuming
    answer = client_for(owner).post(
        "/api/v1/events/", event_body(baby, body_site="hip", side="right", sound="clunk"), format="json"
    )
    assert answer.status_code == 201
    assert Event.objects.filter(pk=answer.json()["id"]).exists()
    assert "Could not enqueue a scan" in caplog.text
    assert not Alert.objects.filter(person=baby).exists()
    assert baby.pk in set(_due())

    use_broker(url=redis_broker)  # the broker is back
    from alerts.tasks import sweep

    sweep.delay()
    wait_until(lambda: Alert.objects.filter(person=baby, rule="hip_clunk").exists(), "the sweep to raise hip_clunk")
    assert Person.objects.get(pk=baby.pk).scan.scanned_at >= Person.objects.get(pk=baby.pk).log_changed_at


def _due():
    from alerts.engine import due_person_ids

    return due_person_ids()
