"""Every validation rule of the contract: 400/404/415 with field errors, and nothing written."""

import json
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone

from logs.models import Event, Workout
from tests.factories import event_body, make_event, make_person, make_user, make_workout

EVENTS = "/api/v1/events/"
WORKOUTS = "/api/v1/workouts/"
TOO_BIG = 2**64  # wider than any primary key


def soon(**delta):
    return (timezone.now() + timedelta(**delta)).isoformat()


def later(**delta):
    """A time relative to when the test runs (parameters are built at collection)."""
    return lambda: soon(**delta)


def resolved(change):
    return {name: value() if callable(value) else value for name, value in change.items()}


def workout_body(person, change=None):
    body = {"person": person.pk, "started_at": soon(hours=-1), "exercise": "straight_leg_raise"}
    return {**body, **resolved(change or {})}


def with_change(person, change):
    """A valid event body for ``person`` with ``change`` applied (it may name another person)."""
    return {**event_body(person), **resolved(change)}


# --- Events -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"body_site": "elbowz"}, "body_site"),
        ({"body_site": None}, "body_site"),
        ({"side": "up"}, "side"),
        ({"sound": "bang"}, "sound"),
        ({"sound": "POP"}, "sound"),
        ({"activity": "dancing"}, "activity"),
        ({"pain_quality": "dull"}, "pain_quality"),
        ({"radiates": "everywhere"}, "radiates"),
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"pain": 2.5}, "pain"),
        ({"pain": "high"}, "pain"),
        ({"pain": True}, "pain"),
        ({"pain": TOO_BIG}, "pain"),
        ({"temperature_c": 50}, "temperature_c"),
        ({"temperature_c": 29.9}, "temperature_c"),
        ({"temperature_c": 45.1}, "temperature_c"),
        ({"temperature_c": "warm"}, "temperature_c"),
        ({"temperature_c": "1e400"}, "temperature_c"),
        ({"temperature_c": "NaN"}, "temperature_c"),
        ({"occurred_at": later(hours=1)}, "occurred_at"),
        ({"occurred_at": later(minutes=6)}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": 1750000000}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"signs": ["cried", "cried"]}, "signs"),
        ({"signs": ["sneezed"]}, "signs"),
        ({"signs": "cried"}, "signs"),
        ({"signs": {"cried": True}}, "signs"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "nul \x00 byte"}, "note"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"client_id": ""}, "client_id"),
        ({"person": TOO_BIG}, "person"),
        ({"person": 0}, "person"),
        ({"person": "abc"}, "person"),
        ({"person": None}, "person"),
        ({"person": [1]}, "person"),
        ({"workout": TOO_BIG}, "workout"),
        ({"workout": -1}, "workout"),
        ({"workout": 999_999}, "workout"),
    ],
)
def test_invalid_event_fields_answer_400_and_write_nothing(api, person, writes_nothing, change, field):
    with writes_nothing():
        answer = api.post(EVENTS, with_change(person, change))

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert isinstance(answer.json()[field], list | dict)


@pytest.mark.parametrize("field", ["person", "pain", "temperature_c", "workout", "occurred_at"])
@pytest.mark.parametrize("literal", ["1e400", "-1e400", "NaN", "Infinity", "1" * 5000])
def test_json_numbers_no_field_can_hold_answer_400(api, person, writes_nothing, field, literal):
    body = json.dumps(with_change(person, {field: "PLACEHOLDER"})).replace('"PLACEHOLDER"', literal)
    with writes_nothing():
        answer = api.post(EVENTS, data=body, content_type="application/json")

    assert answer.status_code == 400


@pytest.mark.parametrize("field", ["person", "occurred_at", "body_site", "sound"])
def test_required_event_fields(api, person, writes_nothing, field):
    body = event_body(person)
    del body[field]
    with writes_nothing():
        answer = api.post(EVENTS, body)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_error_messages_say_what_is_wrong(api, person):
    answers = {
        "pain": api.post(EVENTS, event_body(person, pain=11)).json(),
        "signs": api.post(EVENTS, event_body(person, signs=["cried", "warmth", "cried"])).json(),
        "occurred_at": api.post(EVENTS, event_body(person, occurred_at=soon(hours=1))).json(),
    }

    assert answers == {
        "pain": {"pain": ["Ensure this value is less than or equal to 10."]},
        "signs": {"signs": ["Listed more than once: cried."]},
        "occurred_at": {"occurred_at": ["Must not be more than 5 minutes in the future."]},
    }


@pytest.mark.parametrize(
    "change, stored",
    [
        ({"pain": 0}, {"pain": 0}),
        ({"pain": 10}, {"pain": 10}),
        ({"pain": None}, {"pain": None}),
        ({"temperature_c": 30}, {"temperature_c": Decimal("30.0")}),
        ({"temperature_c": 45.0}, {"temperature_c": Decimal("45.0")}),
        ({"temperature_c": 37.25}, {"temperature_c": Decimal("37.3")}),
        ({"temperature_c": "38.04"}, {"temperature_c": Decimal("38.0")}),
        ({"note": "x" * 2000}, {"note": "x" * 2000}),
        ({"signs": ["cried", "warmth"]}, {"signs": ["cried", "warmth"]}),
        ({"pain_quality": None}, {"pain_quality": None}),
    ],
)
def test_boundary_event_values_are_accepted(api, person, change, stored):
    answer = api.post(EVENTS, event_body(person, **change))

    assert answer.status_code == 201
    event = Event.objects.get()
    assert {name: getattr(event, name) for name in stored} == stored


def test_an_event_a_few_minutes_ahead_is_accepted_for_clock_drift(api, person):
    assert api.post(EVENTS, event_body(person, occurred_at=soon(minutes=4))).status_code == 201


def test_a_rounded_temperature_is_answered_rounded(api, person):
    assert api.post(EVENTS, event_body(person, temperature_c=37.25)).json()["temperature_c"] == 37.3


def test_an_unknown_person_and_another_users_person_answer_the_same_404(api, person, writes_nothing):
    hidden = make_person(make_user("otto"), name="Hidden")
    with writes_nothing():
        unknown = api.post(EVENTS, with_change(person, {"person": hidden.pk + 1000}))
        hidden_answer = api.post(EVENTS, with_change(person, {"person": hidden.pk}))

    assert (unknown.status_code, hidden_answer.status_code) == (404, 404)
    assert unknown.json() == hidden_answer.json() == {"person": ["No person with this id."]}


def test_a_workout_of_another_person_answers_400(owner, api, person, writes_nothing):
    other_workout = make_workout(make_person(owner, name="Kim"))
    hidden_workout = make_workout(make_person(make_user("otto")))
    with writes_nothing():
        mine = api.post(EVENTS, event_body(person, workout=other_workout.pk))
        hidden = api.post(EVENTS, event_body(person, workout=hidden_workout.pk))

    assert (mine.status_code, mine.json()) == (400, {"workout": ["Belongs to another person."]})
    assert (hidden.status_code, hidden.json()) == (400, {"workout": ["No workout with this id."]})


@pytest.mark.parametrize(
    "change, field",
    [
        ({"pain": 11}, "pain"),
        ({"body_site": "tail"}, "body_site"),
        ({"occurred_at": "tomorrow"}, "occurred_at"),
        ({"person": "other"}, "person"),
        ({"workout": "other_workout"}, "workout"),
        ({"client_id": "new"}, "client_id"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_invalid_event_updates_answer_400_and_change_nothing(owner, api, person, writes_nothing, change, field):
    other = make_person(owner, name="Kim")
    event = make_event(person, client_id=uuid4())
    values = {"other": other.pk, "other_workout": make_workout(other).pk, "new": str(uuid4())}
    change = {name: values.get(value, value) for name, value in change.items()}

    with writes_nothing():
        patched = api.patch(f"{EVENTS}{event.pk}/", change)
        put = api.put(f"{EVENTS}{event.pk}/", with_change(person, change))

    assert (patched.status_code, put.status_code) == (400, 400)
    assert list(patched.json()) == list(put.json()) == [field]


# --- Workouts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field",
    [
        ({"started_at": "2025-01-01T10:00:00Z", "ended_at": "2025-01-01T09:59:59Z"}, "ended_at"),
        ({"started_at": "2025-01-01T10:00:00Z", "ended_at": "2025-01-01T10:00:00Z"}, "ended_at"),
        ({"started_at": "2025-01-01T10:00:00Z", "ended_at": "2025-01-01T10:30:00+01:00"}, "ended_at"),
        ({"ended_at": "later"}, "ended_at"),
        ({"started_at": later(hours=1)}, "started_at"),
        ({"started_at": None}, "started_at"),
        ({"exercise": "yoga"}, "exercise"),
        ({"range_of_motion": "huge"}, "range_of_motion"),
        ({"sets": 101}, "sets"),
        ({"sets": -1}, "sets"),
        ({"reps": 1001}, "reps"),
        ({"reps": TOO_BIG}, "reps"),
        ({"pelvic_tilt_held": "sometimes"}, "pelvic_tilt_held"),
        ({"note": "x" * 2001}, "note"),
        ({"person": TOO_BIG}, "person"),
        ({"person": "1; DROP TABLE logs_workout"}, "person"),
    ],
)
def test_invalid_workout_fields_answer_400_and_write_nothing(api, person, writes_nothing, change, field):
    with writes_nothing():
        answer = api.post(WORKOUTS, workout_body(person, change))

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_a_workout_for_a_person_one_cannot_see_answers_404(api, person, writes_nothing):
    hidden = make_person(make_user("otto"))
    with writes_nothing():
        answer = api.post(WORKOUTS, workout_body(person, {"person": hidden.pk}))

    assert (answer.status_code, answer.json()) == (404, {"person": ["No person with this id."]})


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ended_at": "before_start"}, "ended_at"),
        ({"started_at": "after_end"}, "ended_at"),
        ({"person": "other"}, "person"),
        ({"sets": 101}, "sets"),
    ],
)
def test_invalid_workout_updates_answer_400_and_change_nothing(owner, api, person, writes_nothing, change, field):
    now = timezone.now()
    workout = make_workout(person, started_at=now - timedelta(hours=2), ended_at=now - timedelta(hours=1))
    values = {
        "before_start": (now - timedelta(hours=3)).isoformat(),
        "after_end": (now - timedelta(minutes=30)).isoformat(),
        "other": make_person(owner, name="Kim").pk,
    }
    change = {name: values.get(value, value) for name, value in change.items()}

    with writes_nothing():
        answer = api.patch(f"{WORKOUTS}{workout.pk}/", change)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_boundary_workout_values_are_accepted(api, person):
    answer = api.post(WORKOUTS, workout_body(person, {"sets": 0, "reps": 1000, "started_at": soon(minutes=4)}))

    assert answer.status_code == 201
    assert Workout.objects.filter(sets=0, reps=1000).count() == 1


# --- Request bodies, content types and ids ---------------------------------------------


WRITES = [
    ("post", "/api/v1/events/"),
    ("post", "/api/v1/events/bulk/"),
    ("patch", "/api/v1/events/{event}/"),
    ("post", "/api/v1/workouts/"),
    ("put", "/api/v1/workouts/{workout}/"),
    ("post", "/api/v1/persons/"),
    ("patch", "/api/v1/persons/{person}/"),
    ("post", "/api/v1/persons/{person}/caregivers/"),
    ("patch", "/api/v1/me/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/register/"),
]


def write_url(template, person, event, workout):
    return template.format(person=person.pk, event=event.pk, workout=workout.pk)


@pytest.mark.parametrize("method, template", WRITES)
@pytest.mark.parametrize(
    "content, content_type, status",
    [
        ('{"person": ', "application/json", 400),
        ("[1, 2", "application/json", 400),
        ("\xff\xfe", "application/json", 400),
        ("person=1&body_site=knee", "application/x-www-form-urlencoded", 415),
        ("person: 1", "text/plain", 415),
        ("<event/>", "application/xml", 415),
    ],
    ids=["truncated", "unclosed-list", "not-utf8", "form", "text", "xml"],
)
def test_malformed_json_is_400_and_other_content_types_415(
    api, person, event, workout, writes_nothing, method, template, content, content_type, status
):
    url = write_url(template, person, event, workout)
    with writes_nothing():
        answer = getattr(api, method)(url, data=content.encode("latin-1"), content_type=content_type)

    assert answer.status_code == status
    assert "detail" in answer.json()


@pytest.mark.parametrize(
    "method, template",
    [
        ("get", "/api/v1/events/{id}/"), ("patch", "/api/v1/events/{id}/"), ("delete", "/api/v1/events/{id}/"),
        ("get", "/api/v1/workouts/{id}/"), ("put", "/api/v1/workouts/{id}/"),
        ("get", "/api/v1/persons/{id}/"), ("delete", "/api/v1/persons/{id}/"),
        ("get", "/api/v1/persons/{id}/caregivers/"), ("delete", "/api/v1/persons/{id}/caregivers/olive/"),
    ],
)
@pytest.mark.parametrize("row_id", [TOO_BIG, 2**63, 2**63 - 1, 10**17, -1, "1.0"])
def test_ids_that_cannot_name_a_row_answer_404(api, person, event, workout, writes_nothing, method, template, row_id):
    with writes_nothing():
        answer = getattr(api, method)(template.format(id=row_id), {})

    assert answer.status_code == 404
