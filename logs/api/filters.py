"""Query filters of the contract; a person filter names a person the caller can see."""

import django_filters
from django import forms

from logs import selectors, vocab
from logs.models import Event, Workout

from .fields import MAX_ID


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class PersonScopedFilterSet(django_filters.FilterSet):
    person = IdFilter(method="filter_person")

    def filter_person(self, queryset, name, value):
        # A person the caller cannot see answers 404, as it does everywhere else.
        selectors.person_for(self.request.user, value)
        return queryset.filter(person_id=value)


class EventFilter(PersonScopedFilterSet):
    body_site = django_filters.ChoiceFilter(choices=vocab.BodySite.choices)
    side = django_filters.ChoiceFilter(choices=vocab.Side.choices)
    sound = django_filters.ChoiceFilter(choices=vocab.Sound.choices)
    activity = django_filters.ChoiceFilter(choices=vocab.Activity.choices)
    workout = IdFilter(field_name="workout_id")
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lte")
    min_pain = django_filters.NumberFilter(
        field_name="pain", lookup_expr="gte", min_value=vocab.PAIN_MIN, max_value=vocab.PAIN_MAX
    )

    class Meta:
        model = Event
        fields = []


class WorkoutFilter(PersonScopedFilterSet):
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lte")
    exercise = django_filters.ChoiceFilter(choices=vocab.Exercise.choices)

    class Meta:
        model = Workout
        fields = []
