"""Writes: every change to people, events and workouts goes through here.

Each write runs in a transaction and, once committed, asks for a scan of the
person's log (``schedule_scan``). A broker outage never fails the write: the
person's ``log_changed_at`` is bumped in the same transaction, so the periodic
sweep still finds them.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rest_framework.authtoken.models import Token

from . import vocab
from .models import Caregiver, Event, Person, User, Workout

logger = logging.getLogger(__name__)


def schedule_scan(person_id):
    """After the current transaction commits, enqueue a scan of the person's log."""
    transaction.on_commit(lambda: _enqueue_scan(person_id))


def _enqueue_scan(person_id):
    from alerts.tasks import request_scan

    try:
        request_scan(person_id)
    except Exception:  # noqa: BLE001 - any broker failure: the write stands, the sweep catches up
        logger.exception("Could not enqueue a scan of person %s; the sweep will pick it up", person_id)


def _mark_log_changed(person_id):
    Person.objects.filter(pk=person_id).update(log_changed_at=timezone.now())


# --- Accounts -----------------------------------------------------------------


def register_user(*, username, email, password):
    """A new user with an API token: the web sign-up and POST auth/register/ both come here."""
    with transaction.atomic():
        user = User.objects.create_user(username, email, password)
        Token.objects.create(user=user)
    return user


def update_settings(*, user, **fields):
    """The preferences GET/PATCH me/ and the settings page share: timezone, email_alerts, temperature_unit."""
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(fields))
    return user


def delete_account(*, user):
    """Delete the user and the people they own, with those people's whole log.

    People others own and shared with the user stay: they only lose this caregiver
    (and the events the user logged on them keep no author).
    """
    with transaction.atomic():
        Person.objects.filter(caregivers__user=user, caregivers__role=vocab.Role.OWNER).delete()
        user.delete()


# --- People and caregivers --------------------------------------------------


def create_person(*, owner, **fields):
    with transaction.atomic():
        person = Person.objects.create(**fields)
        Caregiver.objects.create(person=person, user=owner, role=vocab.Role.OWNER)
    return person


def update_person(*, person, **fields):
    for name, value in fields.items():
        setattr(person, name, value)
    # Facts such as life stage or risk factors change what the rules see: mark
    # the log changed too, so the sweep rescans the person if the enqueue fails.
    person.log_changed_at = timezone.now()
    person.save(update_fields=[*fields, "log_changed_at", "updated_at"])
    schedule_scan(person.pk)
    return person


def delete_person(*, person):
    person.delete()


OWNER_KEEPS_THEIR_ROLE = "The owner already has every right to this person."
OWNER_CANNOT_BE_REMOVED = "The owner cannot be removed; delete the person instead."


def share_person(*, person, user, role):
    """Give ``user`` a role on ``person``, or change it; returns (caregiver, created).

    The owner's role never changes here: a person always keeps its owner.
    """
    caregiver, created = Caregiver.objects.get_or_create(person=person, user=user, defaults={"role": role})
    if not created:
        if caregiver.role == vocab.Role.OWNER:
            raise ValidationError({"user": [OWNER_KEEPS_THEIR_ROLE]})
        caregiver.role = role
        caregiver.save(update_fields=["role"])
    return caregiver, created


def unshare_person(*, caregiver):
    """Stop sharing (the owner removes someone, or a caregiver leaves); the owner stays."""
    if caregiver.role == vocab.Role.OWNER:
        raise ValidationError({"user": [OWNER_CANNOT_BE_REMOVED]})
    caregiver.delete()


# --- Events -----------------------------------------------------------------


@dataclass
class LoggedEvent:
    event: Event
    created: bool
    # Alerts raised (or raised in tier) at once by this write: see alerts.engine.scan_immediate.
    alerts: list = field(default_factory=list)


def log_event(*, person, created_by, **fields):
    """Store one event; a ``client_id`` already stored for the person returns that event unchanged.

    The unique (person, client_id) constraint decides, so a replay racing the
    original still stores one event; the insert of a replay rolls back alone.
    """
    client_id = fields.get("client_id")
    try:
        with transaction.atomic():
            event = Event.objects.create(person=person, created_by=created_by, **fields)
            _mark_log_changed(person.pk)
            alerts = _immediate_alerts(event)
    except IntegrityError:
        stored = Event.objects.filter(person=person, client_id=client_id).first() if client_id else None
        if stored is None:
            raise
        return LoggedEvent(stored, created=False)
    schedule_scan(person.pk)
    return LoggedEvent(event, created=True, alerts=alerts)


def update_event(*, event, **fields):
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
        _mark_log_changed(event.person_id)
        alerts = _immediate_alerts(event)
    schedule_scan(event.person_id)
    return LoggedEvent(event, created=False, alerts=alerts)


def delete_event(*, event):
    person_id = event.person_id
    with transaction.atomic():
        event.delete()
        _mark_log_changed(person_id)
    schedule_scan(person_id)


def _immediate_alerts(event):
    """The single-event emergency/urgent alerts of this write, raised inside its transaction."""
    from alerts.engine import scan_immediate

    return scan_immediate(event)


# --- Workouts ---------------------------------------------------------------


def create_workout(*, person, created_by, **fields):
    with transaction.atomic():
        workout = Workout.objects.create(person=person, created_by=created_by, **fields)
        _mark_log_changed(person.pk)
    schedule_scan(person.pk)
    return workout


def update_workout(*, workout, **fields):
    with transaction.atomic():
        for name, value in fields.items():
            setattr(workout, name, value)
        workout.save()
        _mark_log_changed(workout.person_id)
    schedule_scan(workout.person_id)
    return workout


def delete_workout(*, workout):
    person_id = workout.person_id
    with transaction.atomic():
        workout.delete()
        _mark_log_changed(person_id)
    schedule_scan(person_id)
