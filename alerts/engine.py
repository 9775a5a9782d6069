"""Scan a person's recent log with the rules and keep their alerts in step.

The engine alone touches the database: it loads the scan window (``WINDOW``,
the longest any rule looks back) as plain facts, runs the rules, and upserts
one alert per key (person, rule, site, side). Scans of one person run one at a
time (a row lock on their PersonScan), and a scan that finds nothing new writes
nothing, so running it twice changes nothing.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from logs import vocab
from logs.models import Caregiver, Event, Person, Workout

from . import notify
from .models import ACTIVE_STATUSES, Alert, AlertEvidence, PersonScan
from .rules import RULES
from .rules.base import FEVER_REACH, WINDOW, EventFacts, History, PersonFacts, WorkoutFacts, message_params

logger = logging.getLogger(__name__)

# How often the sweep rescans someone with events in the window even when their
# log has not changed: time-based rules (back pain beyond a week) must still fire.
RESCAN_ACTIVE_EVERY = timedelta(hours=1)
# Tiers the write request raises at once (rules.md: "immediately ... even when no worker is running").
IMMEDIATE_TIERS = frozenset({vocab.Urgency.URGENT, vocab.Urgency.EMERGENCY})


@dataclass
class Change:
    alert: Alert
    kind: str  # "created", "raised" (tier went up) or "joined" (new evidence, same tier)


# --- Entry points -------------------------------------------------------------


def scan(person_id, *, now=None):
    """Run every rule over the person's window and upsert their alerts; returns the changes."""
    now = now or timezone.now()
    with transaction.atomic():
        facts = _lock_person(person_id)
        if facts is None:
            return []
        history, created_at = _load_history(facts, now, since=now - WINDOW, until=now)
        findings = [finding for rule in RULES.values() for finding in rule.check(history)]
        state = _AlertState.load(person_id)
        changes = _upsert(person_id, state, history, findings, created_at, now)
        _drop_stale_evidence(state, history, findings, now)
        PersonScan.objects.filter(pk=person_id).update(scanned_at=now)
    return changes


def scan_immediate(event):
    """Raise, inside the write request, the emergency/urgent alerts this one event triggers.

    Cheap: only the single-event rules, over the 48 h around the event. The
    background scan later finds the same alerts (same keys), never duplicates.
    """
    now = timezone.now()
    if event.occurred_at < now - WINDOW:
        return []  # outside what any scan looks at: leave it to the background rules
    facts = _lock_person(event.person_id)
    history, created_at = _load_history(
        facts, now, since=max(event.occurred_at - FEVER_REACH, now - WINDOW),
        until=min(event.occurred_at + FEVER_REACH, now),
    )
    findings = [
        finding
        for rule in RULES.values() if rule.immediate
        for finding in rule.check(history)
        if finding.urgency in IMMEDIATE_TIERS and any(e.id == event.pk for e in finding.evidence)
    ]
    if not findings:
        return []
    state = _AlertState.load(event.person_id)
    return [change.alert for change in _upsert(event.person_id, state, history, findings, created_at, now)]


def due_person_ids(now=None):
    """People the sweep must scan: log changed since their last scan (or never scanned),
    or events in the window and no scan for ``RESCAN_ACTIVE_EVERY``."""
    now = now or timezone.now()
    recent_events = Event.objects.filter(person=OuterRef("pk"), occurred_at__gte=now - WINDOW)
    return (
        Person.objects.filter(
            Q(log_changed_at__isnull=False, scan__isnull=True)
            | Q(log_changed_at__gt=F("scan__scanned_at"))
            | (Q(scan__scanned_at__lt=now - RESCAN_ACTIVE_EVERY) & Exists(recent_events))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Loading the window as plain facts -----------------------------------------


def _lock_person(person_id):
    """The person's facts, with their PersonScan row locked until the transaction ends.

    One query in the steady state; None when the person is gone. The lock makes
    scans of one person (worker and write request alike) run one at a time.
    """
    owner_zone = Caregiver.objects.filter(person=OuterRef("person"), role=vocab.Role.OWNER).values("user__timezone")
    locked = (
        PersonScan.objects.select_for_update(of=("self",))
        .select_related("person")
        .annotate(owner_zone=Subquery(owner_zone[:1]))
        .filter(pk=person_id)
    )
    row = locked.first()
    if row is None:
        if not Person.objects.filter(pk=person_id).exists():
            return None
        # First scan: "scanned" long ago, so the sweep still sees the person as due until this commits.
        PersonScan.objects.get_or_create(person_id=person_id, defaults={"scanned_at": timezone.now() - WINDOW})
        row = locked.first()
    person = row.person
    return PersonFacts(
        id=person.pk,
        life_stage=person.life_stage,
        sex=person.sex,
        risk_factors=frozenset(person.risk_factors or ()),
        hip_check_done=person.hip_check_done,
        birth_date=person.birth_date,
        timezone=ZoneInfo(row.owner_zone or "UTC"),
    )


def _load_history(facts, now, *, since, until):
    """History with the events in [since, until]; also each event's created_at."""
    rows = list(
        Event.objects.filter(person_id=facts.id, occurred_at__gte=since, occurred_at__lte=until)
        .order_by("occurred_at", "id")
        .values(*_EVENT_FIELDS, "created_at")
    )
    workout_ids = {row["workout_id"] for row in rows if row["workout_id"] is not None}
    workouts = {
        row["id"]: WorkoutFacts(**row)
        for row in Workout.objects.filter(pk__in=workout_ids).values(*_WORKOUT_FIELDS)
    } if workout_ids else {}
    created_at = {row["id"]: row.pop("created_at") for row in rows}
    events = tuple(EventFacts(**{**row, "signs": frozenset(row["signs"] or ())}) for row in rows)
    return History(person=facts, events=events, now=now, workouts=workouts), created_at


_EVENT_FIELDS = [
    "id", "occurred_at", "body_site", "side", "sound", "activity", "pain", "pain_quality",
    "radiates", "signs", "temperature_c", "workout_id",
]
_WORKOUT_FIELDS = ["id", "started_at", "exercise", "range_of_motion", "pelvic_tilt_held"]


# --- Upserting alerts ----------------------------------------------------------


@dataclass
class _AlertState:
    """A person's alerts as the scan found them: two queries, whatever the number of alerts."""

    active: dict  # key -> open or acknowledged alert
    closed_at: dict  # key -> when the latest closed alert of that key was closed
    links: dict  # active alert id -> {event id: (linked_at, event updated_at)}

    @classmethod
    def load(cls, person_id):
        active, closed_at = {}, {}
        for alert in Alert.objects.filter(person_id=person_id):
            key = _key(alert)
            if alert.status in ACTIVE_STATUSES:
                active[key] = alert
            elif alert.closed_at is not None:
                closed_at[key] = max(alert.closed_at, closed_at.get(key, alert.closed_at))
        links = {alert.pk: {} for alert in active.values()}
        for alert_id, event_id, linked_at, updated_at in AlertEvidence.objects.filter(alert__in=links).values_list(
            "alert_id", "event_id", "linked_at", "event__updated_at"
        ):
            links[alert_id][event_id] = (linked_at, updated_at)
        return cls(active, closed_at, links)


def _upsert(person_id, state, history, findings, created_at, now):
    """Create or join alerts for ``findings``; returns what changed."""
    changes = []
    for finding in findings:
        key = (finding.rule, finding.body_site, finding.side)
        evidence_ids = {e.id for e in finding.evidence}
        alert = state.active.get(key)
        if alert is None:
            closed = state.closed_at.get(key)
            # A closed alert comes back only for evidence logged after it was closed.
            if closed is not None and not any(created_at[i] > closed for i in evidence_ids):
                continue
            alert = _create(person_id, history, finding, now)
            state.active[key] = alert
            state.links[alert.pk] = {}
            kind = "created"
        else:
            raised = vocab.Urgency.rank(finding.urgency) > vocab.Urgency.rank(alert.urgency)
            if not raised and evidence_ids <= state.links[alert.pk].keys():
                continue
            kind = "raised" if raised else "joined"
            _join(alert, history, finding, raised)
        new_ids = sorted(evidence_ids - state.links[alert.pk].keys())
        AlertEvidence.objects.bulk_create([AlertEvidence(alert=alert, event_id=i) for i in new_ids])
        state.links[alert.pk].update((i, (now, now)) for i in new_ids)
        changes.append(Change(alert, kind))
        if kind != "joined" and alert.urgency in vocab.NOTIFY_URGENCIES:
            notify.owe_emails(alert)  # in this transaction: the alert and its e-mails commit together
    return changes


def _key(alert):
    return (alert.rule, alert.body_site, alert.side)


def _create(person_id, history, finding, now):
    return Alert.objects.create(
        person_id=person_id,
        rule=finding.rule,
        urgency=finding.urgency,
        body_site=finding.body_site,
        side=finding.side,
        first_seen_at=now,
        **_wording(history, finding),
    )


def _join(alert, history, finding, raised):
    """New evidence joins the alert; its tier may go up, never down."""
    if raised:
        alert.urgency = finding.urgency
    wording = _wording(history, finding)
    # Evidence older than the window stays linked, so the newest time can only grow.
    wording["last_evidence_at"] = max(alert.last_evidence_at, wording["last_evidence_at"])
    for name, value in wording.items():
        setattr(alert, name, value)
    alert.save()


def _wording(history, finding):
    rule = RULES[finding.rule]
    return {
        "title": rule.title,
        "message": rule.message.format(**message_params(history, finding)),
        "advice": rule.advice,
        "source": rule.source,
        "last_evidence_at": max(e.occurred_at for e in finding.evidence),
    }


def _drop_stale_evidence(state, history, findings, now):
    """Unlink events edited since they became evidence that no longer fit; resolve emptied alerts.

    Deleted events leave by cascade. Only a full scan does this: it alone sees
    every finding of the window.
    """
    supported = {(f.rule, f.body_site, f.side, e.id) for f in findings for e in f.evidence}
    in_window = {e.id for e in history.events}
    emptied = []
    for key, alert in state.active.items():
        links = state.links[alert.pk]
        stale = [
            event_id for event_id, (linked_at, updated_at) in links.items()
            if event_id in in_window and updated_at > linked_at and (*key, event_id) not in supported
        ]
        if stale:
            AlertEvidence.objects.filter(alert=alert, event_id__in=stale).delete()
        if len(stale) == len(links):
            emptied.append(alert.pk)
    if emptied:
        Alert.objects.filter(pk__in=emptied).update(status=vocab.AlertStatus.RESOLVED, closed_at=now, updated_at=now)
        logger.info("Resolved alert(s) %s: their evidence is gone", emptied)
