"""The event list and write answers skip DRF's per-request serializers (issue 9): they answer
exactly what EventSerializer and EventWriteAnswerSerializer answer, field for field."""

import json
from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from django.utils import timezone

from alerts.models import Alert
from logs.api import serializers
from logs.api.renderers import JSONRenderer
from logs.models import Event
from tests.factories import event_body, make_event, make_user, make_workout, share


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
