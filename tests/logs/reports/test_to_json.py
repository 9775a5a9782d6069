"""The JSON export of a report: the person, a summary, the range's events, workouts and alerts, as the API writes them."""

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from alerts.api.serializers import AlertSerializer
from logs.api.serializers import EventSerializer, PersonSerializer, WorkoutSerializer
from logs.reports import to_json
from logs.reports.data import report_for
from logs.selectors import person_for
from tests.factories import make_alert, make_event, make_person, make_user, make_workout
from tests.logs.reports.exported import AWKWARD_NOTES, varied_history

PARIS = ZoneInfo("Europe/Paris")


def exported(person, time_zone=UTC, start=date(2026, 6, 1), end=date(2026, 6, 30)):
    report = report_for(person, start=start, end=end, time_zone=time_zone)
    return json.loads("".join(to_json.report_of(report)))


def test_the_document_holds_the_person_the_days_a_summary_and_the_rows_under_the_apis_names(owner, person):
    events = varied_history(person, owner, date(2026, 6, 3))

    document = exported(person_for(owner, person.pk), time_zone=PARIS)

    assert set(document) == {
        "exported_at", "person", "from", "to", "time_zone", "summary", "events", "workouts", "alerts",
    }
    assert (document["from"], document["to"], document["time_zone"]) == ("2026-06-01", "2026-06-30", "Europe/Paris")
    assert set(document["person"]) == set(PersonSerializer().fields)
    assert (document["person"]["id"], document["person"]["role"]) == (person.pk, "owner")
    assert [set(e) for e in document["events"]] == [set(EventSerializer().fields)] * len(events)
    assert [set(w) for w in document["workouts"]] == [set(WorkoutSerializer().fields)]
    assert [set(a) for a in document["alerts"]] == [set(AlertSerializer().fields)]
    assert [e["id"] for e in document["events"]] == [event.pk for event in events]
    assert [e["note"] for e in document["events"][:3]] == list(AWKWARD_NOTES)
    assert document["events"][0]["created_by"] == "olive"
    assert document["workouts"][0]["event_count"] == 1
    assert document["alerts"][0]["evidence"] == [events[0].pk, events[1].pk]


def test_the_summary_counts_the_range_by_site_side_and_sound_in_the_vocabularies_order(owner, person):
    varied_history(person, owner, date(2026, 6, 3))
    make_event(person, occurred_at=datetime(2026, 6, 20, 9, tzinfo=UTC), body_site="hip", side="left", sound="pop")

    summary = exported(person)["summary"]

    assert summary == {
        "event_count": 6,
        "by_site": {"jaw": 1, "lower_back": 1, "hip": 2, "knee": 1, "other": 1},
        "by_side": {"left": 2, "right": 1, "both": 1, "midline": 1, "unknown": 1},
        "by_sound": {"pop": 2, "click": 1, "snap": 1, "grinding": 1, "none": 1},
    }
    assert list(summary["by_site"]) == ["jaw", "lower_back", "hip", "knee", "other"]


def test_only_the_persons_rows_of_the_range_in_the_readers_days_oldest_first(person):
    # 30 June 23:30 in Paris is 21:30 UTC; 1 July 00:30 in Paris is still 30 June in UTC.
    last = make_event(person, occurred_at=datetime(2026, 6, 30, 21, 30, tzinfo=UTC))
    first = make_event(person, occurred_at=datetime(2026, 6, 1, 0, 30, tzinfo=PARIS))
    make_event(person, occurred_at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    make_event(person, occurred_at=datetime(2026, 5, 31, 23, 30, tzinfo=PARIS))
    inside = make_workout(person, started_at=datetime(2026, 6, 10, 9, tzinfo=UTC))
    make_workout(person, started_at=datetime(2026, 7, 10, 9, tzinfo=UTC))
    make_event(make_person(make_user("other")), occurred_at=datetime(2026, 6, 10, 9, tzinfo=UTC))

    document = exported(person, time_zone=PARIS)

    assert [e["id"] for e in document["events"]] == [first.pk, last.pk]
    assert [e["occurred_at"] for e in document["events"]] == ["2026-06-01T00:30:00+02:00", "2026-06-30T23:30:00+02:00"]
    assert [w["id"] for w in document["workouts"]] == [inside.pk]


def test_alerts_are_the_reports_most_urgent_first_with_their_evidence(person):
    inside = make_event(person, occurred_at=datetime(2026, 6, 10, 9, tzinfo=UTC))
    soon = make_alert(person, [inside], rule="persistent_crepitus", urgency="soon")
    urgent = make_alert(person, [inside], rule="joint_locking", urgency="urgent")
    make_alert(person, [make_event(person, occurred_at=datetime(2026, 3, 1, 9, tzinfo=UTC))], status="resolved")

    alerts = exported(person)["alerts"]

    assert [(a["id"], a["evidence"]) for a in alerts] == [(urgent.pk, [inside.pk]), (soon.pk, [inside.pk])]


def test_the_rows_cost_one_query_each_whatever_their_number(person, owner, django_assert_num_queries):
    for hour in range(1, 24):
        make_event(person, occurred_at=datetime(2026, 6, 3, hour, tzinfo=UTC), created_by=owner)
        make_workout(person, started_at=datetime(2026, 6, 4, hour, tzinfo=UTC), created_by=owner)
    report = report_for(person, start=date(2026, 6, 1), end=date(2026, 6, 30), time_zone=UTC)

    with django_assert_num_queries(2):  # the events (with their authors), the workouts (with theirs and counts)
        document = json.loads("".join(to_json.report_of(report)))

    assert (len(document["events"]), len(document["workouts"])) == (23, 23)
