"""Workouts over HTTP: create, read, update, delete, event_count and filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from logs.models import Workout
from tests.factories import make_event, make_person, make_user, make_workout

WORKOUTS = "/api/v1/workouts/"


def workout_url(workout):
    return f"{WORKOUTS}{workout.pk}/"


def workout_body(person, **fields):
    started = timezone.now() - timedelta(hours=1)
    return {
        "person": person.pk,
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=20)).isoformat(),
        "exercise": "bent_knee_leg_raise", "sets": 3, "reps": 12, "range_of_motion": "reduced",
        "pelvic_tilt_held": True, "note": "slow tempo", **fields,
    }


def test_create_stores_every_field(owner, api, person):
    answer = api.post(WORKOUTS, workout_body(person))

    assert answer.status_code == 201
    workout = Workout.objects.get()
    assert {k: answer.json()[k] for k in ("id", "person", "exercise", "sets", "reps", "range_of_motion",
                                          "pelvic_tilt_held", "note", "event_count", "created_by")} == {
        "id": workout.pk, "person": person.pk, "exercise": "bent_knee_leg_raise", "sets": 3, "reps": 12,
        "range_of_motion": "reduced", "pelvic_tilt_held": True, "note": "slow tempo", "event_count": 0,
        "created_by": "olive",
    }
    assert (workout.created_by, workout.ended_at - workout.started_at) == (owner, timedelta(minutes=20))
    person.refresh_from_db()
    assert person.log_changed_at is not None


def test_create_needs_only_person_start_and_exercise(api, person):
    answer = api.post(
        WORKOUTS, {"person": person.pk, "started_at": timezone.now().isoformat(), "exercise": "other"}
    )

    assert answer.status_code == 201
    defaults = ("ended_at", "sets", "reps", "range_of_motion", "pelvic_tilt_held", "note")
    assert {k: answer.json()[k] for k in defaults} == {
        "ended_at": None, "sets": None, "reps": None, "range_of_motion": "full", "pelvic_tilt_held": None, "note": "",
    }


def test_event_count_counts_the_linked_events(api, person):
    workout, other = make_workout(person), make_workout(person)
    for _ in range(3):
        make_event(person, workout=workout)
    make_event(person)

    listed = {w["id"]: w["event_count"] for w in api.get(WORKOUTS).json()["results"]}

    assert listed == {workout.pk: 3, other.pk: 0}
    assert api.get(workout_url(workout)).json()["event_count"] == 3


def test_event_count_is_read_only(api, person):
    workout = make_workout(person)

    answer = api.patch(workout_url(workout), {"event_count": 9, "sets": 4})

    assert answer.status_code == 200
    assert (answer.json()["event_count"], answer.json()["sets"]) == (0, 4)


def test_put_and_patch_update_the_workout(api, person):
    workout = make_workout(person)

    put = api.put(workout_url(workout), workout_body(person, exercise="single_leg_raise", reps=1000))
    patched = api.patch(workout_url(workout), {"sets": 100, "pelvic_tilt_held": None})

    assert (put.status_code, patched.status_code) == (200, 200)
    workout.refresh_from_db()
    assert (workout.exercise, workout.reps, workout.sets, workout.pelvic_tilt_held) == (
        "single_leg_raise", 1000, 100, None,
    )
    assert patched.json()["sets"] == 100


def test_delete_keeps_the_events_and_unlinks_them(api, person):
    workout = make_workout(person)
    event = make_event(person, workout=workout)

    answer = api.delete(workout_url(workout))

    assert answer.status_code == 204
    assert not Workout.objects.exists()
    event.refresh_from_db()
    assert event.workout is None


@pytest.fixture
def workouts(owner, person):
    now = timezone.now()
    other = make_person(owner, name="Kim")
    return {
        "now": now,
        "other": other,
        "workouts": [
            make_workout(person, started_at=now - timedelta(days=1), exercise="straight_leg_raise"),
            make_workout(person, started_at=now - timedelta(days=2), exercise="hanging_leg_raise"),
            make_workout(other, started_at=now - timedelta(days=3), exercise="straight_leg_raise"),
        ],
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [0, 1, 2]),
        ({"person": "person"}, [0, 1]),
        ({"person": "other"}, [2]),
        ({"started_after": 2.5}, [0, 1]),
        ({"started_before": 1.5}, [1, 2]),
        ({"started_after": 2.5, "started_before": 1.5}, [1]),
        ({"exercise": "straight_leg_raise"}, [0, 2]),
    ],
)
def test_filters_select_the_matching_workouts_newest_first(api, person, workouts, query, expected):
    params = {}
    for name, value in query.items():
        if name.startswith("started_"):
            value = (workouts["now"] - timedelta(days=value)).isoformat()
        params[name] = {"person": person.pk, "other": workouts["other"].pk}.get(value, value)

    answer = api.get(WORKOUTS, params)

    assert answer.status_code == 200
    assert [w["id"] for w in answer.json()["results"]] == [workouts["workouts"][i].pk for i in expected]


@pytest.mark.parametrize(
    "query",
    [
        {"person": "x"}, {"person": 2**64}, {"started_after": "soon"}, {"started_before": "0001-01-01T00:00:00+01:00"},
        {"exercise": "yoga"},
    ],
)
def test_invalid_workout_filters_answer_400(api, person, query):
    answer = api.get(WORKOUTS, query)

    assert answer.status_code == 400
    assert list(answer.json()) == list(query)


def test_workouts_of_people_one_cannot_see_are_never_listed(api, person):
    mine = make_workout(person)
    hidden = make_person(make_user("otto"))
    make_workout(hidden)

    assert [w["id"] for w in api.get(WORKOUTS).json()["results"]] == [mine.pk]
    assert api.get(WORKOUTS, {"person": hidden.pk}).status_code == 404
