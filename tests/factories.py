"""Small builders for users, people, events and workouts, shared by the tests."""

import itertools
from datetime import timedelta

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from logs import services, vocab
from logs.models import Caregiver, Event, User, Workout

_numbers = itertools.count(1)


def make_user(username=None, **fields):
    username = username or f"user{next(_numbers)}"
    fields.setdefault("email", f"{username}@example.org")
    return User.objects.create_user(username=username, password="long enough password 1", **fields)


def client_for(user):
    """An API client authenticated with the user's token (None: anonymous)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def make_person(owner, **fields):
    fields.setdefault("name", "Sam")
    fields.setdefault("life_stage", vocab.LifeStage.ADULT)
    return services.create_person(owner=owner, **fields)


def share(person, user, role):
    return Caregiver.objects.create(person=person, user=user, role=role)


def make_event(person, **fields):
    """An event stored directly (no scan, no immediate alerts): for arranging a test."""
    fields.setdefault("occurred_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("body_site", vocab.BodySite.KNEE)
    fields.setdefault("sound", vocab.Sound.POP)
    return Event.objects.create(person=person, **fields)


def make_workout(person, **fields):
    fields.setdefault("started_at", timezone.now() - timedelta(hours=2))
    fields.setdefault("exercise", vocab.Exercise.STRAIGHT_LEG_RAISE)
    return Workout.objects.create(person=person, **fields)


def event_body(person, **fields):
    """A valid POST body for /api/v1/events/."""
    body = {
        "person": person.pk,
        "occurred_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "body_site": "knee",
        "side": "left",
        "sound": "pop",
    }
    body.update(fields)
    return body


def make_alert(person, events=None, *, rule="persistent_crepitus", urgency="soon", **fields):
    """An alert stored directly (no engine) with ``events`` as its evidence (default: one new event)."""
    from alerts.models import Alert, AlertEvidence

    events = events if events is not None else [make_event(person, side="left")]
    fields = {
        "body_site": vocab.BodySite.KNEE, "side": vocab.Side.LEFT, "title": "Grinding at the left knee",
        "message": "Grinding at the left knee on 3 days.", "advice": "Book a check.", "source": "seed 000",
        "first_seen_at": min(e.occurred_at for e in events), "last_evidence_at": max(e.occurred_at for e in events),
        **fields,
    }
    alert = Alert.objects.create(person=person, rule=rule, urgency=urgency, **fields)
    AlertEvidence.objects.bulk_create(AlertEvidence(alert=alert, event=event) for event in events)
    return alert
