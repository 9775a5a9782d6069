"""Logs as JSON, with the API's field names: its serializers write every row.

Output is a stream of text chunks for a StreamingHttpResponse: rows are read with
``QuerySet.iterator`` and written one by one, so a long log never sits in memory,
and the database cost is a few queries per person whatever the log's length.
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
        yield from _joined(_chunks(document))


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
    serializer = serializer_class()
    return (serializer.to_representation(row) for row in queryset.iterator(chunk_size=ROWS_PER_QUERY))


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
