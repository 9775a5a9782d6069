"""All formats agree on one history: the same events, in the same order, with the same values, over the same days.

Each format is exported end to end through the API and read back into the values every format
carries (``exported.as_logged``); the PDF, written for reading, is read back from its timeline
appendix as printed (``exported.as_printed``: local times and words). A new format joins by adding
its reader to EVENTS_IN; until it has one, ``test_every_export_format_is_read_back_here`` fails.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from logs.reports import exports
from tests.factories import client_for, make_event
from tests.logs.reports.exported import (
    as_printed, body_of, events_in_csv, events_in_database, events_in_fhir, events_in_json, events_in_pdf,
    varied_history,
)

EVENTS_IN = {"csv": events_in_csv, "json": events_in_json, "fhir": events_in_fhir, "pdf": events_in_pdf}
LONDON = ZoneInfo("Europe/London")


def expected(fmt, events):
    return as_printed(events, LONDON) if fmt == "pdf" else events_in_database(events, LONDON)


def exported_events(user, person, fmt, start, end):
    answer = client_for(user).get(
        f"/api/v1/persons/{person.pk}/export/", {"format": fmt, "from": start.isoformat(), "to": end.isoformat()}
    )
    assert answer.status_code == 200, answer.content
    return EVENTS_IN[fmt](body_of(answer))


@pytest.fixture
def in_london(owner):
    owner.timezone = "Europe/London"
    owner.save()
    return owner


def test_every_export_format_is_read_back_here():
    assert set(exports.FORMATS) - set(EVENTS_IN) == set(), "add a reader of each such format to EVENTS_IN"


@pytest.mark.parametrize("fmt", sorted(EVENTS_IN))
def test_every_format_holds_the_same_events_in_the_same_order_with_the_same_values(in_london, person, fmt):
    events = varied_history(person, in_london, date(2026, 6, 3))
    events.append(make_event(person, occurred_at=datetime(2026, 6, 2, 23, 30, tzinfo=UTC), body_site="neck",
                             pain=3, signs=["tingling", "weakness", "night_pain"]))
    events.sort(key=lambda event: event.occurred_at)

    assert exported_events(in_london, person, fmt, date(2026, 6, 1), date(2026, 6, 30)) == expected(fmt, events)


@pytest.mark.parametrize("fmt", sorted(EVENTS_IN))
def test_the_days_are_whole_days_of_the_users_time_zone_across_a_clock_change(in_london, person, fmt):
    # London leaves summer time (+01:00) for winter time (+00:00) at 02:00 on Sunday 25 October 2026.
    make_event(person, occurred_at=datetime(2026, 10, 23, 23, 59, tzinfo=LONDON))  # the day before
    inside = [
        make_event(person, occurred_at=datetime(2026, 10, 24, 0, 0, tzinfo=LONDON)),  # 23:00 UTC on the 23rd
        make_event(person, occurred_at=datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)),  # the hour lived twice
        make_event(person, occurred_at=datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)),
        make_event(person, occurred_at=datetime(2026, 10, 26, 23, 59, tzinfo=LONDON)),
    ]
    make_event(person, occurred_at=datetime(2026, 10, 27, 0, 0, tzinfo=LONDON))  # the day after

    events = exported_events(in_london, person, fmt, date(2026, 10, 24), date(2026, 10, 26))

    assert events == expected(fmt, inside)
    if fmt != "pdf":  # the PDF prints local times, without offsets
        assert [str(event[1]) for event in events] == ["1:00:00", "1:00:00", "0:00:00", "0:00:00"]
