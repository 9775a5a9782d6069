"""Serializer fields that resolve ids to rows the caller may see."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as Forbidden

from logs import selectors

MAX_ID = 2**63 - 1  # the widest primary key; larger numbers cannot name a row


def parse_id(value):
    """The integer id in ``value``, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


@extend_schema_field(OpenApiTypes.INT)
class PersonField(serializers.Field):
    """A person id the caller may act on.

    A person the caller cannot see answers 404 (with the field named), exactly as
    an id that does not exist; one they can see without the right role answers 403.
    Lookups are cached in the serializer context so a bulk batch costs one query
    per person, not per item.
    """

    default_error_messages = {"invalid": "A person id is a positive whole number."}

    def __init__(self, *, action, **kwargs):
        self.action = action
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        person_id = parse_id(data)
        if person_id is None:
            self.fail("invalid")
        cache = self.context.setdefault("person_cache", {})
        if person_id not in cache:
            try:
                cache[person_id] = selectors.person_with_role(self.context["request"].user, person_id)
            except Http404:
                cache[person_id] = None
        person = cache[person_id]
        if person is None:
            raise NotFound({self.field_name: ["No person with this id."]})
        try:
            selectors.require_role(person.role, self.action)
        except PermissionDenied as denied:
            raise Forbidden({self.field_name: [str(denied)]}) from None
        return person

    def get_attribute(self, instance):
        return instance.person_id  # no query for the related row

    def to_representation(self, value):
        return value


def cache_lookups(context, *, person_ids, workout_ids):
    """Fill the caches of PersonField and VisibleWorkoutField for a batch: two queries, whatever its size."""
    user = context["request"].user
    people = context.setdefault("person_cache", {})
    people.update(dict.fromkeys(person_ids))
    people.update((p.pk, p) for p in selectors.persons_visible_to(user).filter(pk__in=person_ids))
    if workout_ids:
        workouts = context.setdefault("workout_cache", {})
        workouts.update(dict.fromkeys(workout_ids))
        workouts.update((w.pk, w) for w in selectors.workouts_visible_to(user).filter(pk__in=workout_ids))


@extend_schema_field(OpenApiTypes.INT)
class VisibleWorkoutField(serializers.Field):
    """A workout id among the workouts the caller can see (others read as absent); cached as PersonField's."""

    default_error_messages = {
        "invalid": "A workout id is a positive whole number.",
        "does_not_exist": "No workout with this id.",
    }

    def to_internal_value(self, data):
        workout_id = parse_id(data)
        if workout_id is None:
            self.fail("invalid")
        cache = self.context.setdefault("workout_cache", {})
        if workout_id not in cache:
            visible = selectors.workouts_visible_to(self.context["request"].user)
            cache[workout_id] = visible.filter(pk=workout_id).first()
        workout = cache[workout_id]
        if workout is None:
            self.fail("does_not_exist")
        return workout

    def get_attribute(self, instance):
        return instance.workout_id

    def to_representation(self, value):
        return value


class ClientIdField(serializers.UUIDField):
    """A UUID written as a string (DRF alone would also turn the integer 42 into a UUID)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def parse_client_id(value):
    """The UUID in ``value``, or None when it is not one."""
    try:
        return ClientIdField().to_internal_value(value)
    except serializers.ValidationError:
        return None
