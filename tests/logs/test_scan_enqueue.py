"""After a committed write, one scan of the person is enqueued; a broker outage never fails the write."""

import logging
from uuid import uuid4

import pytest
from django.db import transaction
from django.utils import timezone

from logs import services
from logs.models import Event, Person
from tests.factories import client_for, event_body, make_person

EVENTS = "/api/v1/events/"
WRITES = {
    "event.create": ("post", "/api/v1/events/", lambda w: event_body(w.person), 201),
    "event.update": ("put", "/api/v1/events/{event}/", lambda w: event_body(w.person, pain=1), 200),
    "event.partial_update": ("patch", "/api/v1/events/{event}/", lambda w: {"note": "edited"}, 200),
    "event.delete": ("delete", "/api/v1/events/{event}/", None, 204),
    "workout.create": (
        "post", "/api/v1/workouts/",
        lambda w: {"person": w.person.pk, "started_at": timezone.now().isoformat(), "exercise": "other"}, 201,
    ),
    "workout.partial_update": ("patch", "/api/v1/workouts/{workout}/", lambda w: {"reps": 8}, 200),
    "workout.delete": ("delete", "/api/v1/workouts/{workout}/", None, 204),
    "person.partial_update": ("patch", "/api/v1/persons/{person}/", lambda w: {"life_stage": "child"}, 200),
}


class World:
    def __init__(self, person, event, workout):
        self.person, self.event, self.workout = person, event, workout

    def send(self, client, write):
        method, url, body, _ = WRITES[write]
        url = url.format(person=self.person.pk, event=self.event.pk, workout=self.workout.pk)
        return getattr(client, method)(url, body(self) if body else None)


@pytest.fixture
def world(person, event, workout):
    return World(person, event, workout)


@pytest.mark.parametrize("write", WRITES)
def test_each_write_enqueues_one_scan_after_commit(api, world, scans, django_capture_on_commit_callbacks, write):
    with django_capture_on_commit_callbacks() as callbacks:
        answer = world.send(api, write)
        assert scans == []  # nothing before the commit

    assert answer.status_code == WRITES[write][3]
    assert len(callbacks) == 1
    callbacks[0]()
    assert scans == [world.person.pk]


def test_a_rolled_back_write_enqueues_nothing(owner, person, scans, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.log_event(
                person=person, created_by=owner, occurred_at=timezone.now(), body_site="knee", sound="pop"
            )
            raise RuntimeError("the caller's transaction fails after logging")

    assert (callbacks, scans) == ([], [])
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "role, path, body",
    [
        ("owner", "/api/v1/events/", {"pain": 11}),
        ("owner", "/api/v1/events/", {"person": 10**12}),
        ("viewer", "/api/v1/events/", {}),
        ("stranger", "/api/v1/events/", {}),
        ("owner", "/api/v1/workouts/", {"sets": 101}),
    ],
)
def test_a_refused_request_enqueues_nothing(
    person, clients, scans, django_capture_on_commit_callbacks, role, path, body
):
    if path.endswith("workouts/"):
        body = {"person": person.pk, "started_at": timezone.now().isoformat(), "exercise": "other", **body}
    else:
        body = {**event_body(person), **body}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = clients[role].post(path, body)

    assert answer.status_code >= 400
    assert (callbacks, scans) == ([], [])


def test_a_replayed_client_id_enqueues_nothing(api, person, scans, django_capture_on_commit_callbacks):
    body = event_body(person, client_id=str(uuid4()))
    with django_capture_on_commit_callbacks(execute=True):
        api.post(EVENTS, body)
    assert scans == [person.pk]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        single = api.post(EVENTS, body)
        batch = api.post("/api/v1/events/bulk/", [body])

    assert (single.status_code, batch.json()[0]["status"]) == (200, "duplicate")
    assert (callbacks, scans) == ([], [person.pk])


def test_a_batch_enqueues_scans_only_for_the_people_it_changed(
    owner, api, person, scans, django_capture_on_commit_callbacks
):
    untouched = make_person(owner, name="Kim")
    batch = [event_body(person, client_id=str(uuid4())) for _ in range(3)]
    batch.append({**event_body(untouched, client_id=str(uuid4())), "pain": 11})

    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/events/bulk/", batch)

    assert set(scans) == {person.pk}


# --- The broker is down ------------------------------------------------------------------


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point Celery at a port nothing listens on, with fresh producer pools (restored afterwards)."""
    from tracker.celery import app

    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.conf, "broker_transport_options", {"socket_connect_timeout": 1})
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    return app


@pytest.mark.parametrize("write", ["event.create", "workout.create", "event.delete", "person.partial_update"])
def test_an_unreachable_broker_does_not_fail_the_write(
    owner, world, unreachable_broker, django_capture_on_commit_callbacks, caplog, write
):
    Person.objects.filter(pk=world.person.pk).update(log_changed_at=None)
    started = timezone.now()

    with caplog.at_level(logging.ERROR, logger="logs.services"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            answer = world.send(client_for(owner), write)

    assert answer.status_code == WRITES[write][3]
    assert len(callbacks) == 1
    [record] = [r for r in caplog.records if r.name == "logs.services"]
    assert record.getMessage() == f"Could not enqueue a scan of person {world.person.pk}; the sweep will pick it up"
    assert record.exc_info is not None
    world.person.refresh_from_db()
    assert world.person.log_changed_at >= started  # the sweep will find them


def test_an_unreachable_broker_keeps_the_logged_event(
    owner, person, unreachable_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(owner).post(EVENTS, event_body(person, pain=3))

    assert answer.status_code == 201
    assert Event.objects.get().pk == answer.json()["id"]
    assert Event.objects.get().pain == 3
