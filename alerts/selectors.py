"""Reads of alerts, scoped to what a user may see (as logs.selectors does for the log)."""

from django.db.models import Case, IntegerField, Prefetch, Value, When

from logs import vocab
from logs.models import Event

from .models import Alert

# Most urgent first: Urgency lists the tiers in that order.
URGENCY_ORDER = Case(
    *(When(urgency=tier, then=Value(position)) for position, tier in enumerate(vocab.Urgency.values)),
    output_field=IntegerField(),
)


def alerts_visible_to(user):
    """Alerts of the people the user is a caregiver of: most urgent first, then newest.

    Each alert carries ``evidence_events`` (its events, oldest first, ids only) so a
    page of alerts costs one query for the alerts and one for all their evidence.
    """
    if not user.is_authenticated:
        return Alert.objects.none()
    evidence = Event.objects.order_by("occurred_at", "id").only("id")
    return (
        Alert.objects.filter(person__caregivers__user=user)
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="evidence_events"))
        .order_by(URGENCY_ORDER, "-last_evidence_at", "-id")
    )
