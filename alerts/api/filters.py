"""Query filters of the alert inbox; ``person`` answers 404 for a person the caller cannot see."""

import django_filters

from alerts.models import Alert
from logs import vocab
from logs.api.filters import PersonScopedFilterSet


class AlertFilter(PersonScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=vocab.AlertStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=vocab.Urgency.choices)
    # A code from GET /rules/; an unknown code simply matches nothing.
    rule = django_filters.CharFilter(max_length=40)

    class Meta:
        model = Alert
        fields = []
