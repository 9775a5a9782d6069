"""E-mail to caregivers when an alert at `soon` or above is raised or raised in tier.

The e-mails are owed in the database first (an OwedEmail row, written in the
alert's own transaction), then sent by a task: the one enqueued when that
transaction commits, or, if the broker could not take it, the next sweep.
"""

import logging
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from logs import vocab
from logs.models import User

from .models import ACTIVE_STATUSES, Alert, AlertNotification, OwedEmail
from .rules import DISCLAIMER
from .rules.base import sign_words

logger = logging.getLogger(__name__)


def owe_emails(owed):
    """Owe the caregivers e-mails, in the caller's transaction: ``owed`` holds (alert, tier) pairs.

    The engine calls this in the transaction that creates the alerts or raises their
    tiers, so the alerts and the debt commit together; the e-mails are enqueued once it commits.
    """
    OwedEmail.objects.bulk_create([OwedEmail(alert=alert, urgency=tier) for alert, tier in owed], ignore_conflicts=True)
    for alert_id in dict.fromkeys(alert.pk for alert, _ in owed):
        transaction.on_commit(partial(_enqueue, alert_id))


def _enqueue(alert_id):
    from .tasks import send_alert_emails_task

    try:
        send_alert_emails_task.delay(alert_id)
    except Exception:  # noqa: BLE001 - any broker failure: the e-mails stay owed for the sweep
        logger.exception("Could not enqueue the e-mails for alert %s; the sweep will send them", alert_id)


def owed_alert_ids():
    """Alerts whose e-mails are still owed (the broker was down, a send failed, or the task is queued)."""
    return OwedEmail.objects.order_by("alert_id").values_list("alert_id", flat=True).distinct()


def send_alert_emails(alert_id):
    """Send the alert's owed e-mails: every caregiver who wants them, once per (alert, user, urgency).

    Returns how many messages were sent. Safe to call again (a retried task, the
    sweep, a rescan): only a raised tier, being a new urgency, sends again. Once
    every message went out, the alert owes nothing up to its tier; a tier raised
    meanwhile stays owed. A failed send raises and leaves the debt for a retry.
    """
    alert = Alert.objects.select_related("person").filter(pk=alert_id).first()
    if alert is None:
        return 0  # deleted, and its owed rows with it
    # A tip never e-mails (rules.md); an alert closed before the task ran is no news.
    news = alert.urgency in vocab.NOTIFY_URGENCIES and alert.status in ACTIVE_STATUSES
    sent = _email_caregivers(alert) if news else 0
    rank = vocab.Urgency.rank(alert.urgency)
    OwedEmail.objects.filter(
        alert=alert, urgency__in=[u for u in vocab.Urgency.values if vocab.Urgency.rank(u) <= rank]
    ).delete()
    return sent


def _email_caregivers(alert):
    """One message to each caregiver not yet told of the alert's tier; returns how many went out."""
    recipients = list(_recipients(alert))
    if not recipients:
        return 0
    evidence = list(alert.evidence.order_by("occurred_at", "id"))
    sent = 0
    with get_connection() as connection:
        for user in recipients:
            # The row and the message share one transaction: if sending fails the row
            # rolls back and a retry sends; once it commits nothing sends again. Only a
            # crash between the mail server accepting and the commit can re-send, once.
            # A concurrent worker's insert waits on ours and then fails as a duplicate.
            try:
                with transaction.atomic():
                    AlertNotification.objects.create(alert=alert, user=user, urgency=alert.urgency)
                    _message(alert, evidence, user, connection).send()
            except IntegrityError:
                continue
            sent += 1
    return sent


def _recipients(alert):
    """Caregivers (any role) with alert e-mails on and an address, not yet told of this tier."""
    told = AlertNotification.objects.filter(alert=alert, urgency=alert.urgency, user=OuterRef("pk"))
    return (
        User.objects.filter(caregiving__person_id=alert.person_id, email_alerts=True, is_active=True)
        .exclude(email="")
        .exclude(Exists(told))
        .order_by("id")
    )


def _message(alert, evidence, user, connection):
    """One message per recipient: caregivers never see each other's addresses."""
    person = alert.person
    # A person's name is free text: a line break in it must not break the header.
    subject = " ".join(f"[Popwatch] {alert.urgency.capitalize()}: {alert.title} — {person.name}".split())
    time_zone = ZoneInfo(user.timezone)
    context = {
        "alert": alert,
        "person": person,
        "urgency_meaning": vocab.Urgency(alert.urgency).label,
        "evidence": [_evidence_line(event, time_zone) for event in evidence],
        "time_zone": user.timezone,
        "disclaimer": DISCLAIMER,
        "link": _alert_link(alert),
    }
    text = render_to_string("alerts/email/alert.txt", context)
    html = render_to_string("alerts/email/alert.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def _alert_link(alert):
    """The alert's card on its person's page, as an address that works from a mail client."""
    return f"{settings.SITE_URL}{reverse('person-dashboard', args=[alert.person_id])}#alert-{alert.pk}"


def _evidence_line(event, time_zone):
    """One line per event, e.g. "Mon 15 Jun 2026, 14:05 · Knee (left) · Grinding · pain 3/10 · signs: none"."""
    where = event.get_body_site_display()
    if event.side != vocab.Side.UNKNOWN:
        where += f" ({event.get_side_display().lower()})"
    return " · ".join(
        [
            date_format(timezone.localtime(event.occurred_at, time_zone), "D j M Y, H:i"),
            where,
            event.get_sound_display(),
            "pain not known" if event.pain is None else f"pain {event.pain}/10",
            f"signs: {sign_words(event.signs) or 'none'}",
        ]
    )
