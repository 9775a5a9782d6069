"""Fixtures of the API tests: the caregivers of one person, and checks that a request wrote nothing."""

from contextlib import contextmanager

import pytest

from logs import vocab
from logs.models import Caregiver, Event, Person, User, Workout
from tests.factories import client_for, make_event, make_user, make_workout, share

ROLES = ("owner", "editor", "viewer", "stranger", "anonymous")


@pytest.fixture
def editor(person):
    user = make_user("edith")
    share(person, user, vocab.Role.EDITOR)
    return user


@pytest.fixture
def viewer(person):
    user = make_user("victor")
    share(person, user, vocab.Role.VIEWER)
    return user


@pytest.fixture
def stranger(db):
    return make_user("stan")


@pytest.fixture
def clients(owner, editor, viewer, stranger):
    """An API client per role on ``person`` ("anonymous" sends no credentials)."""
    users = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}
    return {role: client_for(user) for role, user in users.items()}


@pytest.fixture
def event(person):
    return make_event(person, note="as logged")


@pytest.fixture
def workout(person):
    return make_workout(person, note="as logged")


def database_state():
    """Every row of the log's tables, so a test can tell that nothing at all changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (User, Person, Caregiver, Workout, Event)
    }


@pytest.fixture
def writes_nothing(db):
    """``with writes_nothing(): ...`` fails unless every row is as it was before the block."""

    @contextmanager
    def unchanged():
        before = database_state()
        yield
        assert database_state() == before

    return unchanged


@pytest.fixture
def scans(monkeypatch):
    """The person ids whose scan was enqueued (logs.services imports request_scan lazily)."""
    requested = []
    monkeypatch.setattr("alerts.tasks.request_scan", requested.append)
    return requested
