"""The database itself holds the log's invariants, whatever code writes to it (no API, no services)."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from logs import vocab
from logs.models import Caregiver, Event, Person, Workout
from tests.factories import make_event, make_person, make_user, make_workout, share

CLIENT_ID = uuid4()


@pytest.fixture
def world(owner, person):
    return SimpleNamespace(
        owner=owner, person=person, other=make_person(owner, name="Kim"), now=timezone.now(), user=make_user("nadia"),
    )


def other_persons_workout(w):
    return make_workout(w.other)


VIOLATIONS = {
    "pain above 10": lambda w: make_event(w.person, pain=11),
    "pain below 0": lambda w: make_event(w.person, pain=-1),
    "temperature above 45": lambda w: make_event(w.person, temperature_c=Decimal("50.0")),
    "temperature below 30": lambda w: make_event(w.person, temperature_c=Decimal("29.9")),
    "unknown body site": lambda w: make_event(w.person, body_site="elbowz"),
    "unknown side": lambda w: make_event(w.person, side="up"),
    "unknown sound": lambda w: make_event(w.person, sound="bang"),
    "unknown activity": lambda w: make_event(w.person, activity="dancing"),
    "unknown radiation": lambda w: make_event(w.person, radiates="everywhere"),
    "unknown pain quality": lambda w: make_event(w.person, pain_quality="dull"),
    "duplicate client_id for a person": lambda w: [make_event(w.person, client_id=CLIENT_ID) for _ in range(2)],
    "workout of another person": lambda w: make_event(w.person, workout=other_persons_workout(w)),
    "moved to another person's workout": lambda w: Event.objects.filter(pk=make_event(w.person).pk).update(
        workout=other_persons_workout(w)
    ),
    "moved away from its workout's person": lambda w: Event.objects.filter(
        pk=make_event(w.person, workout=make_workout(w.person)).pk
    ).update(person=w.other),
    "workout moved to another person under its events": lambda w: Workout.objects.filter(
        pk=make_event(w.person, workout=make_workout(w.person)).workout_id
    ).update(person=w.other),
    "pain raised past 10 in bulk": lambda w: Event.objects.filter(pk=make_event(w.person).pk).update(pain=11),
    "unknown life stage": lambda w: make_person(w.owner, life_stage="elder"),
    "unknown sex": lambda w: make_person(w.owner, sex="other"),
    "empty name": lambda w: Person.objects.create(name="", life_stage="adult"),
    "second owner": lambda w: share(w.person, w.user, vocab.Role.OWNER),
    "caregiver twice": lambda w: [share(w.person, w.user, role) for role in (vocab.Role.VIEWER, vocab.Role.EDITOR)],
    "unknown role": lambda w: share(w.person, w.user, "admin"),
    "workout ends before it starts": lambda w: make_workout(
        w.person, started_at=w.now, ended_at=w.now - timedelta(minutes=1)
    ),
    "workout ends as it starts": lambda w: make_workout(w.person, started_at=w.now, ended_at=w.now),
    "sets above 100": lambda w: make_workout(w.person, sets=101),
    "reps above 1000": lambda w: make_workout(w.person, reps=1001),
    "unknown exercise": lambda w: make_workout(w.person, exercise="yoga"),
    "unknown range of motion": lambda w: make_workout(w.person, range_of_motion="huge"),
}


# Known gap: migration 0002's SQLite triggers guard logs_event only, not an update of logs_workout.person_id.


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_the_database_refuses(world, violation):
    before = (Event.objects.count(), Workout.objects.count(), Person.objects.count(), Caregiver.objects.count())

    with pytest.raises(IntegrityError), transaction.atomic():
        VIOLATIONS[violation](world)
        # Deferred constraints (the event-workout foreign key on PostgreSQL) are checked at commit.
        connection.check_constraints()

    assert (Event.objects.count(), Workout.objects.count(), Person.objects.count(), Caregiver.objects.count()) == before


ALLOWED = {
    "pain 0 and 10, or unknown": lambda w: [make_event(w.person, pain=p) for p in (0, 10, None)],
    "temperature 30.0 and 45.0": lambda w: [make_event(w.person, temperature_c=Decimal(t)) for t in ("30.0", "45.0")],
    "a client_id once per person": lambda w: [make_event(p, client_id=CLIENT_ID) for p in (w.person, w.other)],
    "many events without client_id": lambda w: [make_event(w.person) for _ in range(2)],
    "its own person's workout": lambda w: make_event(w.person, workout=make_workout(w.person)),
    "an owner per person": lambda w: make_person(w.user),
    "workout ending after its start": lambda w: make_workout(
        w.person, started_at=w.now, ended_at=w.now + timedelta(seconds=1), sets=100, reps=1000
    ),
}


@pytest.mark.parametrize("case", ALLOWED)
def test_the_database_accepts_the_boundaries(world, case):
    with transaction.atomic():
        ALLOWED[case](world)
        connection.check_constraints()


@pytest.mark.django_db(transaction=True)
def test_an_event_pointing_at_another_persons_workout_never_commits():
    owner = make_user("olive")
    person, other = make_person(owner), make_person(owner, name="Kim")
    workout = make_workout(other)

    # PostgreSQL: the composite foreign key is DEFERRABLE INITIALLY DEFERRED, so
    # the error comes at COMMIT; SQLite: a trigger aborts the INSERT itself.
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(person, workout=workout)

    assert not Event.objects.exists()
