"""Query filters of the contract; a person filter names a person the caller can see. And the query of an export."""

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers

from logs import selectors, validators, vocab
from logs.models import Event, Workout
from logs.reports import exports

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

    def get_form_class(self):
        # django-filter builds a new form class per request; its fields never change (and every
        # form copies them), so one class per filter set does (issue 9: a list's cost).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

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

    def filter_person(self, queryset, name, value):
        # The rows are scoped already: EventViewSet.list checks the person only when none is listed.
        return queryset.filter(person_id=value)

    @classmethod
    def person_alone(cls, request):
        """The id of the person filter when no other filter is given (a person's timeline), else None."""
        if any(request.query_params.get(name) for name in cls.base_filters if name != "person"):
            return None
        try:
            return cls.person_filtered(request)
        except DjangoValidationError:
            return None  # the filter set answers it with its 400

    @classmethod
    def person_filtered(cls, request):
        """The id of the person filter of ``request``, already validated (None without one)."""
        return cls.base_filters["person"].field.clean(request.query_params.get("person"))


class WorkoutFilter(PersonScopedFilterSet):
    started_after = DateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = DateTimeFilter(field_name="started_at", lookup_expr="lte")
    exercise = django_filters.ChoiceFilter(choices=vocab.Exercise.choices)

    class Meta:
        model = Workout
        fields = []


class ExportQuery(serializers.Serializer):
    """The query of an export: ``format``, and the days ``from`` and ``to`` (both included, optional).

    ``to`` defaults to the user's today; a missing ``from`` to the first day of the log.
    ("from" is a Python keyword, hence the fields are listed in get_fields.) It sits with the
    filters, not in serializers.py: the exporters use those serializers, so serializers.py
    cannot import ``exports`` without a cycle.
    """

    def get_fields(self):
        return {
            "format": serializers.ChoiceField(choices=list(exports.FORMATS), help_text="The file to make."),
            "from": serializers.DateField(
                required=False, validators=[validators.report_day],
                help_text="The first day, included, in the user's time zone. Default: the first logged day.",
            ),
            "to": serializers.DateField(
                required=False, validators=[validators.report_day],
                help_text="The last day, included, in the user's time zone. Default: today.",
            ),
        }

    def validate(self, attrs):
        if "from" in attrs:
            last = attrs.get("to") or validators.users_today(self.context["request"].user)
            try:
                validators.days_in_order(attrs["from"], last)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"from": error.messages}) from None
        return attrs
