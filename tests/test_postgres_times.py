"""tracker/postgres.py: PostgreSQL's times are read by psycopg's C loader, and read exactly as
Django's own loader reads them (aware, in datetime.UTC, to the microsecond)."""

import datetime

import pytest
from django.db import connection

from logs.models import Event
from tests.factories import make_event
from tests.services import require_postgresql
from tracker import postgres

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
        assert cursor.cursor.adapters.get_loader(timestamptz, postgres.CTimestamptzLoader.format) is (
            postgres.UtcTimestamptzLoader
        )
    made = postgres.UtcTimestamptzLoader(timestamptz, connection.connection)
    assert type(made).__module__ == "psycopg_binary._psycopg"  # psycopg's C loader
