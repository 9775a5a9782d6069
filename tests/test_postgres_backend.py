"""tracker/postgres: Django's PostgreSQL backend with a health check that needs no round trip
and times read by psycopg's C loader, each doing exactly what Django's own does."""

import datetime
import time

import psycopg
import pytest
from django.db import connection

from logs.models import Event
from tests.factories import make_event
from tests.services import require_postgresql
from tracker.postgres import base

pytestmark = pytest.mark.services


def test_times_come_back_as_django_reads_them(person):
    require_postgresql()
    at = datetime.datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=datetime.UTC)
    stored = [make_event(person, occurred_at=at + datetime.timedelta(days=day, microseconds=day)) for day in range(3)]

    read = list(Event.objects.filter(person=person).order_by("occurred_at").values_list("occurred_at", flat=True))

    assert read == [event.occurred_at for event in stored]
    assert all(value.tzinfo is datetime.UTC for value in read)
    timestamptz = connection.connection.adapters.types["timestamptz"].oid
    with connection.cursor() as cursor:  # Django's cursors keep the connection's loader
        assert cursor.cursor.adapters.get_loader(timestamptz, base.CTimestamptzLoader.format) is (
            base.UtcTimestamptzLoader
        )
    made = base.UtcTimestamptzLoader(timestamptz, connection.connection)
    assert type(made).__module__ == "psycopg_binary._psycopg"  # psycopg's C loader


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_fails_the_health_check_and_is_made_again(monkeypatch):
    require_postgresql()
    connection.ensure_connection()
    with monkeypatch.context() as patched:
        patched.setattr(connection.connection, "cursor", _no_round_trip)
        patched.setattr(connection.connection, "execute", _no_round_trip)
        assert connection.is_usable()  # live and idle: nothing to read, and nothing asked
    backend = connection.connection.info.backend_pid

    with psycopg.connect(**_admin_params(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [backend]).fetchone() == (True,)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connection.is_usable()

    # What Django does at the start of a request with CONN_HEALTH_CHECKS: close, then connect anew.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend


def _no_round_trip(*args, **kwargs):
    raise AssertionError("the health check asked the server")


def _admin_params():
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres", "dbname": settings["NAME"],
        **({"password": settings["PASSWORD"]} if settings["PASSWORD"] else {}),
    }
