"""Writes to alerts made by people (the engine makes the rest)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ACTIVE_STATUSES


class KeyAlreadyActive(Exception):
    """Reopening would make a second open or acknowledged alert for the same key."""

    # What the API and the pages answer, in the same words.
    message = "Another open or acknowledged alert exists for this rule and place; update that one."


def change_alert_status(*, alert, status):
    if status in ACTIVE_STATUSES:
        alert.closed_at = None
    elif alert.status in ACTIVE_STATUSES:
        # Closing an already closed alert keeps the moment it was first closed, which
        # decides what later evidence may raise it again (rules.md).
        alert.closed_at = timezone.now()
    alert.status = status
    try:
        with transaction.atomic():
            alert.save(update_fields=["status", "closed_at", "updated_at"])
    except IntegrityError:
        # Only alerts_alert_one_active_per_key can fail here: the database, not a racy
        # exists() check, decides whether the key already has an active alert.
        raise KeyAlreadyActive
    return alert
