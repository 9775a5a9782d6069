"""Scan a person's recent log with the rules and keep their alerts in step.

The engine alone touches the database: it loads the scan window (``WINDOW``,
the longest any rule looks back) as plain facts, runs the rules, and upserts
one alert per key (person, rule, site, side). Scans of one person run one at a
time (a row lock on their PersonScan), and a scan that finds nothing new writes
nothing, so running it twice changes nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, Exists, F, JSONField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import NullIf
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
    return scan_many([person_id], now=now)


def scan_many(person_ids, *, now=None):
    """Scan a batch of people, each exactly as alone, in a constant number of queries; returns the changes.

    The batch's PersonScan rows are locked in id order (batches never deadlock on
    each other), their windows, facts and alerts loaded with one query each, the
    rules run per person, and the changes written with one bulk query per kind.
    """
    now = now or timezone.now()
    _ensure_scan_rows(person_ids)  # before the lock: a row inserted is a row locked, out of id order
    with transaction.atomic():
        people = _lock_people(person_ids)
        states = _AlertState.load_many(people)
        closed = [person_id for person_id, state in states.items() if state.closed_at]
        histories = _load_histories(people, now, since=now - WINDOW, until=now, logged_for=closed)
        writes = _Writes(now)
        changes = []
        for person_id, (history, created_at) in histories.items():
            findings = [finding for rule in RULES.values() for finding in rule.check(history)]
            changes += _plan_upsert(person_id, states[person_id], history, findings, created_at, writes)
            _plan_stale_evidence(states[person_id], history, findings, writes)
        writes.flush()
        PersonScan.objects.filter(pk__in=people).update(scanned_at=now)
    return changes


def scan_immediate(event):
    """Raise, inside the write request, the emergency/urgent alerts this one event triggers.

    Cheap: only the single-event rules, over the 48 h around the event. The
    background scan later finds the same alerts (same keys), never duplicates.
    """
    now = timezone.now()
    if event.occurred_at < now - WINDOW:
        return []  # outside what any scan looks at: leave it to the background rules
    if not _shows_a_symptom(event):
        return []  # no immediate rule takes such an event as evidence: no lock, no window to load
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


def _shows_a_symptom(event):
    """Whether ``event`` logs anything besides a sound: a sign, a temperature, pain, radiating symptoms.

    Every immediate rule's evidence does (tests/alerts/test_immediate_symptoms.py holds them to it),
    so a write of a plain sound, the most common one, raises nothing at once.
    """
    return bool(event.signs) or event.temperature_c is not None or bool(event.pain) or (
        event.radiates != vocab.Radiates.NONE
    )


def scan_immediate_many(events):
    """``scan_immediate`` for new events stored together (offline sync), in a constant number of
    queries: their people locked and loaded at once, over the span the events' 48 h windows cover."""
    now = timezone.now()
    events = [event for event in events if event.occurred_at >= now - WINDOW]  # older: as in scan_immediate
    if not events:
        return []
    person_ids = sorted({event.person_id for event in events})
    people = _lock_people(person_ids)
    if len(people) < len(person_ids) and _ensure_scan_rows(person_ids):
        people = _lock_people(person_ids)
    histories = _load_histories(
        people, now, since=max(min(e.occurred_at for e in events) - FEVER_REACH, now - WINDOW),
        until=min(max(e.occurred_at for e in events) + FEVER_REACH, now),
    )
    new_ids = {event.pk for event in events}
    findings = {
        person_id: [
            finding
            for rule in RULES.values() if rule.immediate
            for finding in rule.check(history)
            if finding.urgency in IMMEDIATE_TIERS and any(e.id in new_ids for e in finding.evidence)
        ]
        for person_id, (history, _) in histories.items()
    }
    states = _AlertState.load_many([person_id for person_id, found in findings.items() if found])
    writes, changes = _Writes(now), []
    for person_id, state in states.items():
        history, created_at = histories[person_id]
        changes += _plan_upsert(person_id, state, history, findings[person_id], created_at, writes)
    writes.flush()
    return [change.alert for change in changes]


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
    people = _lock_people([person_id])
    if not people and _ensure_scan_rows([person_id]):
        people = _lock_people([person_id])
    return people.get(person_id)


def _ensure_scan_rows(person_ids):
    """Give the people without a PersonScan row one; returns whether any of them had none.

    First scan: "scanned" long ago, so the sweep still sees the person as due until a scan commits.
    """
    new = list(Person.objects.filter(pk__in=person_ids, scan__isnull=True).values_list("pk", flat=True))
    scanned_at = timezone.now() - WINDOW
    PersonScan.objects.bulk_create(
        [PersonScan(person_id=person_id, scanned_at=scanned_at) for person_id in new], ignore_conflicts=True
    )
    return bool(new)


def _lock_people(person_ids):
    """The facts of those of the people with a PersonScan row, by id in id order, their rows locked (one query)."""
    owner_zone = Caregiver.objects.filter(person=OuterRef("person"), role=vocab.Role.OWNER).values("user__timezone")
    locked = (
        PersonScan.objects.select_for_update(of=("self",))
        .select_related("person")
        .annotate(owner_zone=Subquery(owner_zone[:1]))
        .filter(pk__in=person_ids)
        .order_by("pk")
    )
    return {row.pk: _person_facts(row.person, row.owner_zone) for row in locked}


def _person_facts(person, owner_zone):
    return PersonFacts(
        id=person.pk,
        life_stage=person.life_stage,
        sex=person.sex,
        risk_factors=frozenset(person.risk_factors or ()),
        hip_check_done=person.hip_check_done,
        birth_date=person.birth_date,
        timezone=ZoneInfo(owner_zone or "UTC"),
    )


def _load_history(facts, now, *, since, until):
    """History with the events in [since, until]; also each event's created_at."""
    return _load_histories({facts.id: facts}, now, since=since, until=until)[facts.id]


def _load_histories(people, now, *, since, until, logged_for=None):
    """``_load_history`` for each of ``people`` (facts by id), in two queries at most, whatever their number.

    Only the people in ``logged_for`` (None: all) get their events' created_at: reading a
    time costs, and only a closed alert asks when its evidence was logged.
    """
    logged_at = F("created_at") if logged_for is None else Case(When(person_id__in=logged_for, then="created_at"))
    rows = list(
        Event.objects.filter(person_id__in=people, occurred_at__gte=since, occurred_at__lte=until)
        .order_by("person_id", "occurred_at", "id")
        # Most events have no signs: NULL spares decoding an empty JSON list.
        .values(*_EVENT_FIELDS, "person_id", logged_at=logged_at, some_signs=NullIf("signs", Value([], JSONField())))
    )
    workout_ids = {row["workout_id"] for row in rows if row["workout_id"] is not None}
    workouts = {
        row["id"]: WorkoutFacts(**row)
        for row in Workout.objects.filter(pk__in=workout_ids).values(*_WORKOUT_FIELDS)
    } if workout_ids else {}
    rows_of = {person_id: [] for person_id in people}
    for row in rows:
        rows_of[row.pop("person_id")].append(row)
    histories = {}
    for person_id, facts in people.items():
        mine = rows_of[person_id]
        created_at = {row["id"]: row.pop("logged_at") for row in mine}
        events = tuple(EventFacts(signs=frozenset(row.pop("some_signs") or ()), **row) for row in mine)
        own_workouts = {e.workout_id: workouts[e.workout_id] for e in events if e.workout_id is not None}
        histories[person_id] = History(person=facts, events=events, now=now, workouts=own_workouts), created_at
    return histories


_EVENT_FIELDS = [
    "id", "occurred_at", "body_site", "side", "sound", "activity", "pain", "pain_quality",
    "radiates", "temperature_c", "workout_id",
]
_WORKOUT_FIELDS = ["id", "started_at", "exercise", "range_of_motion", "pelvic_tilt_held"]


# --- Upserting alerts ----------------------------------------------------------


@dataclass
class _AlertState:
    """A person's alerts as the scan found them."""

    active: dict = field(default_factory=dict)  # key -> open or acknowledged alert
    closed_at: dict = field(default_factory=dict)  # key -> when the latest closed alert of that key was closed
    links: dict = field(default_factory=dict)  # key of an active alert -> {event id: (linked_at, event updated_at)}

    @classmethod
    def load(cls, person_id):
        return cls.load_many([person_id])[person_id]

    @classmethod
    def load_many(cls, person_ids):
        """Each person's state, by id: two queries, whatever the number of people and alerts."""
        states = {person_id: cls() for person_id in person_ids}
        key_of = {}  # active alert id -> (state, key)
        for alert in Alert.objects.filter(person_id__in=person_ids).order_by():
            state, key = states[alert.person_id], _key(alert)
            if alert.status in ACTIVE_STATUSES:
                state.active[key] = alert
                state.links[key] = {}
                key_of[alert.pk] = (state, key)
            elif alert.closed_at is not None:
                state.closed_at[key] = max(alert.closed_at, state.closed_at.get(key, alert.closed_at))
        for alert_id, event_id, linked_at, updated_at in AlertEvidence.objects.filter(alert__in=key_of).values_list(
            "alert_id", "event_id", "linked_at", "event__updated_at"
        ):
            state, key = key_of[alert_id]
            state.links[key][event_id] = (linked_at, updated_at)
        return states


@dataclass
class _Writes:
    """What a scan changes, written at its end with one bulk query per kind of change."""

    now: datetime
    created: list = field(default_factory=list)  # new alerts
    joined: dict = field(default_factory=dict)  # id -> alert already stored whose fields changed
    evidence: list = field(default_factory=list)  # new AlertEvidence rows
    owed: list = field(default_factory=list)  # (alert, tier) whose e-mails are owed
    stale: list = field(default_factory=list)  # (alert, event ids) to unlink
    emptied: list = field(default_factory=list)  # alerts left without evidence

    def flush(self):
        Alert.objects.bulk_create(self.created)  # sets their ids (PostgreSQL, SQLite >= 3.35)
        if self.joined:
            for alert in self.joined.values():
                alert.updated_at = timezone.now()  # as save() would: bulk_update skips auto_now
            Alert.objects.bulk_update(self.joined.values(), _JOINED_FIELDS)
        AlertEvidence.objects.bulk_create(self.evidence)
        if self.owed:
            notify.owe_emails(self.owed)  # in this transaction: the alerts and their e-mails commit together
        if self.stale:
            unlinked = Q()
            for alert, event_ids in self.stale:
                unlinked |= Q(alert=alert, event_id__in=event_ids)
            AlertEvidence.objects.filter(unlinked).delete()
        if self.emptied:
            emptied = [alert.pk for alert in self.emptied]
            Alert.objects.filter(pk__in=emptied).update(
                status=vocab.AlertStatus.RESOLVED, closed_at=self.now, updated_at=self.now
            )
            logger.info("Resolved alert(s) %s: their evidence is gone", emptied)


_JOINED_FIELDS = ["urgency", "title", "message", "advice", "source", "last_evidence_at", "updated_at"]


def _upsert(person_id, state, history, findings, created_at, now):
    """Create or join alerts for ``findings`` and write them; returns what changed."""
    writes = _Writes(now)
    changes = _plan_upsert(person_id, state, history, findings, created_at, writes)
    writes.flush()
    return changes


def _plan_upsert(person_id, state, history, findings, created_at, writes):
    """The alerts ``findings`` create or join, in ``state`` and in ``writes``; returns what changes."""
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
            alert = _create(person_id, history, finding, writes.now)
            writes.created.append(alert)
            state.active[key] = alert
            state.links[key] = {}
            kind = "created"
        else:
            raised = vocab.Urgency.rank(finding.urgency) > vocab.Urgency.rank(alert.urgency)
            if not raised and evidence_ids <= state.links[key].keys():
                continue
            kind = "raised" if raised else "joined"
            _join(alert, history, finding, raised)
            if alert.pk is not None:  # a new alert is written whole when created
                writes.joined[alert.pk] = alert
        new_ids = sorted(evidence_ids - state.links[key].keys())
        writes.evidence += [AlertEvidence(alert=alert, event_id=i) for i in new_ids]
        state.links[key].update((i, (writes.now, writes.now)) for i in new_ids)
        changes.append(Change(alert, kind))
        if kind != "joined" and alert.urgency in vocab.NOTIFY_URGENCIES:
            writes.owed.append((alert, alert.urgency))
    return changes


def _key(alert):
    return (alert.rule, alert.body_site, alert.side)


def _create(person_id, history, finding, now):
    return Alert(
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


def _wording(history, finding):
    rule = RULES[finding.rule]
    return {
        "title": rule.title,
        "message": rule.message.format(**message_params(history, finding)),
        "advice": rule.advice,
        "source": rule.source,
        "last_evidence_at": max(e.occurred_at for e in finding.evidence),
    }


def _plan_stale_evidence(state, history, findings, writes):
    """Unlink events edited since they became evidence that no longer fit; resolve emptied alerts.

    Deleted events leave by cascade. Only a full scan does this: it alone sees
    every finding of the window.
    """
    supported = {(f.rule, f.body_site, f.side, e.id) for f in findings for e in f.evidence}
    in_window = {e.id for e in history.events}
    for key, alert in state.active.items():
        links = state.links[key]
        stale = [
            event_id for event_id, (linked_at, updated_at) in links.items()
            if event_id in in_window and updated_at > linked_at and (*key, event_id) not in supported
        ]
        if stale:
            writes.stale.append((alert, stale))
        if len(stale) == len(links):
            writes.emptied.append(alert)
