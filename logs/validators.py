"""Field checks written once: the API's serializers and the pages' forms both run them.

Each raises Django's ValidationError; DRF reports it as its own field error.
"""

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import vocab

FUTURE_TOLERANCE = timedelta(minutes=5)  # phones' clocks drift; more than this is a mistake
EARLIEST_TIME = datetime(1900, 1, 1, tzinfo=UTC)  # nobody logs a joint sound older than this


def not_in_future(value):
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError("Must not be more than 5 minutes in the future.")


def not_before_1900(value):
    if value < EARLIEST_TIME:
        raise ValidationError("Must not be before 1900.")


def not_before_birth(value, person, user):
    """An event does not happen before the day its person was born, in the user's time zone."""
    birth_date = getattr(person, "birth_date", None)
    if birth_date and value.astimezone(users_zone(user)).date() < birth_date:
        raise ValidationError(f"Must not be before the person's birth date ({birth_date.isoformat()}).")


def no_repeats(values):
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValidationError(f"Listed more than once: {', '.join(repeated)}.")


def temperature_c_in_range(value):
    if value is not None and not vocab.TEMPERATURE_MIN_C <= value <= vocab.TEMPERATURE_MAX_C:
        raise ValidationError(
            f"Must be between {vocab.TEMPERATURE_MIN_C} and {vocab.TEMPERATURE_MAX_C} °C."
        )


def celsius_from(value, unit):
    """A temperature typed in ``unit`` as °C to one decimal (the stored precision)."""
    if value is None:
        return None
    if unit == vocab.TemperatureUnit.FAHRENHEIT:
        value = (Decimal(value) - 32) * 5 / 9
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def workout_of_person(workout, person):
    if workout is not None and person is not None and workout.person_id != person.pk:
        raise ValidationError("Belongs to another person.")


def ends_after_start(started_at, ended_at):
    if started_at is not None and ended_at is not None and ended_at <= started_at:
        raise ValidationError("Must be after started_at.")


def users_zone(user):
    return zoneinfo.ZoneInfo(getattr(user, "timezone", None) or "UTC")


def users_today(user):
    return timezone.localdate(timezone=users_zone(user))


def not_after_users_today(value, user):
    """A birth date is not after today, in the user's own time zone."""
    if value and value > users_today(user):
        raise ValidationError("Must not be in the future.")


# The last day a report may end on: a later one is a typo, and would only lengthen its per-day series.
LATEST_REPORT_DAY = date(2100, 12, 31)


def report_day(value):
    """A day an export or a share link may start or end on."""
    if not EARLIEST_TIME.date() <= value <= LATEST_REPORT_DAY:
        raise ValidationError(f"Must be between {EARLIEST_TIME.date()} and {LATEST_REPORT_DAY}.")


def days_in_order(first, last):
    """A report's first day is on or before its last."""
    if last < first:
        raise ValidationError(f"Must be on or before the last day ({last.isoformat()}).")
