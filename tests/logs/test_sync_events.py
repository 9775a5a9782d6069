"""services.sync_events: the one sync path of a batch of events (the offline queue, POST events/bulk/).

Per item, never stored items behind an error: one result per item, each valid item
stored, an item that fails in an unexpected way rolled back alone and answered
"invalid", a batch cut short rolled back whole, and a batch sent again answered
"duplicate" for what it stored.
"""

import importlib
import json
from uuid import uuid4

import pytest
from django.db import OperationalError

from alerts.models import Alert, AlertEvidence
from logs import services
from logs.models import Event
from tests.factories import event_body, make_person, make_user


def new_id():
    return str(uuid4())


def stored_ids():
    return {str(client_id) for client_id in Event.objects.values_list("client_id", flat=True)}


@pytest.fixture
def batch(person):
    return [event_body(person, client_id=new_id()) for _ in range(3)]


def fail_for(monkeypatch, where, client_id, failure):
    """Make ``where``, a function the sync calls for each item, fail for the item ``client_id``."""
    module, name = where.rsplit(".", 1)
    original = getattr(importlib.import_module(module), name)

    def failing(*args, **kwargs):
        if client_id in {str(getattr(value, "client_id", value)) for value in [*args, *kwargs.values()]}:
            failure()
        return original(*args, **kwargs)

    monkeypatch.setattr(where, failing)


def break_a_check_constraint():
    """A real database error inside the item: an UPDATE refused by logs_event_pain_range."""
    Event.objects.update(pain=99)


def test_each_item_gets_its_result_in_order(owner, person):
    stored = services.sync_events(user=owner, items=[event_body(person, client_id=new_id())])[0]
    items = [
        event_body(person, client_id=new_id(), body_site="hip"),
        event_body(person, client_id=stored["client_id"]),
        event_body(person, client_id=new_id(), pain=11),
        "not an event",
    ]

    results = services.sync_events(user=owner, items=items)

    created = Event.objects.get(client_id=items[0]["client_id"])
    assert results == [
        {"client_id": items[0]["client_id"], "status": "created", "id": created.pk},
        {"client_id": stored["client_id"], "status": "duplicate", "id": stored["id"]},
        {"client_id": items[2]["client_id"], "status": "invalid",
         "errors": {"pain": ["Ensure this value is less than or equal to 10."]}},
        {"client_id": None, "status": "invalid",
         "errors": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]}},
    ]
    assert Event.objects.count() == 2


def test_a_person_the_user_cannot_write_to_is_an_invalid_item_not_an_error(owner, person):
    hidden = make_person(make_user("otto"), name="Hidden")

    [result] = services.sync_events(user=owner, items=[event_body(hidden, client_id=new_id())])

    assert (result["status"], result["errors"]) == ("invalid", {"person": ["No person with this id."]})
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    "where, failure",
    [
        # Inside the write (log_event's own savepoint): a bug, then a database error.
        ("alerts.engine.scan_immediate", lambda: 1 / 0),
        ("alerts.engine.scan_immediate", break_a_check_constraint),
        # Before the write, while recognising a replay: on PostgreSQL a failed statement
        # aborts the transaction, which only the item's own savepoint gives back.
        ("logs.selectors.replayed_event", break_a_check_constraint),
    ],
    ids=["a bug in the write", "a database error in the write", "a database error before the write"],
)
def test_an_item_that_fails_unexpectedly_is_invalid_alone_and_the_others_are_stored(
    owner, batch, monkeypatch, where, failure
):
    fail_for(monkeypatch, where, batch[1]["client_id"], failure)

    results = services.sync_events(user=owner, items=batch)

    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert results[1] == {
        "client_id": batch[1]["client_id"], "status": "invalid",
        "errors": {"non_field_errors": [services.SYNC_FAILED]},
    }
    assert stored_ids() == {batch[0]["client_id"], batch[2]["client_id"]}
    assert set(Event.objects.values_list("pain", flat=True)) == {None}  # the failed UPDATE left no trace


def test_an_item_that_fails_after_its_alerts_were_raised_leaves_no_alert(owner, person, monkeypatch):
    locked = [event_body(person, client_id=new_id(), body_site="knee", signs=["locking"]) for _ in range(2)]
    services.sync_events(user=owner, items=locked[:1])
    raised = (Event.objects.count(), Alert.objects.count(), AlertEvidence.objects.count())
    assert raised[1:] == (1, 1)  # locking raises an alert at once (rules.md), the event its evidence

    monkeypatch.setattr("logs.services.schedule_scan", lambda person_id: 1 / 0)
    [result] = services.sync_events(user=owner, items=locked[1:])

    assert result["status"] == "invalid"
    assert (Event.objects.count(), Alert.objects.count(), AlertEvidence.objects.count()) == raised


def test_the_database_failing_rolls_the_whole_batch_back(owner, batch, monkeypatch):
    def connection_lost():
        raise OperationalError("server closed the connection unexpectedly")

    fail_for(monkeypatch, "alerts.engine.scan_immediate", batch[1]["client_id"], connection_lost)

    with pytest.raises(OperationalError):
        services.sync_events(user=owner, items=batch)

    assert Event.objects.count() == 0


def test_a_batch_cut_short_by_the_servers_timeout_stores_nothing(owner, batch, monkeypatch):
    # gunicorn's answer to a worker past its timeout: SIGABRT, which its sync worker
    # turns into sys.exit(1) wherever the request is (gunicorn.workers.base.handle_abort).
    def worker_aborted():
        raise SystemExit(1)

    fail_for(monkeypatch, "alerts.engine.scan_immediate", batch[2]["client_id"], worker_aborted)

    with pytest.raises(SystemExit):
        services.sync_events(user=owner, items=batch)

    assert Event.objects.count() == 0


def test_a_batch_sent_again_after_a_timeout_answers_duplicate_for_what_was_stored(owner, person):
    items = [event_body(person, client_id=new_id(), body_site=site) for site in ("knee", "hip", "jaw")]
    first = services.sync_events(user=owner, items=items[:2])  # its answer never reached the phone

    again = services.sync_events(user=owner, items=items)

    assert [r["status"] for r in again] == ["duplicate", "duplicate", "created"]
    assert [r["id"] for r in again[:2]] == [r["id"] for r in first]
    assert Event.objects.count() == 3


def test_every_result_can_be_written_as_utf8_json(owner, person):
    # Lone surrogates are valid JSON escapes but not text; the API's parser refuses them,
    # and the service never depends on that to answer a batch whose events are stored.
    items = [
        event_body(person, client_id=new_id()),
        event_body(person, client_id="not-a-uuid-\ud800", body_site="\udfff"),
        event_body(person, client_id=new_id()),
    ]

    results = services.sync_events(user=owner, items=items)

    assert [r["status"] for r in results] == ["created", "invalid", "created"]
    assert results[1]["client_id"] == "not-a-uuid-\\ud800"
    json.dumps(results, ensure_ascii=False).encode("utf-8")  # what DRF's JSONRenderer does
    assert Event.objects.count() == 2
