"""Logs as JSON, with the API's field names: its serializers write every row.

Two documents: everything a user owns (``everything_of``), and one person's report over
a range of days (``report_of``). Output is a stream of text chunks for a
StreamingHttpResponse: rows are read with ``QuerySet.iterator`` and written one by one,
so a long log never sits in memory, and the database cost is a few queries per person
whatever the log's length.
"""

import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from alerts.api.serializers import AlertSerializer
from alerts.selectors import alerts_visible_to
from logs import selectors
from logs.api.serializers import EventSerializer, MeSerializer, PersonSerializer, WorkoutSerializer

ROWS_PER_QUERY = 500
CHUNK_CHARACTERS = 64 * 1024


def everything_of(user):
    """Chunks of ``{"exported_at", "account", "persons": [...]}``: the account and every person it owns.

    Each person carries its ``events``, ``workouts`` and ``alerts``; people shared
    with the user by someone else are theirs, so they are not in it. Times are in
    the user's time zone, as the API shows them.
    """
    with timezone.override(ZoneInfo(user.timezone)):
        document = {
            "exported_at": timezone.localtime().isoformat(),
            "account": MeSerializer(user).data,
            "persons": (_person(user, person) for person in selectors.persons_owned_by(user)),
        }
        yield from streamed(document)


def report_of(report):
    """Chunks of one person's report: ``{"exported_at", "person", "from", "to", "time_zone", "summary",
    "events", "workouts", "alerts"}``, the rows oldest first (alerts most urgent first), times in the
    report's time zone."""
    with timezone.override(report.time_zone):
        document = {
            "exported_at": timezone.localtime().isoformat(),
            "person": PersonSerializer(report.person).data,
            "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "time_zone": str(report.time_zone),
            "summary": _summary(report),
            "events": _serialized(EventSerializer, report.events),
            "workouts": _serialized(WorkoutSerializer, report.workouts),
            "alerts": _serialized(AlertSerializer, report.alerts),
        }
        yield from streamed(document)


def streamed(document):
    """``document`` as JSON text in chunks; its iterators are written as arrays, item by item, as they are read."""
    return _joined(_chunks(document))


def _summary(report):
    return {
        "event_count": report.event_count,
        "by_site": _counts(report.summary.by_site),
        "by_side": _counts(report.summary.by_side),
        "by_sound": _counts(report.summary.by_sound),
    }


def _counts(tallies):
    return {tally.key: tally.count for tally in tallies}


def _person(user, person):
    events = selectors.events_visible_to(user).filter(person=person).select_related("created_by")
    workouts = selectors.workouts_visible_to(user).filter(person=person).select_related("created_by")
    return {
        **PersonSerializer(person).data,
        "events": _rows(EventSerializer, events),
        "workouts": _rows(WorkoutSerializer, workouts),
        "alerts": _rows(AlertSerializer, alerts_visible_to(user).filter(person=person)),
    }


def _rows(serializer_class, queryset):
    """Each row as the API writes it, read a batch of rows per query (prefetches included)."""
    return _serialized(serializer_class, queryset.iterator(chunk_size=ROWS_PER_QUERY))


def _serialized(serializer_class, rows):
    serializer = serializer_class()
    return (serializer.to_representation(row) for row in rows)


def _chunks(value):
    """JSON text of ``value``; an iterator is written as an array, item by item, as it is read."""
    if isinstance(value, dict) and any(isinstance(item, Iterator) for item in value.values()):
        yield "{"
        for position, (key, item) in enumerate(value.items()):
            yield f"{',' if position else ''}{_dumps(key)}:"
            yield from _chunks(item)
        yield "}"
    elif isinstance(value, Iterator):
        yield "["
        for position, item in enumerate(value):
            if position:
                yield ","
            yield from _chunks(item)
        yield "]"
    else:
        yield _dumps(value)


def _dumps(value):
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)


def _joined(chunks):
    """Small chunks gathered into pieces of about CHUNK_CHARACTERS, so the server writes few, large ones."""
    chunks = iter(chunks)
    while piece := "".join(_up_to(chunks, CHUNK_CHARACTERS)):
        yield piece


def _up_to(chunks, size):
    taken = 0
    for chunk in chunks:
        yield chunk
        taken += len(chunk)
        if taken >= size:
            return
