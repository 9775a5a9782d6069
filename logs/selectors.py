"""Reads: the one place that scopes querysets to what a user may see.

A person the user has no caregiver role for does not exist for them: lookups
raise Django's Http404, never PermissionDenied. PermissionDenied (403) is only
for a person the user can see but whose role does not allow the action. Both are
Django's exceptions, so DRF answers them as JSON and the pages with their templates.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from . import rows, vocab
from .api.fields import parse_id
from .models import Caregiver, Event, Person, User, Workout

WRITE_ROLES = frozenset({vocab.Role.OWNER, vocab.Role.EDITOR})


def _open_alert_count():
    from alerts.models import Alert

    counts = (
        Alert.objects.filter(person=OuterRef("pk"), status=vocab.AlertStatus.OPEN)
        .order_by()
        .values("person")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def persons_visible_to(user):
    """People the user is a caregiver of, each annotated with ``role`` and ``open_alerts``."""
    if not user.is_authenticated:
        return Person.objects.none()
    role = Caregiver.objects.filter(person=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Person.objects.filter(caregivers__user=user)
        .annotate(role=Subquery(role), open_alerts=_open_alert_count())
    )


def person_for(user, person_id, *, action="read"):
    """The person ``person_id`` (annotated as persons_visible_to) if ``user`` may do ``action`` (read, write, own) to it."""
    return _found(persons_visible_to(user), person_id, action)


def person_with_role(user, person_id, *, action="read"):
    """``person_for`` without ``open_alerts`` (one join, in plain SQL: logs.rows), for the API's
    requests, which need the role alone."""
    person = _read_visible(rows.person_with_role, user, person_id)
    require_role(person.role, action)
    return person


def _read_visible(read, user, person_id):
    """``read(user id, person id)`` of a person the user is a caregiver of (logs.rows answers None
    otherwise); 404 for that, for an anonymous user and for an id that cannot be one."""
    person_id = parse_id(person_id)
    found = read(user.pk, person_id) if user.is_authenticated and person_id else None
    if found is None:
        raise Http404("No person with this id.")
    return found


def _found(persons, person_id, action):
    try:
        person = persons.get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person with this id.") from None
    require_role(person.role, action)
    return person


def require_role(role, action):
    """Raise PermissionDenied unless ``role`` allows ``action`` (read, write or own)."""
    allowed = {
        "read": True,
        "write": role in WRITE_ROLES,
        "own": role == vocab.Role.OWNER,
    }[action]
    if not allowed:
        needed = "the owner" if action == "own" else "an owner or editor"
        raise PermissionDenied(f"Only {needed} of this person can do this.")


def events_visible_to(user):
    """Events of the people the user can see, newest first, with ``role`` on each."""
    if not user.is_authenticated:
        return Event.objects.none()
    return (
        Event.objects.filter(person__caregivers__user=user)
        .annotate(role=_role_of(user))
        .order_by("-occurred_at", "-id")
    )


def events_page(person_id, columns, offset, limit):
    """A page of the events of a person the caller was found to see (``events_page_if_visible``),
    newest first, as lists of ``columns`` (Event attnames, then created_by__username), in plain SQL
    (logs.rows)."""
    page, _ = rows.event_page_reader(tuple(columns))
    return page(person_id, offset, limit)


def events_page_if_visible(user, person_id, columns, offset, limit):
    """(the person's event count, ``events_page``) in one query, if ``user`` may see the person; else 404."""
    _, visible_page = rows.event_page_reader(tuple(columns))
    return _read_visible(lambda user_id, person_id: visible_page(user_id, person_id, offset, limit), user, person_id)


def person_and_replay(user, *, person_id, client_id):
    """(person, replayed event) of a body naming ``person_id`` and ``client_id``, in one query.

    The person as ``person_with_role`` finds it, without its role checked (None when the user
    cannot see it); the event stored under (person, client_id) if the user may write to
    that person, else None. Offline sync recognises a replay by these two alone: the rest
    of a replayed body need not validate again (its workout may have been deleted since, say).
    """
    person = rows.person_and_replayed_id(user.pk, person_id, client_id)
    if person is None or person.replayed_id is None or person.role not in WRITE_ROLES:
        return person, None
    return person, Event.objects.select_related("created_by").get(pk=person.replayed_id)


def replayed_events(user, keys):
    """The replays of ``person_and_replay`` for a batch, in one query: {(person_id, client_id): event id} of the keys stored."""
    if not keys:
        return {}
    stored = Event.objects.filter(
        person_id__in={person_id for person_id, _ in keys}, client_id__in={client_id for _, client_id in keys},
        person__caregivers__user=user, person__caregivers__role__in=WRITE_ROLES,
    ).values_list("person_id", "client_id", "pk")
    return {(person_id, client_id): pk for person_id, client_id, pk in stored if (person_id, client_id) in keys}


def workouts_visible_to(user):
    """Workouts of the people the user can see, newest first, with ``event_count`` and ``role``."""
    if not user.is_authenticated:
        return Workout.objects.none()
    events = (
        Event.objects.filter(workout=OuterRef("pk")).order_by().values("workout").annotate(n=Count("id")).values("n")
    )
    return (
        Workout.objects.filter(person__caregivers__user=user)
        .annotate(
            role=_role_of(user),
            event_count=Coalesce(Subquery(events, output_field=IntegerField()), Value(0)),
        )
        .order_by("-started_at", "-id")
    )


def _role_of(user):
    return Subquery(Caregiver.objects.filter(person=OuterRef("person"), user=user).values("role")[:1])


def caregivers_of(person):
    return Caregiver.objects.filter(person=person).select_related("user").order_by("created_at", "id")


def user_by_username(username):
    return User.objects.filter(username=username, is_active=True).first()


def user_by_username_or_email(value):
    """The active user with this username, else the one active user with this e-mail (any case)."""
    user = user_by_username(value)
    if user is not None or "@" not in value:
        return user
    # E-mails are not unique for accounts made through the API: never guess between two.
    matches = list(User.objects.filter(email__iexact=value, is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


def persons_owned_by(user):
    """The people ``user`` owns (annotated as persons_visible_to)."""
    return persons_visible_to(user).filter(role=vocab.Role.OWNER)


def persons_for_home(user):
    """The user's people, those with the most urgent open alert first, then by name.

    Each has ``role``, ``open_alerts`` and ``top_urgency``: the most urgent tier among
    its open alerts (None when none is open), computed in the same one query.
    """
    from alerts.models import Alert
    from alerts.selectors import urgency_order

    most_urgent = (
        Alert.objects.filter(person=OuterRef("pk"), status=vocab.AlertStatus.OPEN)
        .order_by(urgency_order())
        .values("urgency")[:1]
    )
    return (
        persons_visible_to(user)
        .annotate(top_urgency=Subquery(most_urgent))
        .order_by(urgency_order("top_urgency"), "name", "id")
    )
