"""Who may do what: every role on one person × every endpoint and method.

anonymous 401; a stranger 404 for anything of the person (and lists leave it
out); a viewer reads and gets 403 on writes; an editor logs and edits events and
workouts but gets 403 on editing, sharing or deleting the person; the owner does
everything. A refused request changes nothing; an allowed write changes something.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from uuid import uuid4

import pytest

from logs import vocab
from tests.factories import event_body, make_user, share

from .conftest import ROLES, database_state

OK = "ok"
EVERY_USER = {"owner": OK, "editor": OK, "viewer": OK, "stranger": OK, "anonymous": 401}
READERS = {"owner": OK, "editor": OK, "viewer": OK, "stranger": 404, "anonymous": 401}
LOGGERS = {"owner": OK, "editor": OK, "viewer": 403, "stranger": 404, "anonymous": 401}
OWNER = {"owner": OK, "editor": 403, "viewer": 403, "stranger": 404, "anonymous": 401}


@dataclass(frozen=True)
class Call:
    method: str
    url: str  # formatted with the world's person, event and workout ids
    allowed: dict
    ok: int = 200
    body: object = None  # a function of the world

    @property
    def writes(self):
        return self.method != "get"


def workout_body(w):
    return {"person": w.person.pk, "started_at": w.event.occurred_at.isoformat(), "exercise": "single_leg_raise"}


CALLS = {
    "persons.list": Call("get", "/api/v1/persons/", EVERY_USER),
    "persons.retrieve": Call("get", "/api/v1/persons/{person}/", READERS),
    "persons.create": Call(
        "post", "/api/v1/persons/", EVERY_USER, 201, lambda w: {"name": "Mia", "life_stage": "adult"}
    ),
    "persons.update": Call(
        "put", "/api/v1/persons/{person}/", OWNER, body=lambda w: {"name": "Rob", "life_stage": "child"}
    ),
    "persons.partial_update": Call("patch", "/api/v1/persons/{person}/", OWNER, body=lambda w: {"name": "Rob"}),
    "persons.delete": Call("delete", "/api/v1/persons/{person}/", OWNER, 204),
    "caregivers.list": Call("get", "/api/v1/persons/{person}/caregivers/", READERS),
    "caregivers.create": Call(
        "post", "/api/v1/persons/{person}/caregivers/", OWNER, 201, lambda w: {"user": "nadia", "role": "editor"}
    ),
    "caregivers.delete": Call("delete", "/api/v1/persons/{person}/caregivers/remy/", OWNER, 204),
    "events.list": Call("get", "/api/v1/events/", EVERY_USER),
    "events.retrieve": Call("get", "/api/v1/events/{event}/", READERS),
    "events.create": Call("post", "/api/v1/events/", LOGGERS, 201, lambda w: event_body(w.person)),
    "events.update": Call("put", "/api/v1/events/{event}/", LOGGERS, body=lambda w: event_body(w.person, pain=2)),
    "events.partial_update": Call("patch", "/api/v1/events/{event}/", LOGGERS, body=lambda w: {"note": "edited"}),
    "events.delete": Call("delete", "/api/v1/events/{event}/", LOGGERS, 204),
    "workouts.list": Call("get", "/api/v1/workouts/", EVERY_USER),
    "workouts.retrieve": Call("get", "/api/v1/workouts/{workout}/", READERS),
    "workouts.create": Call("post", "/api/v1/workouts/", LOGGERS, 201, workout_body),
    "workouts.update": Call("put", "/api/v1/workouts/{workout}/", LOGGERS, body=workout_body),
    "workouts.partial_update": Call("patch", "/api/v1/workouts/{workout}/", LOGGERS, body=lambda w: {"sets": 5}),
    "workouts.delete": Call("delete", "/api/v1/workouts/{workout}/", LOGGERS, 204),
}


@pytest.fixture
def world(person, event, workout, clients):
    """``person`` with one event and workout, a caregiver to remove (remy) and a user to share with (nadia)."""
    make_user("nadia")
    share(person, make_user("remy"), vocab.Role.VIEWER)
    return SimpleNamespace(person=person, event=event, workout=workout, clients=clients)


def send(world, role, call):
    url = call.url.format(person=world.person.pk, event=world.event.pk, workout=world.workout.pk)
    body = call.body(world) if call.body else None
    return getattr(world.clients[role], call.method)(url, body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CALLS)
def test_permission_matrix(world, name, role):
    call = CALLS[name]
    expected = call.allowed[role]
    before = database_state()

    answer = send(world, role, call)

    assert answer.status_code == (call.ok if expected == OK else expected)
    assert (database_state() != before) == (call.writes and expected == OK)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["persons.list", "events.list", "workouts.list"])
def test_lists_show_the_persons_log_to_its_caregivers_only(world, name, role):
    answer = send(world, role, CALLS[name])

    if role == "anonymous":
        assert answer.status_code == 401
        return
    listed = [item["id"] for item in answer.json()["results"]]
    expected = {"persons.list": world.person, "events.list": world.event, "workouts.list": world.workout}[name]
    assert listed == ([expected.pk] if role in ("owner", "editor", "viewer") else [])


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_each_caregiver_sees_their_own_role(world, role):
    assert send(world, role, CALLS["persons.retrieve"]).json()["role"] == role


@pytest.mark.parametrize("name", ["persons.retrieve", "events.retrieve", "workouts.retrieve", "caregivers.list"])
def test_a_strangers_404_is_the_same_as_for_an_id_that_does_not_exist(world, name):
    call = CALLS[name]
    hidden = send(world, "stranger", call)
    missing_url = call.url.format(person=10**12, event=10**12, workout=10**12)
    missing = world.clients["owner"].get(missing_url)

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == missing.json()


@pytest.mark.parametrize(
    "role, status, errors",
    [
        ("owner", "created", None),
        ("editor", "created", None),
        ("viewer", "invalid", {"person": ["Only an owner or editor of this person can do this."]}),
        ("stranger", "invalid", {"person": ["No person with this id."]}),
    ],
)
def test_bulk_stores_only_for_people_the_caller_may_edit(world, role, status, errors):
    client_id = str(uuid4())
    before = database_state()

    answer = world.clients[role].post("/api/v1/events/bulk/", [event_body(world.person, client_id=client_id)])

    assert answer.status_code == 200
    [result] = answer.json()
    assert (result["client_id"], result["status"], result.get("errors")) == (client_id, status, errors)
    assert (database_state() != before) == (status == "created")


def test_bulk_needs_authentication(world, writes_nothing):
    with writes_nothing():
        answer = world.clients["anonymous"].post(
            "/api/v1/events/bulk/", [event_body(world.person, client_id=str(uuid4()))]
        )

    assert answer.status_code == 401
