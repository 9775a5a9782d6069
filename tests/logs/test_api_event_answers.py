"""The event list and write answers skip DRF's per-request serializers (issue 9): they answer
exactly what EventSerializer and EventWriteAnswerSerializer answer, field for field."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from alerts.models import Alert
from logs.api import serializers
from logs.api.renderers import JSONRenderer
from logs.models import Event
from tests.factories import client_for, event_body, make_event, make_person, make_user, make_workout, share


@pytest.fixture
def events(owner, person):
    """Events with every kind of value: empty and full, an author gone, a workout, a temperature."""
    editor = make_user("eddie")
    share(person, editor, "editor")
    at = timezone.now() - timedelta(days=2, microseconds=123)
    make_event(person)
    make_event(
        person, occurred_at=at, created_by=owner, client_id=uuid4(), side="left", sound="click",
        activity="walking", pain=4, pain_quality="sharp", radiates="one_leg", signs=["swelling", "redness"],
        temperature_c=Decimal("38.5"), workout=make_workout(person), note="Ünïcode \u2028 note",
    )
    make_event(person, occurred_at=at, created_by=editor, temperature_c=Decimal("36.0"))
    editor.delete()  # the author is gone: created_by null
    return Event.objects.order_by("-occurred_at", "-id")


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Kolkata"])
def test_the_list_answers_what_the_serializer_answers(owner, person, api, events, time_zone):
    owner.timezone = time_zone
    owner.save()

    listed = api.get("/api/v1/events/", {"person": person.pk}).json()["results"]

    with timezone.override(time_zone):
        expected = serializers.EventSerializer(events.select_related("created_by"), many=True).data
    assert listed == json.loads(JSONRenderer().render(expected))
    assert {e["created_by"] for e in listed} == {None, "olive"}


def test_a_write_answers_what_the_write_answer_serializer_answers(owner, person, api):
    workout = make_workout(person)
    body = event_body(
        person, client_id=str(uuid4()), signs=["locking"], temperature_c=37.25, workout=workout.pk, note="n"
    )

    written = api.post("/api/v1/events/", body).json()

    event = Event.objects.select_related("created_by").get(pk=written["id"])
    context = {"immediate_alerts": Alert.objects.filter(person=person)}
    expected = serializers.EventWriteAnswerSerializer(event, context=context).data
    assert written == json.loads(JSONRenderer().render(expected))
    assert written["alerts"] and written["temperature_c"] == 37.3


def test_a_persons_timeline_answers_as_the_filtered_list_does(owner, person, api, events):
    """?person= alone reads its count from the person and its page in SQL; any other filter takes
    the django-filter path. Both answer the same pages, counts and links."""
    for extra in range(len(events) + 3):
        make_event(person, occurred_at=timezone.now() - timedelta(hours=extra + 3), created_by=owner)
    everything = {"occurred_before": (timezone.now() + timedelta(days=1)).isoformat()}  # filters nothing out
    for page in (1, 2, 3):
        query = {"person": person.pk, "page_size": 2, "page": page}
        timeline = api.get("/api/v1/events/", query).json()
        filtered = api.get("/api/v1/events/", {**query, **everything}).json()

        assert timeline["count"] == filtered["count"] == Event.objects.filter(person=person).count()
        assert timeline["results"] == filtered["results"]
        for link in ("next", "previous"):
            assert (timeline[link] is None) == (filtered[link] is None)
    assert api.get("/api/v1/events/", {"person": person.pk, "page_size": 2, "page": 99}).status_code == 404
    assert api.get("/api/v1/events/", {"person": person.pk, "page": "last", "page_size": 2}).json()["next"] is None


def test_a_time_in_the_hour_lived_twice_shows_its_own_offset(owner, person, api):
    """New York's clocks went back on 1 Nov 2026: 01:30 came twice, at -04:00 then -05:00."""
    owner.timezone = "America/New_York"
    owner.save()
    first = make_event(person, occurred_at=datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    second = make_event(person, occurred_at=datetime(2026, 11, 1, 6, 30, tzinfo=UTC))

    listed = api.get("/api/v1/events/", {"person": person.pk}).json()["results"]

    shown = {event["id"]: event["occurred_at"] for event in listed}
    assert shown == {first.pk: "2026-11-01T01:30:00-04:00", second.pk: "2026-11-01T01:30:00-05:00"}


def test_serializers_built_from_the_same_fields_keep_their_own_context(owner, person):
    """EventSerializer's fields are built once per class (FieldsBuiltOnce): each instance still
    validates with its own request, so one user's context never reaches another's fields."""
    stranger = make_user("stranger")
    theirs = serializers.EventSerializer(data=event_body(person), context={"request": _request_of(stranger)})
    mine = serializers.EventSerializer(data=event_body(person), context={"request": _request_of(owner)})

    assert mine.is_valid(), mine.errors
    with pytest.raises(NotFound):  # the stranger cannot see the person: 404, as the API answers
        theirs.is_valid()
    assert theirs.fields["signs"] is not mine.fields["signs"]
    assert mine.fields["signs"].child.parent is mine.fields["signs"]


def _request_of(user):
    request = Request(APIRequestFactory().post("/api/v1/events/"))
    request.user = user
    return request


def test_storing_an_event_in_plain_sql_skips_no_save_signal():
    """services.log_event stores through logs.rows.insert_event, which sends no save signals:
    nothing may listen for them on Event (a receiver would need Event.objects.create back)."""
    from django.db.models.signals import post_save, pre_save

    assert not pre_save.has_listeners(Event)
    assert not post_save.has_listeners(Event)


def test_a_timeline_asked_odd_pages_answers_as_django_s_paginator(owner, person, api, events):
    stranger = make_user("stranger")
    empty = make_person(owner, name="Nobody logged")
    for page in ("0", "-1", "x", "10" * 30, "99"):
        answer = api.get("/api/v1/events/", {"person": person.pk, "page": page})
        assert (answer.status_code, answer.json()) == (404, {"detail": "Invalid page."}), page
    assert api.get("/api/v1/events/", {"person": person.pk, "page_size": "0"}).status_code == 400
    assert api.get("/api/v1/events/", {"person": empty.pk}).json() == {
        "count": 0, "next": None, "previous": None, "results": [],
    }
    assert client_for(stranger).get("/api/v1/events/", {"person": person.pk}).status_code == 404
    last = api.get("/api/v1/events/", {"person": person.pk, "page": "last", "page_size": 2}).json()
    assert [e["id"] for e in last["results"]] == [events.last().pk]  # 3 events: the last page holds one
