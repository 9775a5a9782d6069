"""api.md: times are stored in UTC and shown in the user's time zone."""

from datetime import UTC, datetime

import pytest

from logs.models import Event
from tests.factories import client_for, event_body, make_event, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_yorker():
    return make_user("nyc", timezone="America/New_York")


def test_times_are_shown_in_the_users_time_zone(new_yorker):
    person = make_person(new_yorker)
    event = make_event(person, occurred_at=datetime(2026, 1, 15, 3, 30, tzinfo=UTC))

    answer = client_for(new_yorker).get(f"/api/v1/events/{event.pk}/")

    assert answer.json()["occurred_at"] == "2026-01-14T22:30:00-05:00"


def test_an_offset_given_is_kept_and_the_time_stored_in_utc(new_yorker):
    person = make_person(new_yorker)
    body = event_body(person, occurred_at="2026-01-15T09:00:00+09:00")

    answer = client_for(new_yorker).post("/api/v1/events/", body, format="json")

    assert answer.status_code == 201
    assert answer.json()["occurred_at"] == "2026-01-14T19:00:00-05:00"
    assert Event.objects.get().occurred_at == datetime(2026, 1, 15, 0, 0, tzinfo=UTC)


def test_a_naive_filter_time_is_read_in_the_users_time_zone(new_yorker):
    person = make_person(new_yorker)
    make_event(person, occurred_at=datetime(2026, 1, 15, 3, 30, tzinfo=UTC))  # 22:30 on the 14th in New York

    listed = client_for(new_yorker).get("/api/v1/events/", {"occurred_after": "2026-01-14T22:00:00"}).json()
    assert listed["count"] == 1
    listed = client_for(new_yorker).get("/api/v1/events/", {"occurred_after": "2026-01-14T23:00:00"}).json()
    assert listed["count"] == 0


def test_one_users_time_zone_does_not_leak_into_the_next_request(new_yorker):
    person = make_person(new_yorker)
    event = make_event(person, occurred_at=datetime(2026, 1, 15, 3, 30, tzinfo=UTC))
    client_for(new_yorker).get(f"/api/v1/events/{event.pk}/")
    utc_user = make_user("utc", timezone="UTC")
    make_event(make_person(utc_user), occurred_at=datetime(2026, 1, 15, 3, 30, tzinfo=UTC))

    [row] = client_for(utc_user).get("/api/v1/events/").json()["results"]

    assert row["occurred_at"] == "2026-01-15T03:30:00Z"


def test_a_path_no_api_route_matches_answers_json_404(api):
    answer = api.get("/api/v1/no-such-thing/")

    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}
