"""Thin Celery tasks around the alert engine and the notifier.

Every task is idempotent (a scan that finds nothing new writes nothing; an
e-mail is sent once per alert, user and tier), so acks_late redelivery and the
retries below are safe. Retries back off exponentially with jitter, on the
database errors a restart or failover causes.
"""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from . import engine

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 6,
}
# While a scan of a person is queued and not yet started, more writes for them
# enqueue nothing: a burst of events costs a bounded number of scans.
PENDING_KEY = "popwatch:scan-pending:{}"
PENDING_TIMEOUT = 300  # seconds; if a queued scan is lost, the sweep catches the person
SWEEP_BATCH = 200  # people per scan_people task: the sweep spreads over the workers


def request_scan(person_id):
    """Enqueue a scan of the person unless one is already waiting (raises if the broker is down)."""
    key = PENDING_KEY.format(person_id)
    if not cache.add(key, 1, PENDING_TIMEOUT):
        return False
    try:
        scan_person.delay(person_id)
    except Exception:
        cache.delete(key)
        raise
    return True


@shared_task(**RETRY)
def scan_person(person_id):
    """Scan one person after a write: clear their pending mark first, so later writes enqueue again."""
    cache.delete(PENDING_KEY.format(person_id))
    changes = engine.scan(person_id)
    if changes:
        logger.info("Person %s: %s", person_id, ", ".join(f"{c.alert.rule} {c.kind}" for c in changes))
    return len(changes)


@shared_task(**RETRY)
def scan_people(person_ids):
    """Scan a batch of people (from the sweep)."""
    return sum(len(engine.scan(person_id)) for person_id in person_ids)


@shared_task(**RETRY)
def sweep():
    """Rescan everyone due (log changed since the last scan, or time-based rules due), in batches."""
    due = list(engine.due_person_ids())
    for start in range(0, len(due), SWEEP_BATCH):
        scan_people.delay(due[start : start + SWEEP_BATCH])
    logger.info("Sweep: %d people due", len(due))
    return len(due)


@shared_task(**RETRY)
def send_alert_emails_task(alert_id):
    from .notify import send_alert_emails

    return send_alert_emails(alert_id)
