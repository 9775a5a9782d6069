"""A report's events as CSV: one row per event, every field, under the API's field names.

Rows are written as the report's events are walked (a chunked query), gathered into
pieces of about CHUNK_CHARACTERS for a StreamingHttpResponse: a long log never sits in
memory. The text opens as UTF-8 in a spreadsheet (it starts with a byte order mark),
times are ISO 8601 with the offset of the report's time zone, and the signs share one
column, separated by SIGN_SEPARATOR.
"""

import csv
import io

CHUNK_CHARACTERS = 64 * 1024
BYTE_ORDER_MARK = "\ufeff"  # how Excel and LibreOffice tell UTF-8 from the locale's code page
SIGN_SEPARATOR = ";"
# A cell starting with one of these is read as a formula by spreadsheets; prefixed with a
# quote it is read as text (OWASP, "CSV Injection": owasp.org/www-community/attacks/CSV_Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "id", "person", "occurred_at", "client_id", "body_site", "side", "sound", "activity",
    "pain", "pain_quality", "radiates", "signs", "temperature_c", "workout", "note",
    "created_at", "updated_at", "created_by",
)


def rows_of(report):
    """Chunks of CSV text: the header, then one row per event of ``report``, oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(COLUMNS)
    for event in report.events:
        writer.writerow(_cells(event, report.time_zone))
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cells(event, time_zone):
    return (
        event.pk,
        event.person_id,
        _time(event.occurred_at, time_zone),
        event.client_id or "",
        event.body_site,
        event.side,
        event.sound,
        event.activity,
        _blank_if_none(event.pain),
        event.pain_quality or "",
        event.radiates,
        SIGN_SEPARATOR.join(event.signs),
        _blank_if_none(event.temperature_c),
        _blank_if_none(event.workout_id),
        as_text(event.note),
        _time(event.created_at, time_zone),
        _time(event.updated_at, time_zone),
        as_text(event.created_by.username) if event.created_by else "",
    )


def as_text(value):
    """Free text a person typed, kept from being read as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _time(moment, time_zone):
    return moment.astimezone(time_zone).isoformat()


def _blank_if_none(value):
    return "" if value is None else value
