"""Each page form against its API serializer: the same field names, choice values and limits.

The forms differ only where web.md says: ``temperature`` is typed in the user's unit
and stored as ``temperature_c``, and the quick log's ``when`` (minutes ago) stands for
an empty ``occurred_at``. An empty choice ("Not known", "Not noted") is the API's null.
"""

from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone
from rest_framework import serializers

from logs.api.serializers import EventSerializer, PersonSerializer, WorkoutSerializer
from logs.forms import EventForm, PersonForm, WorkoutForm
from tests.factories import make_person, make_workout

RENAMED = {"temperature": "temperature_c"}
PAGE_ONLY = {"when"}


@pytest.fixture
def pairs(owner, person):
    return {
        "event": (EventForm(user=owner, person=person), EventSerializer()),
        "workout": (WorkoutForm(), WorkoutSerializer()),
        "person": (PersonForm(user=owner), PersonSerializer()),
    }


def writable(serializer):
    return {name: field for name, field in serializer.fields.items() if not field.read_only}


def api_field(serializer, form_name):
    return writable(serializer)[RENAMED.get(form_name, form_name)]


def offered(form_field):
    """The values a form's choice field offers, and whether it offers the empty one."""
    values = [str(value) for value, _ in form_field.choices]
    return {value for value in values if value != ""}, "" in values


def accepted(api, value):
    try:
        api.run_validation(value)
    except serializers.ValidationError:
        return False
    return True


@pytest.mark.parametrize("name", ["event", "workout", "person"])
def test_every_form_field_is_a_writable_api_field(pairs, name):
    form, serializer = pairs[name]

    names = {RENAMED.get(field, field) for field in form.fields} - PAGE_ONLY

    assert names <= set(writable(serializer)), names - set(writable(serializer))


@pytest.mark.parametrize("name", ["event", "workout", "person"])
def test_every_choice_offers_exactly_the_values_the_api_accepts(pairs, name):
    form, serializer = pairs[name]
    choice_fields = {
        field_name: field for field_name, field in form.fields.items()
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField)
        and field_name not in PAGE_ONLY
    }
    assert choice_fields

    for field_name, field in choice_fields.items():
        api = api_field(serializer, field_name)
        values, offers_empty = offered(field)
        if isinstance(api, serializers.ListField):
            assert values == set(api.child.choices), field_name
        elif isinstance(api, serializers.ChoiceField):
            assert values == set(api.choices), field_name
        elif isinstance(api, serializers.IntegerField):
            assert values == {str(n) for n in range(api.min_value, api.max_value + 1)}, field_name
        elif isinstance(api, serializers.BooleanField):  # "true"/"false" on the page, JSON's true/false in the API
            assert {api.run_validation(field.clean(value)) for value in values} == {True, False}, field_name
        else:
            pytest.fail(f"{field_name}: no rule for {type(api).__name__}")
        if offers_empty:  # "Not known" or "Not noted": the API's null
            assert api.allow_null, field_name
            assert field.clean("") is None, field_name


@pytest.mark.parametrize("name", ["event", "workout", "person"])
def test_numbers_and_texts_have_the_apis_limits(pairs, name):
    form, serializer = pairs[name]

    for field_name, field in form.fields.items():
        if field_name in PAGE_ONLY or field_name in RENAMED:
            continue
        api = api_field(serializer, field_name)
        if isinstance(field, forms.IntegerField):
            assert (field.min_value, field.max_value) == (api.min_value, api.max_value), field_name
        elif isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
            assert field.max_length == api.max_length, field_name
            assert accepted(api, "") == (not field.required), field_name


def test_the_temperature_is_checked_by_the_apis_range_after_conversion(owner, person):
    owner.temperature_unit = "f"
    api = EventSerializer().fields["temperature_c"]

    for typed, expected in (("100.4", True), ("113.0", True), ("113.2", False), ("85.9", False), ("86", True)):
        form = EventForm({"body_site": "knee", "sound": "pop", "temperature": typed}, user=owner, person=person)
        assert form.is_valid() == expected, typed
        if expected:
            assert accepted(api, form.cleaned_data["temperature_c"])


def test_the_workout_choice_is_the_persons_workouts_as_the_api_allows(owner, person):
    mine = make_workout(person)
    other = make_workout(make_person(owner, name="Other"))

    form = EventForm(user=owner, person=person)

    assert [value for value, _ in form.fields["workout"].choices if value != ""] == [mine.pk]
    refused = EventForm(
        {"body_site": "knee", "sound": "pop", "workout": other.pk}, user=owner, person=person
    )
    assert "workout" in refused.errors


def test_a_valid_forms_data_is_the_services_keyword_arguments_with_the_apis_names(owner, person):
    workout = make_workout(person)
    form = EventForm(
        {
            "body_site": "hip", "sound": "click", "side": "left", "activity": "walking", "pain": "2",
            "pain_quality": "ache", "radiates": "none", "signs": ["swelling"], "temperature": "37.5",
            "workout": workout.pk, "note": "n", "when": "5", "client_id": "6d8e1f52-9a53-4d0b-9c9e-2b7b5b1f0b11",
            "occurred_at": "",
        },
        user=owner, person=person,
    )

    assert form.is_valid(), form.errors
    assert set(form.cleaned_data) <= set(writable(EventSerializer())) - {"person"}
    assert abs(form.cleaned_data["occurred_at"] - (timezone.now() - timedelta(minutes=5))) < timedelta(seconds=5)
