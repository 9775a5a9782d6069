"""Query filters of the contract; a person filter names a person the caller can see."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

from logs import selectors, vocab
from logs.models import Event, Workout

from .fields import MAX_ID


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, in UTC as stored.

    One with no UTC equivalent (0001-01-01T00:00+14:00) is refused here: the
    SQLite backend would otherwise convert it while querying and fail with a 500.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Date-time out of range.", code="overflow") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


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
    occurred_after = DateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = DateTimeFilter(field_name="occurred_at", lookup_expr="lte")
    min_pain = django_filters.NumberFilter(
        field_name="pain", lookup_expr="gte", min_value=vocab.PAIN_MIN, max_value=vocab.PAIN_MAX
    )

    class Meta:
        model = Event
        fields = []


class WorkoutFilter(PersonScopedFilterSet):
    started_after = DateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = DateTimeFilter(field_name="started_at", lookup_expr="lte")
    exercise = django_filters.ChoiceFilter(choices=vocab.Exercise.choices)

    class Meta:
        model = Workout
        fields = []
