"""The CSV export: one row per event with every field, safe in a spreadsheet, streamed in pieces."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from logs.api.serializers import EventSerializer
from logs.reports import to_csv
from logs.reports.data import report_for
from tests.factories import make_event, make_person, make_user
from tests.logs.reports.exported import AWKWARD_NOTES, csv_rows, varied_history

DAY = date(2026, 6, 3)


def exported(person, time_zone=UTC, start=date(2026, 6, 1), end=date(2026, 6, 30)):
    report = report_for(person, start=start, end=end, time_zone=time_zone)
    return "".join(to_csv.rows_of(report)).encode()


def test_the_columns_are_the_apis_event_fields_in_its_order(person):
    assert to_csv.COLUMNS == tuple(EventSerializer.Meta.fields)
    assert list(csv_rows(exported(person))) == []
    assert exported(person).decode("utf-8-sig").splitlines()[0] == ",".join(EventSerializer.Meta.fields)


def test_one_row_per_event_oldest_first_with_every_field(owner, person):
    events = varied_history(person, owner, DAY)
    make_event(person, occurred_at=datetime(2026, 7, 1, 9, tzinfo=UTC))  # after the range
    make_event(make_person(make_user("other")), occurred_at=datetime(2026, 6, 3, 9, tzinfo=UTC))

    rows = csv_rows(exported(person, time_zone=ZoneInfo("Europe/Paris")))

    assert [int(row["id"]) for row in rows] == [event.pk for event in events]
    hip, knee, back, jaw, other = rows
    assert hip == {
        "id": str(events[0].pk), "person": str(person.pk), "occurred_at": "2026-06-03T10:00:00+02:00",
        "client_id": "", "body_site": "hip", "side": "left", "sound": "click", "activity": "diaper_change",
        "pain": "", "pain_quality": "", "radiates": "none", "signs": "cried;swelling", "temperature_c": "",
        "workout": "", "note": AWKWARD_NOTES[0],
        "created_at": events[0].created_at.astimezone(ZoneInfo("Europe/Paris")).isoformat(),
        "updated_at": events[0].updated_at.astimezone(ZoneInfo("Europe/Paris")).isoformat(),
        "created_by": "olive",
    }
    assert (knee["pain"], knee["workout"], knee["note"]) == ("0", str(events[1].workout_id), AWKWARD_NOTES[1])
    assert (back["pain"], back["pain_quality"], back["radiates"], back["temperature_c"], back["signs"]) == (
        "6", "shooting", "one_leg", "38.4", "numbness",
    )
    assert (jaw["side"], jaw["sound"], other["body_site"], other["created_by"]) == ("both", "grinding", "other", "")


def test_the_file_opens_as_utf8_in_a_spreadsheet_and_non_ascii_notes_survive_a_round_trip(person):
    for note in AWKWARD_NOTES[:2]:
        make_event(person, occurred_at=datetime(2026, 6, 3, 9, tzinfo=UTC), note=note)

    data = exported(person)

    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
    assert [row["note"] for row in csv_rows(data)] == list(AWKWARD_NOTES[:2])


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_note_a_spreadsheet_would_run_as_a_formula_is_neutralised(person, start):
    make_event(person, occurred_at=datetime(2026, 6, 3, 9, tzinfo=UTC), note=f"{start}1+1")

    [row] = csv_rows(exported(person))

    assert row["note"] == f"'{start}1+1"


def test_a_formula_in_a_username_is_neutralised_too_and_ordinary_text_is_left_alone(person):
    make_event(person, occurred_at=datetime(2026, 6, 3, 9, tzinfo=UTC), created_by=make_user("+cmd"), note="a=b")

    [row] = csv_rows(exported(person))

    assert (row["created_by"], row["note"]) == ("'+cmd", "a=b")


def test_times_carry_the_offset_of_the_readers_time_zone_on_each_side_of_a_clock_change(person):
    # Europe/London leaves summer time on Sunday 25 October 2026.
    make_event(person, occurred_at=datetime(2026, 10, 24, 12, tzinfo=UTC))
    make_event(person, occurred_at=datetime(2026, 10, 26, 12, tzinfo=UTC))

    rows = csv_rows(exported(person, ZoneInfo("Europe/London"), date(2026, 10, 24), date(2026, 10, 26)))

    assert [row["occurred_at"] for row in rows] == ["2026-10-24T13:00:00+01:00", "2026-10-26T12:00:00+00:00"]


def test_rows_are_written_in_pieces_of_about_the_chunk_size_as_the_events_are_read(person, monkeypatch):
    monkeypatch.setattr(to_csv, "CHUNK_CHARACTERS", 1000)
    for minute in range(60):
        make_event(person, occurred_at=datetime(2026, 6, 3, 9, minute, tzinfo=UTC), note="x" * 50)
    report = report_for(person, start=date(2026, 6, 1), end=date(2026, 6, 30), time_zone=UTC)

    chunks = list(to_csv.rows_of(report))

    longest_row = max(len(line) for line in "".join(chunks).splitlines()) + 2
    assert len(chunks) > 5
    assert all(len(chunk) < 1000 + longest_row for chunk in chunks)
    assert len(csv_rows("".join(chunks).encode())) == 60
