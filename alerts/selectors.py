"""Reads of alerts, scoped to what a user may see (as logs.selectors does for the log)."""

from django.db.models import Case, IntegerField, Prefetch, Value, When

from logs import vocab
from logs.models import Event

from .models import Alert

def urgency_order(field="urgency"):
    """Sorts the tier in ``field`` most urgent first (Urgency lists the tiers in that order); none last."""
    tiers = vocab.Urgency.values
    return Case(
        *(When(**{field: tier}, then=Value(position)) for position, tier in enumerate(tiers)),
        default=Value(len(tiers)),
        output_field=IntegerField(),
    )


URGENCY_ORDER = urgency_order()


def alerts_visible_to(user):
    """Alerts of the people the user is a caregiver of: most urgent first, then newest.

    Each alert carries ``evidence_events`` (its events, oldest first) so a page of
    alerts costs one query for the alerts and one for all their evidence.
    """
    if not user.is_authenticated:
        return Alert.objects.none()
    return _with_evidence_most_urgent_first(Alert.objects.filter(person__caregivers__user=user))


def alerts_of(person):
    """Every alert of ``person``, ordered and with evidence as in alerts_visible_to.

    For a person already found through ``logs.selectors.person_for`` (or a share link):
    the report behind the dashboard and the exports reads its alerts here.
    """
    return _with_evidence_most_urgent_first(Alert.objects.filter(person=person))


def _with_evidence_most_urgent_first(alerts):
    evidence = Event.objects.order_by("occurred_at", "id")
    return alerts.prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="evidence_events")).order_by(
        URGENCY_ORDER, "-last_evidence_at", "-id"
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
