"""Formatting for the pages: local times, temperatures in the user's unit, tier words. No queries."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from alerts.rules.base import sign_words
from logs import vocab

register = template.Library()


@register.filter
def local(value, style="full"):
    """A stored time in the active (the user's) time zone: "Sun 29 Nov 2026, 14:05" or "14:05"."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return date_format(value, {"full": "D j M Y, H:i", "time": "H:i", "day": "D j M Y"}[style])


@register.filter
def iso_local(value):
    """The value of a datetime-local input, in the active time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


@register.filter
def temperature(value_c, user):
    """A stored °C value in the user's unit, to one decimal: "38.2 °C" or "100.8 °F"."""
    if value_c is None:
        return ""
    if getattr(user, "temperature_unit", vocab.TemperatureUnit.CELSIUS) == vocab.TemperatureUnit.FAHRENHEIT:
        return f"{float(value_c) * 9 / 5 + 32:.1f} °F"
    return f"{float(value_c):.1f} °C"


@register.filter
def tier_meaning(urgency):
    """rules.md's meaning of a tier: "Have a doctor look today."."""
    return vocab.Urgency(urgency).label


@register.filter
def signs_in_words(signs):
    return sign_words(signs)


@register.filter
def label(value, vocabulary):
    """The words for a vocabulary value: ``{{ alert.rule_site|label:"BodySite" }}``."""
    if value in (None, ""):
        return ""
    choices = getattr(vocab, vocabulary)
    return choices(value).label if value in choices.values else value
