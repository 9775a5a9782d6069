"""Writes: every change to people, events and workouts goes through here.

Each write runs in a transaction and, once committed, asks for a scan of the
person's log (``schedule_scan``). A broker outage never fails the write: the
person's ``log_changed_at`` is bumped in the same transaction, so the periodic
sweep still finds them.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException

from . import selectors, vocab
from .api.fields import parse_client_id, parse_id
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


# --- Offline sync: a batch of events ------------------------------------------

SYNC_FAILED = (
    "Not stored: the server failed on this event (the failure is logged for the maintainers). "
    "The other events of the batch are not affected."
)


def sync_events(*, user, items):
    """Store a batch of event bodies as ``user`` (POST events/bulk/, the offline queue's sync).

    Returns one result per item, in order (api.md): ``{"client_id", "status":
    "created"|"duplicate"|"invalid", "id"?, "errors"?}``.

    Per item, never all-or-nothing on input: valid items are stored even if others
    are invalid. The batch is one transaction with each item in its own savepoint, so
    - an item that fails in any unexpected way is rolled back alone and answered
      ``invalid`` (SYNC_FAILED), never an error that hides what the rest stored;
    - nothing is committed before every item has its result, and every result can be
      written as JSON, so an answer can never fail after events were stored;
    - a batch cut short (a worker timeout, the database lost) stores nothing at all.
    Every item carries a ``client_id``, so a client unsure whether a batch got through
    sends it again: what was stored answers "duplicate".
    """
    context = {"request": _Caller(user)}  # the serializer's fields scope ids to the caller
    with transaction.atomic():
        return [_json_safe(_sync_one(user, item, context)) for item in items]


@dataclass(frozen=True)
class _Caller:
    """What the API's serializer needs of a request: who is asking."""

    user: User


def _sync_one(user, item, context):
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the batch's transaction usable
            return _store_item(user, item, context)
    except (OperationalError, InterfaceError):
        raise  # the database itself failed: the whole batch rolls back and may be sent again
    except Exception:  # noqa: BLE001 - one event's failure must not cost the batch (rolled back above)
        if transaction.get_rollback():
            raise  # not even the savepoint could be rolled back: nothing of the batch can commit
        logger.exception("Offline sync: an item of a batch failed and was not stored")
        return {"client_id": _client_id_sent(item), "status": "invalid", "errors": {"non_field_errors": [SYNC_FAILED]}}


def _store_item(user, item, context):
    # A batch speaks the API's contract (api.md), so the API's serializer decides what is
    # valid; imported here as that module imports logs.accounts, which imports this one.
    from .api.serializers import BulkEventSerializer

    replayed = replay_of(user=user, body=item)
    if replayed is not None:
        return {"client_id": str(replayed.client_id), "status": "duplicate", "id": replayed.pk}
    event = BulkEventSerializer(data=item, context=context)
    try:
        event.is_valid(raise_exception=True)
    except APIException as error:  # field errors, and an unknown or read-only person (404/403)
        return {"client_id": _client_id_sent(item), "status": "invalid", "errors": _as_field_errors(error.detail)}
    fields = dict(event.validated_data)
    logged = log_event(person=fields.pop("person"), created_by=user, **fields)
    return {
        "client_id": str(logged.event.client_id),
        "status": "created" if logged.created else "duplicate",
        "id": logged.event.pk,
    }


def replay_of(*, user, body):
    """The stored event a request body replays (same person and client_id), if any.

    Recognised by those two alone, before any validation: a replay need not be valid
    again (its workout may have been deleted since it was first sent).
    """
    if not isinstance(body, dict):
        return None
    person_id, client_id = parse_id(body.get("person")), parse_client_id(body.get("client_id"))
    if person_id is None or client_id is None:
        return None
    return selectors.replayed_event(user, person_id=person_id, client_id=client_id)


def _client_id_sent(item):
    client_id = item.get("client_id") if isinstance(item, dict) else None
    return client_id if isinstance(client_id, str) else None


def _as_field_errors(detail):
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def _json_safe(value):
    """``value`` with every string writable as UTF-8 JSON.

    Error messages may quote what was sent, and JSON may carry lone surrogates
    ("\\ud800") that UTF-8 cannot: they are answered escaped rather than failing
    the answer of a batch whose events are stored.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_json_safe(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


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
