"""Exactly-once logging: a replayed client_id, alone or in a bulk batch, never makes a second event."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from django.db import connection

from logs import vocab
from logs.models import Event
from tests.factories import client_for, event_body, make_event, make_person, make_user, share
from tests.services import require_postgresql

EVENTS = "/api/v1/events/"
BULK = "/api/v1/events/bulk/"


def new_id():
    return str(uuid4())


# --- One event --------------------------------------------------------------------


def test_a_replayed_client_id_answers_200_with_the_stored_event(api, person):
    body = event_body(person, client_id=new_id(), pain=2)

    first = api.post(EVENTS, body)
    replay = api.post(EVENTS, {**body, "pain": 9, "note": "sent again, edited"})

    assert (first.status_code, replay.status_code) == (201, 200)
    stored = {k: v for k, v in first.json().items() if k != "alerts"}
    assert {k: v for k, v in replay.json().items() if k != "alerts"} == stored
    assert replay.json()["alerts"] == []
    event = Event.objects.get()
    assert (event.pain, event.note) == (2, "")


def test_a_replay_does_not_touch_the_log(api, person):
    body = event_body(person, client_id=new_id())
    api.post(EVENTS, body)
    person.refresh_from_db()
    changed_at = person.log_changed_at

    api.post(EVENTS, body)

    person.refresh_from_db()
    assert person.log_changed_at == changed_at


def test_a_replay_is_recognised_even_when_its_body_no_longer_validates(api, person, workout):
    # Logged offline during a workout that was deleted before the phone synced again.
    body = event_body(person, client_id=new_id(), workout=workout.pk)
    first = api.post(EVENTS, body)
    workout.delete()

    replay = api.post(EVENTS, body)
    batch = api.post(BULK, [body])

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json()["id"] == first.json()["id"]
    assert batch.json() == [{"client_id": body["client_id"], "status": "duplicate", "id": first.json()["id"]}]
    assert Event.objects.count() == 1


def test_a_viewer_replaying_someone_elses_client_id_learns_nothing(api, person, viewer, writes_nothing):
    body = event_body(person, client_id=new_id())
    api.post(EVENTS, body)

    with writes_nothing():
        answer = client_for(viewer).post(EVENTS, body)

    assert answer.status_code == 403


@pytest.mark.parametrize("client_id", [42, 4.2, True, ["a"], "not-a-uuid"])
def test_a_client_id_must_be_a_uuid_string(api, person, client_id, writes_nothing):
    with writes_nothing():
        answer = api.post(EVENTS, event_body(person, client_id=client_id))

    assert answer.status_code == 400
    assert list(answer.json()) == ["client_id"]


def test_a_client_id_is_unique_per_person_only(owner, api, person):
    other = make_person(owner, name="Kim")
    client_id = new_id()

    answers = [api.post(EVENTS, event_body(p, client_id=client_id)).status_code for p in (person, other)]

    assert answers == [201, 201]
    assert sorted(Event.objects.values_list("person_id", flat=True)) == sorted([person.pk, other.pk])


def test_events_without_client_id_are_never_duplicates(api, person):
    body = event_body(person)

    assert [api.post(EVENTS, body).status_code for _ in range(2)] == [201, 201]
    assert Event.objects.count() == 2


def test_a_caregiver_replaying_anothers_client_id_gets_the_stored_event(api, person, editor):
    body = event_body(person, client_id=new_id())
    first = api.post(EVENTS, body)

    replay = client_for(editor).post(EVENTS, body)

    assert (replay.status_code, replay.json()["id"], replay.json()["created_by"]) == (200, first.json()["id"], "olive")
    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_client_id_store_one_event(scans):
    require_postgresql()
    owner = make_user("olive")
    person = make_person(owner)
    clients = [client_for(owner) for _ in range(8)]
    body = event_body(person, client_id=new_id())
    start = threading.Barrier(len(clients))

    def post(client):
        try:
            start.wait()
            return client.post(EVENTS, body).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(clients)) as pool:
        statuses = sorted(pool.map(post, clients))

    assert statuses == [200] * (len(clients) - 1) + [201]
    assert Event.objects.filter(person=person).count() == 1
    assert scans == [person.pk]


# --- Bulk ---------------------------------------------------------------------------


def test_a_batch_is_stored_and_a_replay_is_all_duplicates(api, person):
    batch = [event_body(person, client_id=new_id(), body_site=site) for site in ("knee", "hip", "jaw")]

    first = api.post(BULK, batch)
    replay = api.post(BULK, batch)

    assert (first.status_code, replay.status_code) == (200, 200)
    events = {str(e.client_id): e for e in Event.objects.all()}
    assert first.json() == [
        {"client_id": item["client_id"], "status": "created", "id": events[item["client_id"]].pk} for item in batch
    ]
    assert replay.json() == [{**result, "status": "duplicate"} for result in first.json()]
    assert [events[item["client_id"]].body_site for item in batch] == ["knee", "hip", "jaw"]
    assert Event.objects.count() == 3


def test_a_mixed_batch_stores_the_valid_items_and_reports_the_others_in_order(owner, api, person):
    stored = make_event(person, client_id=uuid4())
    hidden = make_person(make_user("otto"), name="Hidden")
    viewed = make_person(make_user("vera"), name="Viewed")
    share(viewed, owner, vocab.Role.VIEWER)
    ids = [new_id() for _ in range(9)]
    batch = [
        event_body(person, client_id=ids[0]),
        event_body(person, client_id=ids[1], pain=11),
        event_body(person, client_id=str(stored.client_id)),
        {**event_body(person), "person": hidden.pk, "client_id": ids[3]},
        event_body(person, client_id=ids[4], sound="bang", signs=["cried", "cried"]),
        {**event_body(person), "person": viewed.pk, "client_id": ids[5]},
        event_body(person),
        "not an event",
        event_body(person, client_id=ids[0]),
        event_body(person, client_id=ids[8], body_site="hip"),
    ]

    answer = api.post(BULK, batch)

    assert answer.status_code == 200
    created = {str(e.client_id): e.pk for e in Event.objects.exclude(pk=stored.pk)}
    assert set(created) == {ids[0], ids[8]}
    assert answer.json() == [
        {"client_id": ids[0], "status": "created", "id": created[ids[0]]},
        {"client_id": ids[1], "status": "invalid", "errors": {
            "pain": ["Ensure this value is less than or equal to 10."],
        }},
        {"client_id": str(stored.client_id), "status": "duplicate", "id": stored.pk},
        {"client_id": ids[3], "status": "invalid", "errors": {"person": ["No person with this id."]}},
        {"client_id": ids[4], "status": "invalid", "errors": {
            "sound": ['"bang" is not a valid choice.'], "signs": ["Listed more than once: cried."],
        }},
        {"client_id": ids[5], "status": "invalid", "errors": {
            "person": ["Only an owner or editor of this person can do this."],
        }},
        {"client_id": None, "status": "invalid", "errors": {"client_id": ["This field is required."]}},
        {"client_id": None, "status": "invalid", "errors": {
            "non_field_errors": ["Invalid data. Expected a dictionary, but got str."],
        }},
        {"client_id": ids[0], "status": "duplicate", "id": created[ids[0]]},
        {"client_id": ids[8], "status": "created", "id": created[ids[8]]},
    ]


@pytest.mark.parametrize("body", [{}, {"events": []}, "events", 5, None])
def test_a_batch_must_be_a_list(api, person, writes_nothing, body):
    with writes_nothing():
        answer = api.post(BULK, body, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["Expected a list of events."]}


def test_a_batch_of_more_than_500_is_refused_whole(api, person, writes_nothing):
    batch = [event_body(person, client_id=new_id()) for _ in range(501)]

    with writes_nothing():
        answer = api.post(BULK, batch)

    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["At most 500 events per batch."]}


def test_a_batch_of_500_is_stored(api, person):
    batch = [event_body(person, client_id=new_id()) for _ in range(500)]

    answer = api.post(BULK, batch)

    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()] == ["created"] * 500
    assert Event.objects.count() == 500


def test_an_empty_batch_answers_an_empty_list(api, person, writes_nothing):
    with writes_nothing():
        answer = api.post(BULK, [])

    assert (answer.status_code, answer.json()) == (200, [])


# --- Never stored behind an error (issue 8, items 7 and 10) ----------------------------


@pytest.mark.parametrize("bad", ['"\\ud800"', '"\\udfff"', '{"a": [[[["deep"]]]]}', "1e999"])
def test_a_bad_item_between_valid_ones_never_stores_events_behind_an_error(api, person, bad):
    # Once: [valid, {"body_site": "\ud800"}, valid] stored two events and answered 500,
    # so the phone kept all three and could never learn the two were stored.
    items = [event_body(person, client_id=new_id(), body_site=site) for site in ("knee", "BAD", "hip")]
    raw = json.dumps(items).replace('"BAD"', bad)

    answer = api.generic("POST", BULK, raw, content_type="application/json")

    stored = {str(e.client_id): e.pk for e in Event.objects.all()}
    if answer.status_code == 200:  # one result per item, and the database says the same
        assert [r["status"] for r in answer.json()] == ["created", "invalid", "created"]
        assert stored == {r["client_id"]: r["id"] for r in answer.json() if r["status"] == "created"}
    else:  # the body as a whole refused: nothing of it stored
        assert (answer.status_code, stored) == (400, {})


def test_a_batch_whose_answer_was_lost_is_sent_again_safely(api, person):
    # A timeout or a dropped connection after the commit: the phone sends the batch again.
    batch = [event_body(person, client_id=new_id(), body_site=site) for site in ("knee", "hip")]
    first = api.post(BULK, batch[:1]).json()
    batch.append(event_body(person, client_id=batch[0]["client_id"], pain=9))  # edited meanwhile: still a replay

    again = api.post(BULK, batch)

    assert [(r["status"], r.get("id")) for r in again.json()] == [
        ("duplicate", first[0]["id"]), ("created", Event.objects.get(client_id=batch[1]["client_id"]).pk),
        ("duplicate", first[0]["id"]),
    ]
    assert (Event.objects.count(), Event.objects.get(pk=first[0]["id"]).pain) == (2, None)
