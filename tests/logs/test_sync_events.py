"""services.sync_events: the one sync path of a batch of events (the offline queue, POST events/bulk/).

Per item, never stored items behind an error: one result per item, each valid item
stored, an item that fails in an unexpected way rolled back alone and answered
"invalid", a batch cut short rolled back whole, and a batch sent again answered
"duplicate" for what it stored.
"""

import json
import pkgutil
import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID, uuid4

import pytest
from django.db import DatabaseError, OperationalError, connection

from alerts import engine
from alerts.models import Alert, AlertEvidence
from logs import services
from logs.models import Event
from tests.factories import event_body, make_person, make_user
from tests.services import require_postgresql


def new_id():
    return str(uuid4())


def stored_ids():
    return {str(client_id) for client_id in Event.objects.values_list("client_id", flat=True)}


@pytest.fixture
def batch(person):
    return [event_body(person, client_id=new_id()) for _ in range(3)]


def fail_for(monkeypatch, where, client_id, failure):
    """Make ``where``, a function the sync calls with items (alone or in a list), fail for the item ``client_id``."""
    original = pkgutil.resolve_name(where)

    def failing(*args, **kwargs):
        if client_id in client_ids_in([*args, *kwargs.values()]):
            failure()
        return original(*args, **kwargs)

    monkeypatch.setattr(where, failing)


def client_ids_in(values):
    found = set()
    for value in values:
        if isinstance(value, list | set | tuple):  # a batch, or its (person, client_id) keys
            found |= client_ids_in(value)
        elif isinstance(value, dict):
            found.add(str(value.get("client_id")))
        else:
            found.add(str(getattr(value, "client_id", value)))
    return found


def break_a_check_constraint():
    """A real database error inside the item: an UPDATE refused by logs_event_pain_range."""
    Event.objects.update(pain=99)


def a_statement_refused():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")


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
        # Inside the write of the batch, then of the item alone (each in its savepoint):
        # a bug, then a database error.
        ("alerts.engine.scan_immediate_many", lambda: 1 / 0),
        ("alerts.engine.scan_immediate_many", break_a_check_constraint),
        # While validating the item (no query of its own: people and workouts are looked up per batch).
        ("logs.api.serializers.BulkEventSerializer.validate", lambda: 1 / 0),
    ],
    ids=["a bug in the write", "a database error in the write", "a bug in the validation"],
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


def test_a_database_error_before_the_write_stores_nothing(owner, batch, monkeypatch):
    # The replays are looked up for the whole batch at once: on PostgreSQL a failed statement
    # aborts the transaction, so the batch fails whole, before anything is written.
    fail_for(monkeypatch, "logs.selectors.replayed_events", batch[1]["client_id"], a_statement_refused)

    with pytest.raises(DatabaseError):
        services.sync_events(user=owner, items=batch)

    assert Event.objects.count() == 0


def test_the_database_failing_rolls_the_whole_batch_back(owner, batch, monkeypatch):
    def connection_lost():
        raise OperationalError("server closed the connection unexpectedly")

    fail_for(monkeypatch, "alerts.engine.scan_immediate_many", batch[1]["client_id"], connection_lost)

    with pytest.raises(OperationalError):
        services.sync_events(user=owner, items=batch)

    assert Event.objects.count() == 0


def test_a_batch_cut_short_by_the_servers_timeout_stores_nothing(owner, batch, monkeypatch):
    # gunicorn's answer to a worker past its timeout: SIGABRT, which its sync worker
    # turns into sys.exit(1) wherever the request is (gunicorn.workers.base.handle_abort).
    def worker_aborted():
        raise SystemExit(1)

    fail_for(monkeypatch, "alerts.engine.scan_immediate_many", batch[2]["client_id"], worker_aborted)

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


# --- In bulk (issue 9, item 2) ---------------------------------------------------------


def test_a_batch_asks_one_scan_per_person_and_raises_each_persons_alerts_at_once(
    owner, person, scans, django_capture_on_commit_callbacks, monkeypatch
):
    other = make_person(owner, name="Other")
    items = [
        event_body(someone, client_id=new_id(), body_site="knee", signs=signs)
        for someone in (person, other, person)
        for signs in (["locking"], [], ["locking"])
    ]
    calls = []
    monkeypatch.setattr("alerts.engine.scan_immediate_many", spy(calls, engine.scan_immediate_many))

    with django_capture_on_commit_callbacks(execute=True):
        results = services.sync_events(user=owner, items=items)

    assert [r["status"] for r in results] == ["created"] * 9
    assert sorted(scans) == [person.pk, other.pk]
    assert len(calls) == 1  # the immediate rules ran once for the batch
    evidence = {
        alert.person_id: sorted(alert.evidence.values_list("client_id", flat=True))
        for alert in Alert.objects.prefetch_related("evidence")
    }
    locked = [item for item in items if item["signs"]]
    assert evidence == {
        someone.pk: sorted(UUID(item["client_id"]) for item in locked if item["person"] == someone.pk)
        for someone in (person, other)
    }


def spy(calls, function):
    def spied(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spied


def test_an_item_a_concurrent_sync_stored_first_answers_duplicate(owner, batch, monkeypatch):
    # The other sync commits between this one's look for replays and its INSERT: the unique
    # (person, client_id) constraint refuses the batch's INSERT, and each item is stored alone.
    monkeypatch.setattr("logs.selectors.replayed_events", lambda user, keys: {})
    [winner] = services.sync_events(user=owner, items=batch[1:2])

    results = services.sync_events(user=owner, items=batch)

    assert [r["status"] for r in results] == ["created", "duplicate", "created"]
    assert results[1]["id"] == winner["id"]
    assert Event.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_syncs_of_one_batch_racing_store_each_event_once(scans):
    require_postgresql()
    owner = make_user("olive")
    person = make_person(owner)
    items = [event_body(person, client_id=new_id(), body_site=site) for site in ("knee", "hip", "jaw") * 10]
    start = threading.Barrier(4)

    def sync(_):
        try:
            start.wait()
            return services.sync_events(user=owner, items=items)
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(sync, range(4)))

    stored = dict(Event.objects.values_list("client_id", "pk"))
    assert len(stored) == len(items)
    for answer in answers:
        assert [r["id"] for r in answer] == [stored[UUID(item["client_id"])] for item in items]
        assert {r["status"] for r in answer} <= {"created", "duplicate"}
    assert sum(r["status"] == "created" for answer in answers for r in answer) == len(items)
