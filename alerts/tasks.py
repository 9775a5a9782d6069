"""Thin Celery tasks around the alert engine and the notifier.

Every task is idempotent (a scan that finds nothing new writes nothing; an
e-mail is sent once per alert, user and tier), so acks_late redelivery and the
retries below are safe. Retries back off exponentially with jitter, on the
database errors a restart or failover causes.

The database, not the broker, holds what is due: people whose log changed since
their last scan, and alert e-mails owed (alerts.models.OwedEmail). A task lost
with the broker is only late: the sweep finds the work again, and a worker asks
for a sweep each time it connects to the broker (tracker/celery.py), so an
outage is caught up as soon as the broker is back.
"""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from . import engine, notify

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 6,
}
# A mail server down or refusing for a while (smtplib's errors, like a refused connection,
# are OSErrors) is retried the same way; past the retries the e-mails stay owed for the sweep.
MAIL_RETRY = {**RETRY, "autoretry_for": (*RETRY["autoretry_for"], OSError)}
# While a scan of a person is queued and not yet started, more writes for them
# enqueue nothing: a burst of events costs a bounded number of scans.
PENDING_KEY = "popwatch:scan-pending:{}"
PENDING_TIMEOUT = 300  # seconds; if a queued scan is lost, the sweep catches the person
SWEEP_BATCH = 200  # people per scan_people task: the sweep spreads over the workers
# Workers that reconnect after the same outage ask for one sweep between them.
SWEEP_ASKED_KEY = "popwatch:sweep-asked"
SWEEP_ASKED_TIMEOUT = 10  # seconds


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


def request_sweep():
    """Enqueue a sweep unless another worker asked for one in the last seconds (raises if the broker is down)."""
    if not cache.add(SWEEP_ASKED_KEY, 1, SWEEP_ASKED_TIMEOUT):
        return False
    sweep.delay()
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
    """Scan a batch of people (from the sweep), in a constant number of queries."""
    return len(engine.scan_many(person_ids))


@shared_task(**RETRY)
def sweep():
    """Rescan everyone due (log changed since the last scan, or time-based rules due), in batches,
    and send the alert e-mails still owed."""
    due = list(engine.due_person_ids())
    for start in range(0, len(due), SWEEP_BATCH):
        scan_people.delay(due[start : start + SWEEP_BATCH])
    owed = list(notify.owed_alert_ids())
    for alert_id in owed:
        send_alert_emails_task.delay(alert_id)
    logger.info("Sweep: %d people due, e-mails owed for %d alerts", len(due), len(owed))
    return len(due)


@shared_task(**MAIL_RETRY)
def send_alert_emails_task(alert_id):
    return notify.send_alert_emails(alert_id)
