"""Alerts raised by the rules, their evidence, notifications and scan bookkeeping."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from logs import vocab
from logs.models import Event, Person

ACTIVE_STATUSES = (vocab.AlertStatus.OPEN, vocab.AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    """One pattern worth a professional's look, for one key (person, rule, site, side)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=40)
    urgency = models.CharField(max_length=10, choices=vocab.Urgency.choices)
    # Empty when the rule keys by person (or by side only): '' keeps the unique
    # constraint below effective, where NULLs would never collide.
    body_site = models.CharField(max_length=12, choices=vocab.BodySite.choices, blank=True, default="")
    side = models.CharField(max_length=8, choices=vocab.Side.choices, blank=True, default="")
    title = models.CharField(max_length=200)
    message = models.TextField()
    advice = models.TextField(blank=True)
    source = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=vocab.AlertStatus.choices, default=vocab.AlertStatus.OPEN)
    evidence = models.ManyToManyField(Event, through="AlertEvidence", related_name="alerts")
    first_seen_at = models.DateTimeField()
    last_evidence_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["person", "status"], name="alerts_alert_person_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule", "body_site", "side"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="alerts_alert_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=vocab.Urgency.values), name="alerts_alert_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=vocab.AlertStatus.values), name="alerts_alert_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.rule} ({self.urgency}) for {self.person}"


class AlertEvidence(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE)
    event = models.ForeignKey(Event, on_delete=models.CASCADE)
    # An event edited after this moment that no longer fits the pattern leaves the
    # alert; an event merely older than the scan window stays (time never closes an alert).
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "event"], name="alerts_evidence_once")]


class OwedEmail(models.Model):
    """The outbox: caregivers are owed an e-mail about an alert at a tier.

    Written in the transaction that creates the alert or raises its tier
    (notify.owe_emails), so an alert never stands without the e-mails it owes,
    whatever happens to the broker; deleted once the e-mails are sent
    (notify.send_alert_emails). The sweep sends whatever is still owed.
    """

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="owed_emails")
    urgency = models.CharField(max_length=10, choices=vocab.Urgency.choices)
    owed_since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "urgency"], name="alerts_owed_email_once")]


class AlertNotification(models.Model):
    """An e-mail sent for an alert at a tier: the row makes sending idempotent."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    urgency = models.CharField(max_length=10, choices=vocab.Urgency.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user", "urgency"], name="alerts_notification_once")
        ]


class PersonScan(models.Model):
    """When a person was last scanned; compared with Person.log_changed_at by the sweep."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, primary_key=True, related_name="scan")
    scanned_at = models.DateTimeField()
