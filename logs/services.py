"""Writes: every change to people, events and workouts goes through here.

Each write runs in a transaction and, once committed, asks for a scan of the
person's log (``schedule_scan``). A broker outage never fails the write: the
person's ``log_changed_at`` is bumped in the same transaction (by the insert itself for a
new event: logs/event_counts.py), so the periodic sweep still finds them.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.http import Http404
from django.utils import timezone

from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException

from . import rows, selectors, vocab
from .api.fields import cache_lookups, parse_client_id, parse_id
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
    # A new event's insert marks it in the database (logs/event_counts.py); every other write, here.
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
            # Event.objects.create in plain SQL, the API's busiest write; the insert marks the log changed.
            event = rows.insert_event(Event(person=person, created_by=created_by, **fields))
            alerts = _immediate_alerts(event)
    except IntegrityError:
        stored = Event.objects.filter(person=person, client_id=client_id).first() if client_id else None
        if stored is None:
            raise
        return LoggedEvent(stored, created=False)
    schedule_scan(person.pk)
    return LoggedEvent(event, created=True, alerts=alerts)


def _lock_still_stored(row):
    """Lock ``row`` for this transaction, or 404 if it was deleted since it was read.

    Without it, save() on a row deleted meanwhile (its person deleted by another
    request, say) would insert it again, or fail at commit.
    """
    if not type(row).objects.select_for_update().filter(pk=row.pk).exists():
        raise Http404(f"No {type(row).__name__.lower()} with this id.")


def update_event(*, event, **fields):
    with transaction.atomic():
        _lock_still_stored(event)
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
    are invalid. Every item carries a ``client_id``, so a client unsure whether a batch
    got through sends it again: what was stored answers "duplicate", and an item
    repeating an earlier one of the same batch too.

    In bulk, with a number of queries that grows neither with the batch's items nor
    with its people: the replays found in one query, every item validated in one pass
    (people and workouts looked up once), the new events inserted together, the
    immediate rules run once for the batch, one scan asked per person. The batch is
    one transaction, so
    - nothing is committed before every item has its result, and every result can be
      written as JSON, so an answer can never fail after events were stored;
    - if storing the new events together fails (one of them failing in any unexpected
      way, or a concurrent sync of the same items winning the unique constraint), that
      savepoint rolls back and each is stored alone in its own: a failing item is
      answered ``invalid`` (SYNC_FAILED), one stored meanwhile ``duplicate``;
    - a batch cut short (a worker timeout, the database lost, a database error before
      anything is written) stores nothing at all.
    """
    context = {"request": _Caller(user)}  # the serializer's fields scope ids to the caller
    with transaction.atomic():
        results, new = _sort_out(user, items, context)
        _store(user, new)
        return [_json_safe(result.answer() if isinstance(result, _New | _Repeat) else result) for result in results]


@dataclass(frozen=True)
class _Caller:
    """What the API's serializer needs of a request: who is asking."""

    user: User


@dataclass
class _New:
    """A valid item not stored yet: its fields, then its result once the batch is stored."""

    fields: dict
    result: dict | None = None

    def answer(self):
        return self.result


@dataclass
class _Repeat:
    """An item repeating an earlier new item of the same batch: answered as that one's replay."""

    first: _New

    def answer(self):
        result = self.first.result
        return result if result["status"] == "invalid" else {**result, "status": "duplicate"}


def _sort_out(user, items, context):
    """One result per item (``_New``/``_Repeat`` for those answered once stored), and the ``_New`` ones."""
    keys = [_replay_key(item) for item in items]
    stored = selectors.replayed_events(user, {key for key in keys if key is not None})
    cache_lookups(context, person_ids=_ids_named(items, "person"), workout_ids=_ids_named(items, "workout"))
    # A batch speaks the API's contract (api.md), so the API's serializer decides what is
    # valid: one for the batch, whose fields are built once, as a ListSerializer does.
    serializer = _bulk_serializer(context)
    results, new = [], {}
    for item, key in zip(items, keys):
        if key in stored:
            results.append({"client_id": str(key[1]), "status": "duplicate", "id": stored[key]})
        elif key in new:
            results.append(_Repeat(new[key]))
        else:
            results.append(_validated(item, serializer))
            if isinstance(results[-1], _New):
                new[key] = results[-1]  # valid, so its key names the person and client_id it stores
    return results, list(new.values())


def _ids_named(items, name):
    return {parse_id(item.get(name)) for item in items if isinstance(item, dict)} - {None}


def _replay_key(item):
    """(person id, client_id) of a body, read before any validation, or None."""
    if not isinstance(item, dict):
        return None
    person_id, client_id = parse_id(item.get("person")), parse_client_id(item.get("client_id"))
    return None if person_id is None or client_id is None else (person_id, client_id)


def _bulk_serializer(context):
    # Imported here as that module imports logs.accounts, which imports this one.
    from .api.serializers import BulkEventSerializer

    return BulkEventSerializer(context=context)


def _validated(item, serializer):
    """A ``_New`` for a valid item, else its ``invalid`` result."""
    try:
        fields = serializer.run_validation(item)  # what is_valid() runs, on a serializer made once
    except APIException as error:  # field errors, and an unknown or read-only person (404/403)
        return _invalid(item, _as_field_errors(error.detail))
    except DatabaseError:
        raise  # the transaction may be unusable: the whole batch rolls back, nothing stored
    except Exception:  # noqa: BLE001 - a bug on one item's input must not cost the batch
        logger.exception("Offline sync: an item of a batch failed validation unexpectedly")
        return _invalid(item, {"non_field_errors": [SYNC_FAILED]})
    return _New(dict(fields))


def _invalid(item, errors):
    return {"client_id": _client_id_sent(item), "status": "invalid", "errors": errors}


def _store(user, new):
    """Insert the new events together; if that fails, each alone, to find which failed (see sync_events)."""
    if not new or _insert_apart(user, new) is None:
        return
    for item in new:
        error = _insert_apart(user, [item])
        if error is not None:
            item.result = _not_stored(item, error)


def _insert_apart(user, new):
    """Insert ``new`` in a savepoint of its own, giving each its result; None, or the error it failed with."""
    try:
        with transaction.atomic():  # a savepoint: a failure leaves the batch's transaction usable
            events = _insert(user, new)
    except (OperationalError, InterfaceError):
        raise  # the database itself failed: the whole batch rolls back and may be sent again
    except Exception as error:  # noqa: BLE001 - rolled back alone: the others of the batch stand
        if transaction.get_rollback():
            raise  # not even the savepoint could be rolled back: nothing of the batch can commit
        return error
    for item, event in zip(new, events):
        item.result = _stored(event, "created")
    return None


def _not_stored(item, error):
    # The unique (person, client_id) constraint decides: a concurrent sync stored it first.
    person, client_id = item.fields["person"], item.fields["client_id"]
    stored = isinstance(error, IntegrityError) and Event.objects.filter(person=person, client_id=client_id).first()
    if stored:
        return _stored(stored, "duplicate")
    logger.error("Offline sync: an item of a batch failed and was not stored", exc_info=error)
    return {"client_id": str(client_id), "status": "invalid", "errors": {"non_field_errors": [SYNC_FAILED]}}


def _insert(user, new):
    """The new events in one INSERT (which marks their people's logs changed), their immediate alerts raised."""
    events = Event.objects.bulk_create(Event(created_by=user, **item.fields) for item in new)
    person_ids = sorted({event.person_id for event in events})
    _immediate_alerts_of_batch(events)
    for person_id in person_ids:
        schedule_scan(person_id)
    return events


def _stored(event, status):
    return {"client_id": str(event.client_id), "status": status, "id": event.pk}


def replay_of(*, user, body, person_cache):
    """The stored event a request body replays (same person and client_id), if any.

    Recognised by those two alone, before any validation: a replay need not be valid
    again (its workout may have been deleted since it was first sent). The person found
    on the way goes in ``person_cache`` (PersonField's), so validating the body asks for it
    no second time.
    """
    key = _replay_key(body)
    if key is None:
        return None
    person_id, client_id = key
    person_cache[person_id], replayed = selectors.person_and_replay(user, person_id=person_id, client_id=client_id)
    return replayed


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


def _immediate_alerts_of_batch(events):
    """``_immediate_alerts`` for new events stored together: each person's rules run once."""
    from alerts.engine import scan_immediate_many

    return scan_immediate_many(events)


# --- Workouts ---------------------------------------------------------------


def create_workout(*, person, created_by, **fields):
    with transaction.atomic():
        workout = Workout.objects.create(person=person, created_by=created_by, **fields)
        _mark_log_changed(person.pk)
    schedule_scan(person.pk)
    return workout


def update_workout(*, workout, **fields):
    with transaction.atomic():
        _lock_still_stored(workout)
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
