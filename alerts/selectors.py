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


def alerts_raised(user, ids):
    """The alerts named in a redirect after a write (``?raised=3,4``) that ``user`` may see.

    Ids come from the URL, so anything not visible to the user is simply not shown.
    Each alert has ``evidence_events`` with the fields an alert card shows.
    """
    wanted = [int(part) for part in str(ids or "").split(",") if part.isdigit()][:20]
    if not wanted or not user.is_authenticated:
        return []
    evidence = Event.objects.order_by("occurred_at", "id")
    return list(
        Alert.objects.filter(person__caregivers__user=user, pk__in=wanted)
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="evidence_events"))
        .order_by(URGENCY_ORDER, "-id")
    )
