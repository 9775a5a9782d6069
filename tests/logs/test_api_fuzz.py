"""Random JSON for every field: the API never answers 500, and a refused write writes nothing.

Derandomized (the same examples on every run) and bounded, so it stays fast and never flaky.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from alerts.models import Alert
from logs import vocab
from logs.models import Event, Person, Workout
from tests.factories import event_body, make_person, make_user, make_workout, share

from .conftest import database_state
from .schema_writes import body_fields, filled, json_writes, rows_to_write

FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=4,
)
EDGE_NUMBERS = st.sampled_from(
    [0, -1, 1, 10, 11, 100, 101, 1000, 1001, 2**15, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63),
     29.94, 29.96, 30, 37.25, 45, 45.04, 45.05, 1e300, -0.0, 1.5, "10", "37.25", "1e3", " 7 ", "0x10"]
)
EXTREME_TIMES = st.sampled_from(
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01", "2026-02-30T00:00:00Z",
     "2026-06-15T12:00:00", "2026-06-15 12:00", "T", ""]
)


def near_now():
    """ISO date-times from a year back to an hour ahead of now (some beyond the 5 minutes allowed)."""
    return st.integers(-365 * 24 * 3600, 3600).map(lambda s: (timezone.now() + timedelta(seconds=s)).isoformat())


def any_time():
    return near_now() | EXTREME_TIMES | st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(datetime.isoformat)


def choice_of(vocabulary):
    return st.sampled_from(vocabulary.values) | st.text(max_size=12)


def field_values(ids):
    """Values worth trying per field: valid ones, near-misses, and any JSON at all."""
    some_id = st.sampled_from(ids) | EDGE_NUMBERS
    return {
        "person": some_id,
        "workout": some_id,
        "occurred_at": any_time(),
        "started_at": any_time(),
        "ended_at": any_time(),
        "client_id": st.uuids().map(str) | st.text(max_size=40),
        "body_site": choice_of(vocab.BodySite),
        "side": choice_of(vocab.Side),
        "sound": choice_of(vocab.Sound),
        "activity": choice_of(vocab.Activity),
        "pain_quality": choice_of(vocab.PainQuality),
        "radiates": choice_of(vocab.Radiates),
        "exercise": choice_of(vocab.Exercise),
        "range_of_motion": choice_of(vocab.RangeOfMotion),
        "pain": EDGE_NUMBERS,
        "temperature_c": EDGE_NUMBERS | st.decimals(min_value=25, max_value=50, places=3).map(str),
        "sets": EDGE_NUMBERS,
        "reps": EDGE_NUMBERS,
        "pelvic_tilt_held": st.sampled_from([True, False, None, "true", 1, 0]),
        "signs": st.lists(choice_of(vocab.Sign), max_size=4),
        "note": st.text(max_size=40) | st.sampled_from(["x" * 2000, "x" * 2001, "\x00", "<script>alert(1)</script>"]),
    }


def mutated(data, body, values):
    """``body`` with a few fields replaced by drawn values, or by any JSON, and a few left out."""
    fields = sorted(values)
    for name in data.draw(st.lists(st.sampled_from(fields), max_size=4, unique=True)):
        body[name] = data.draw(values[name] | ANY_JSON)
    for name in data.draw(st.lists(st.sampled_from(sorted(body)), max_size=2, unique=True)):
        del body[name]
    return body


def log_state():
    return Event.objects.count(), Workout.objects.count(), list(Person.objects.values_list("log_changed_at"))


@pytest.fixture
def ids(owner, person):
    """Ids of rows the caller owns, only views, cannot see, and that do not exist."""
    viewed = make_person(make_user("vera"), name="Viewed")
    share(viewed, owner, vocab.Role.VIEWER)
    hidden = make_person(make_user("otto"), name="Hidden")
    rows = [person, viewed, hidden, make_workout(person), make_workout(viewed), make_workout(hidden)]
    return [row.pk for row in rows] + [10**9]


EVENT_FIELDS = {
    "person", "occurred_at", "client_id", "body_site", "side", "sound", "activity", "pain", "pain_quality",
    "radiates", "signs", "temperature_c", "workout", "note",
}
WORKOUT_FIELDS = {
    "person", "started_at", "ended_at", "exercise", "sets", "reps", "range_of_motion", "pelvic_tilt_held", "note",
}


def workout_body(person):
    return {"person": person.pk, "started_at": timezone.now().isoformat(), "exercise": "straight_leg_raise"}


@pytest.mark.parametrize(
    "path, fields, valid_body, model",
    [
        ("/api/v1/events/", EVENT_FIELDS, event_body, Event),
        ("/api/v1/workouts/", WORKOUT_FIELDS, workout_body, Workout),
    ],
    ids=["events", "workouts"],
)
@FUZZ
@given(data=st.data())
def test_random_bodies_never_fail_and_refusals_write_nothing(api, person, ids, path, fields, valid_body, model, data):
    values = {name: value for name, value in field_values(ids).items() if name in fields}
    body = mutated(data, valid_body(person), values)
    before, rows_before = log_state(), model.objects.count()

    answer = api.post(path, body)  # an unhandled error would raise here
    event(f"status {answer.status_code}")  # --hypothesis-show-statistics shows the mix

    assert answer.status_code in {200, 201, 400, 403, 404}, answer.content
    if answer.status_code == 201:
        assert model.objects.count() == rows_before + 1
        assert model.objects.filter(pk=answer.json()["id"]).exists()
    else:
        assert log_state() == before


@FUZZ
@given(data=st.data())
def test_random_batches_store_exactly_the_items_reported_created(api, person, ids, data):
    values = {name: value for name, value in field_values(ids).items() if name in EVENT_FIELDS}
    size = data.draw(st.integers(0, 4))
    batch = [mutated(data, event_body(person, client_id=str(data.draw(st.uuids()))), values) for _ in range(size)]
    if data.draw(st.booleans()):
        batch.append(data.draw(ANY_JSON))
    before = Event.objects.count()

    answer = api.post("/api/v1/events/bulk/", batch)

    assert answer.status_code == 200, answer.content
    statuses = [result["status"] for result in answer.json()]
    event(f"created {statuses.count('created')} of {len(batch)}")
    assert len(statuses) == len(batch)
    assert Event.objects.count() == before + statuses.count("created")


FILTERS = {
    "/api/v1/events/": [
        "person", "body_site", "side", "sound", "activity", "workout", "occurred_after", "occurred_before",
        "min_pain", "page", "page_size",
    ],
    "/api/v1/workouts/": ["person", "started_after", "started_before", "exercise", "page", "page_size"],
}


@pytest.mark.parametrize("path", FILTERS)
@FUZZ
@given(data=st.data())
def test_random_filters_never_fail(api, person, ids, path, data):
    text = st.text(max_size=30) | EDGE_NUMBERS.map(str) | any_time() | st.sampled_from(list(map(str, ids)))
    query = data.draw(st.dictionaries(st.sampled_from(FILTERS[path]), text, max_size=4))

    answer = api.get(path, query)

    assert answer.status_code in {200, 400, 404}, answer.content
    if answer.status_code == 200:
        assert set(answer.json()) == {"count", "next", "previous", "results"}


# --- Lone surrogates in every field of every write ---------------------------------------
# A "\ud800" escape is valid JSON but not text: echoed in an error or stored, it used to
# answer 500. The bodies are otherwise valid, so only the surrogate can be refused.

LONE_SURROGATE_TEXT = st.tuples(
    st.text(max_size=8), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), st.text(max_size=8)
).map("".join)  # st.text() draws no surrogates: the one in the middle never finds a pair


def valid_body(method, path, person):
    """A body the write takes as it is (a token, a new user, an event...), or {} for one not listed."""
    bodies = {
        "/api/v1/auth/register/": {"username": "nadia", "email": "n@example.org", "password": "a long passphrase 42"},
        "/api/v1/auth/token/": {"username": "olive", "password": "long enough password 1"},
        "/api/v1/me/": {"timezone": "Europe/Paris"},
        "/api/v1/persons/": {"name": "Sam", "life_stage": "adult"},
        "/api/v1/persons/{id}/": {"name": "Sam", "life_stage": "adult"},
        "/api/v1/persons/{id}/caregivers/": {"user": "vera", "role": "viewer"},
        "/api/v1/events/": event_body(person),
        "/api/v1/events/{id}/": event_body(person),
        "/api/v1/events/bulk/": [event_body(person, client_id="c0a80101-0000-4000-8000-000000000003")],
        "/api/v1/workouts/": workout_body(person),
        "/api/v1/workouts/{id}/": workout_body(person),
        "/api/v1/alerts/{id}/": {"status": "acknowledged"},
    }
    return bodies.get(path, {})


@pytest.fixture
def rows(person):
    return rows_to_write(person)


def everything_written():
    return database_state(), list(Alert.objects.values_list("status", flat=True)), Token.objects.count()


@pytest.mark.parametrize("method, path", json_writes())
@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_a_lone_surrogate_in_any_field_is_a_400_that_writes_nothing(api, person, ids, rows, method, path, data):
    # ``ids`` made the user "vera" the caregiver body shares with.
    fields = body_fields(method, path)
    name = data.draw(st.sampled_from(sorted(fields)))
    text = data.draw(LONE_SURROGATE_TEXT)
    body = valid_body(method, path, person)
    item = body[0] if isinstance(body, list) else body
    item[name] = [text] if fields[name] else text
    cache.clear()  # the auth endpoints' rate limit
    before = everything_written()

    answer = getattr(api, method)(filled(path, rows), json.dumps(body), content_type="application/json")

    assert answer.status_code == 400, answer.content
    assert set(answer.json()) == ({"non_field_errors"} if isinstance(body, list) else {name})
    assert everything_written() == before
