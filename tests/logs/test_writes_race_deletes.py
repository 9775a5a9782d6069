"""An edit that races a delete: the row read before the delete is never stored again."""

import pytest
from django.http import Http404

from logs import services
from logs.models import Event, Workout
from tests.factories import make_event, make_workout


def test_editing_an_event_deleted_meanwhile_is_a_404_and_does_not_bring_it_back(person):
    event = make_event(person, note="as logged")
    Event.objects.filter(pk=event.pk).delete()  # another request, between this one's read and write

    with pytest.raises(Http404):
        services.update_event(event=event, note="edited")

    assert not Event.objects.filter(pk=event.pk).exists()


def test_editing_a_workout_whose_person_was_deleted_meanwhile_is_a_404(person):
    workout = make_workout(person)
    person.delete()

    with pytest.raises(Http404):
        services.update_workout(workout=workout, sets=3)

    assert not Workout.objects.filter(pk=workout.pk).exists()


def test_an_edit_of_a_stored_event_still_saves(person):
    event = make_event(person, note="as logged")

    services.update_event(event=event, note="edited")

    assert Event.objects.get(pk=event.pk).note == "edited"
