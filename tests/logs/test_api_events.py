"""Events over HTTP: create, read, update, delete, filters and pagination."""

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from logs.models import Event
from tests.factories import event_body, make_event, make_person, make_user, make_workout

EVENTS = "/api/v1/events/"


def event_url(event):
    return f"{EVENTS}{event.pk}/"


def ids(answer):
    return [item["id"] for item in answer.json()["results"]]


# --- Create, read, update, delete ---------------------------------------------


def test_create_stores_every_field_and_answers_it(owner, api, person):
    workout = make_workout(person)
    client_id = uuid4()
    body = event_body(
        person, client_id=str(client_id), body_site="lower_back", side="midline", sound="crack",
        activity="self_manipulation", pain=4, pain_quality="ache", radiates="one_leg",
        signs=["numbness", "tingling"], temperature_c=37.2, workout=workout.pk, note="<b>after lifting</b>",
    )

    answer = api.post(EVENTS, body)

    assert answer.status_code == 201
    event = Event.objects.get()
    body_answer = answer.json()
    sent = {k: v for k, v in body.items() if k != "occurred_at"}
    assert {k: body_answer[k] for k in sent} == sent
    assert parse_datetime(body_answer["occurred_at"]) == parse_datetime(body["occurred_at"])
    assert (body_answer["id"], body_answer["created_by"]) == (event.pk, "olive")
    assert isinstance(body_answer["alerts"], list)
    assert (event.client_id, event.temperature_c, event.signs, event.created_by) == (
        client_id, Decimal("37.2"), ["numbness", "tingling"], owner,
    )
    person.refresh_from_db()
    assert person.log_changed_at is not None


def test_create_fills_the_contract_defaults(api, person):
    answer = api.post(
        EVENTS, {"person": person.pk, "occurred_at": timezone.now().isoformat(), "body_site": "knee", "sound": "click"}
    )

    assert answer.status_code == 201
    assert answer.json()["alerts"] == []
    assert {k: answer.json()[k] for k in ("side", "activity", "pain", "pain_quality", "radiates", "signs", "note")} == {
        "side": "unknown", "activity": "other", "pain": None, "pain_quality": None, "radiates": "none",
        "signs": [], "note": "",
    }


def test_retrieve_shows_the_event_without_alerts(api, person):
    event = make_event(person, pain=3, signs=["swelling"])

    answer = api.get(event_url(event))

    assert answer.status_code == 200
    assert (answer.json()["id"], answer.json()["pain"], answer.json()["signs"]) == (event.pk, 3, ["swelling"])
    assert "alerts" not in answer.json()


def test_patch_changes_only_the_given_fields(api, person):
    event = make_event(person, pain=3, note="first")

    answer = api.patch(event_url(event), {"pain": 1, "side": "right"})

    assert answer.status_code == 200
    assert answer.json()["alerts"] == []  # a painless-ish knee pop raises nothing at once
    event.refresh_from_db()
    assert (event.pain, event.side, event.note, event.body_site) == (1, "right", "first", "knee")


def test_put_replaces_the_event(api, person):
    event = make_event(person, side="left")
    body = event_body(person, body_site="hip", sound="click", side="right", pain=1)

    answer = api.put(event_url(event), body)

    assert answer.status_code == 200
    event.refresh_from_db()
    assert (event.body_site, event.sound, event.side, event.pain) == ("hip", "click", "right", 1)


def test_put_may_repeat_the_stored_client_id(api, person):
    client_id = uuid4()
    event = make_event(person, client_id=client_id)

    answer = api.put(event_url(event), event_body(person, client_id=str(client_id), pain=2))

    assert answer.status_code == 200
    assert Event.objects.get().pain == 2


def test_delete_removes_the_event(api, person):
    event = make_event(person)

    answer = api.delete(event_url(event))

    assert answer.status_code == 204
    assert not Event.objects.exists()
    person.refresh_from_db()
    assert person.log_changed_at is not None


def test_the_workout_can_be_set_and_cleared(api, person):
    event = make_event(person)
    workout = make_workout(person)

    assert api.patch(event_url(event), {"workout": workout.pk}).json()["workout"] == workout.pk
    assert api.patch(event_url(event), {"workout": None}).json()["workout"] is None
    event.refresh_from_db()
    assert event.workout is None


# --- Filters and order ------------------------------------------------------------


@pytest.fixture
def timeline(owner, person):
    """Four events of two people, newest first, and the workout of the newest."""
    now = timezone.now()
    other = make_person(owner, name="Kim")
    workout = make_workout(person, started_at=now - timedelta(days=1, hours=1))
    return {
        "other": other,
        "workout": workout,
        "now": now,
        "events": [
            make_event(person, occurred_at=now - timedelta(days=1), body_site="knee", side="left", sound="pop",
                       activity="exercise", pain=2, workout=workout),
            make_event(person, occurred_at=now - timedelta(days=2), body_site="hip", side="right", sound="click",
                       activity="diaper_change"),
            make_event(person, occurred_at=now - timedelta(days=3), body_site="lower_back", side="midline",
                       sound="none", activity="at_rest", pain=7),
            make_event(other, occurred_at=now - timedelta(days=4), body_site="knee", side="left", sound="pop",
                       activity="walking", pain=0),
        ],
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [0, 1, 2, 3]),
        ({"person": "other"}, [3]),
        ({"person": "person"}, [0, 1, 2]),
        ({"body_site": "knee"}, [0, 3]),
        ({"side": "midline"}, [2]),
        ({"sound": "none"}, [2]),
        ({"activity": "diaper_change"}, [1]),
        ({"workout": "workout"}, [0]),
        ({"occurred_after": 2.5}, [0, 1]),
        ({"occurred_before": 1.5}, [1, 2, 3]),
        ({"occurred_after": 3.5, "occurred_before": 1.5}, [1, 2]),
        ({"min_pain": 0}, [0, 2, 3]),
        ({"min_pain": 2}, [0, 2]),
        ({"min_pain": 8}, []),
        ({"body_site": "knee", "person": "other"}, [3]),
    ],
)
def test_filters_select_the_matching_events_newest_first(api, person, timeline, query, expected):
    references = {"person": person.pk, "other": timeline["other"].pk, "workout": timeline["workout"].pk}
    params = {}
    for name, value in query.items():
        if name.startswith("occurred_"):
            value = (timeline["now"] - timedelta(days=value)).isoformat()
        params[name] = references.get(value, value)

    answer = api.get(EVENTS, params)

    assert answer.status_code == 200
    assert ids(answer) == [timeline["events"][i].pk for i in expected]
    assert answer.json()["count"] == len(expected)


def test_occurred_bounds_are_inclusive(api, person):
    at = timezone.now() - timedelta(hours=3)
    event = make_event(person, occurred_at=at)

    answer = api.get(EVENTS, {"occurred_after": at.isoformat(), "occurred_before": at.isoformat()})

    assert ids(answer) == [event.pk]


def test_same_time_events_are_ordered_by_newest_id(api, person):
    at = timezone.now() - timedelta(hours=1)
    first, second = make_event(person, occurred_at=at), make_event(person, occurred_at=at)

    assert ids(api.get(EVENTS)) == [second.pk, first.pk]


def test_a_person_filter_for_a_person_one_cannot_see_answers_404(api, person):
    hidden = make_person(make_user("otto"), name="Hidden")
    make_event(hidden)

    for person_id in (hidden.pk, 999_999):
        for query in ({}, {"page": 2}, {"page": "x"}, {"page_size": 1, "min_pain": 0}):
            answer = api.get(EVENTS, {"person": person_id, **query})
            assert (answer.status_code, answer.json()) == (404, {"detail": "No person with this id."})


def test_a_person_filter_for_a_visible_person_without_events_lists_none(api, person, owner):
    make_event(make_person(owner, name="Other"))

    answer = api.get(EVENTS, {"person": person.pk})

    assert (answer.status_code, answer.json()["count"], answer.json()["results"]) == (200, 0, [])
    assert api.get(EVENTS, {"person": person.pk, "page": 2}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"body_site": "elbowz"}, {"side": "up"}, {"sound": "bang"}, {"activity": "dancing"},
        {"min_pain": 11}, {"min_pain": -1}, {"min_pain": "a lot"}, {"min_pain": "NaN"},
        {"occurred_after": "yesterday"}, {"occurred_before": "2026-02-30T00:00:00Z"},
        {"occurred_after": "0001-01-01T00:00:00+14:00"}, {"occurred_before": "9999-12-31T23:59:59-14:00"},
        {"person": "abc"}, {"person": 0}, {"person": 2**63}, {"person": 2**64}, {"workout": 2**64},
        {"workout": -3}, {"person": "\x00"},
    ],
)
def test_invalid_filter_values_answer_400_naming_the_filter(api, person, query):
    answer = api.get(EVENTS, query)

    assert answer.status_code == 400
    assert list(answer.json()) == list(query)


def test_events_of_people_one_cannot_see_are_never_listed(api, person):
    mine = make_event(person)
    make_event(make_person(make_user("otto")))

    assert ids(api.get(EVENTS)) == [mine.pk]


# --- Pagination -------------------------------------------------------------------


def make_events(person, count):
    now = timezone.now()
    return Event.objects.bulk_create(
        Event(person=person, occurred_at=now - timedelta(minutes=i + 1), body_site="knee", sound="pop")
        for i in range(count)
    )


def test_pages_have_count_next_previous_and_results(api, person):
    make_events(person, 7)

    first = api.get(EVENTS, {"page_size": 3}).json()
    last = api.get(EVENTS, {"page_size": 3, "page": 3}).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (7, 3, None)
    assert "page=2" in first["next"] and "page_size=3" in first["next"]
    assert (last["count"], len(last["results"]), last["next"]) == (7, 1, None)
    assert "page=2" in last["previous"]
    second = api.get(first["next"]).json()
    all_ids = [e["id"] for e in first["results"] + second["results"] + last["results"]]
    assert all_ids == list(Event.objects.order_by("-occurred_at", "-id").values_list("id", flat=True))


@pytest.mark.parametrize("page_size, expected", [(None, 50), ("", 50), (500, 500), (501, 500), (10_000, 500)])
def test_page_size_defaults_to_50_and_is_capped_at_500(api, person, page_size, expected):
    make_events(person, 501)

    answer = api.get(EVENTS, {} if page_size is None else {"page_size": page_size})

    assert answer.status_code == 200
    assert (answer.json()["count"], len(answer.json()["results"])) == (501, expected)


@pytest.mark.parametrize("page_size", [0, -1, "null", "abc", "1.5", " 7", "\u0661"])
def test_a_page_size_that_is_not_a_whole_number_of_at_least_1_is_refused(api, person, page_size):
    answer = api.get(EVENTS, {"page_size": page_size})

    assert (answer.status_code, answer.json()) == (400, {"page_size": ["A whole number of at least 1."]})


@pytest.mark.parametrize("page", [2, "abc", 10**30])
def test_a_page_past_the_end_answers_404(api, person, page):
    make_events(person, 3)

    assert api.get(EVENTS, {"page": page}).status_code == 404
