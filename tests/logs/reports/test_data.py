"""report_for: the one read behind the charts, aggregated in the database in the reader's days."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from logs import vocab
from logs.reports.data import days_to_report, last_weeks, report_for
from tests.factories import make_alert, make_event, make_person, make_user, make_workout

NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
# Sunday 14 June 2026 and the Monday after: a week boundary.
SUNDAY, MONDAY = date(2026, 6, 14), date(2026, 6, 15)


def at(day, hour, minute=0, zone=UTC):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def report(person, start=date(2026, 6, 1), end=date(2026, 6, 28), time_zone=UTC):
    return report_for(person, start=start, end=end, time_zone=time_zone)


def counts(breakdown):
    return {series.key: series.values for series in breakdown.series}


def test_weeks_are_mondays_of_the_range_and_counts_go_by_site_and_by_sound(person):
    make_event(person, occurred_at=at(date(2026, 6, 2), 9), body_site="knee", sound="pop")
    make_event(person, occurred_at=at(date(2026, 6, 3), 9), body_site="knee", sound="grinding")
    make_event(person, occurred_at=at(date(2026, 6, 20), 9), body_site="hip", sound="pop")

    result = report(person)

    weeks = (date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22))
    assert result.weekly_by_site.periods == weeks
    # The vocabulary's order (hip is listed before knee), only values that occur.
    assert list(counts(result.weekly_by_site)) == ["hip", "knee"]
    assert counts(result.weekly_by_site) == {"hip": (0, 0, 1, 0), "knee": (2, 0, 0, 0)}
    assert counts(result.weekly_by_sound) == {"pop": (1, 0, 1, 0), "grinding": (1, 0, 0, 0)}
    assert [series.label for series in result.weekly_by_site.series] == ["Hip", "Knee"]
    assert result.event_count == 3


def test_a_range_starting_mid_week_counts_only_its_own_days_in_that_week(person):
    make_event(person, occurred_at=at(date(2026, 6, 8), 9))  # Monday, before the range
    make_event(person, occurred_at=at(date(2026, 6, 10), 9))  # Wednesday, the first day

    result = report(person, start=date(2026, 6, 10), end=date(2026, 6, 16))

    assert result.weekly_by_site.periods == (date(2026, 6, 8), date(2026, 6, 15))
    assert counts(result.weekly_by_site) == {"knee": (1, 0)}


@pytest.mark.parametrize(
    ("time_zone", "occurred_at", "week"),
    [
        # 03:30 UTC on Monday is still Sunday 23:30 in New York: the week before.
        (NEW_YORK, at(MONDAY, 3, 30), SUNDAY - timedelta(days=6)),
        (UTC, at(MONDAY, 3, 30), MONDAY),
        # 20:00 UTC on Sunday is already Monday 05:00 in Tokyo: the new week.
        (TOKYO, at(SUNDAY, 20), MONDAY),
        (UTC, at(SUNDAY, 20), SUNDAY - timedelta(days=6)),
    ],
)
def test_weeks_are_counted_in_the_readers_time_zone(person, time_zone, occurred_at, week):
    make_event(person, occurred_at=occurred_at)

    result = report(person, start=date(2026, 6, 1), end=date(2026, 6, 28), time_zone=time_zone)

    (knee,) = result.weekly_by_site.series
    assert knee.values[result.weekly_by_site.periods.index(week)] == 1
    assert sum(knee.values) == 1


def test_the_range_is_whole_days_in_the_readers_time_zone(person):
    # 1 June 00:30 in New York is 04:30 UTC; 30 June 23:30 there is 1 July 03:30 UTC.
    first = make_event(person, occurred_at=at(date(2026, 6, 1), 0, 30, NEW_YORK))
    last = make_event(person, occurred_at=at(date(2026, 6, 30), 23, 30, NEW_YORK))
    make_event(person, occurred_at=at(date(2026, 5, 31), 23, 30, NEW_YORK))
    make_event(person, occurred_at=at(date(2026, 7, 1), 0, 30, NEW_YORK))

    result = report(person, start=date(2026, 6, 1), end=date(2026, 6, 30), time_zone="America/New_York")

    assert result.event_count == 2
    assert [event.pk for event in result.events] == [first.pk, last.pk]


def test_pain_is_the_daily_mean_by_site_of_scored_events_in_the_readers_days(person):
    # 02:00 UTC on 3 June is the evening of 2 June in New York.
    make_event(person, occurred_at=at(date(2026, 6, 3), 2), body_site="knee", pain=2)
    make_event(person, occurred_at=at(date(2026, 6, 2), 15), body_site="knee", pain=5)
    make_event(person, occurred_at=at(date(2026, 6, 2), 16), body_site="knee")  # no score: not a zero
    make_event(person, occurred_at=at(date(2026, 6, 4), 15), body_site="lower_back", pain=0)
    make_event(person, occurred_at=at(date(2026, 6, 5), 15), body_site="hip")

    result = report(person, start=date(2026, 6, 1), end=date(2026, 6, 7), time_zone=NEW_YORK)

    pain = result.daily_pain_by_site
    assert pain.periods == tuple(date(2026, 6, day) for day in range(1, 8))
    assert counts(pain) == {
        "lower_back": (None, None, None, 0, None, None, None),
        "knee": (None, 3.5, None, None, None, None, None),
    }


def test_alerts_are_the_active_ones_and_the_closed_ones_of_the_range_most_urgent_first(person):
    inside = make_event(person, occurred_at=at(date(2026, 6, 10), 9))
    before = make_event(person, occurred_at=at(date(2026, 3, 1), 9))
    soon = make_alert(person, [inside], rule="persistent_crepitus", urgency="soon")
    urgent_long_ago = make_alert(person, [before], rule="joint_locking", urgency="urgent")
    closed_inside = make_alert(person, [inside], rule="painful_pop", urgency="tip", status="dismissed")
    make_alert(person, [before], rule="rising_pain", status="resolved")
    make_alert(make_person(make_user("other")), rule="persistent_crepitus")

    result = report(person)

    assert [alert.pk for alert in result.alerts] == [urgent_long_ago.pk, soon.pk, closed_inside.pk]
    assert [alert.pk for alert in result.active_alerts] == [urgent_long_ago.pk, soon.pk]
    assert [event.pk for event in result.alerts[1].evidence_events] == [inside.pk]


def test_a_report_costs_four_queries_and_fetches_no_event_until_walked(person, django_assert_num_queries):
    for day in range(1, 29):
        make_event(person, occurred_at=at(date(2026, 6, day), 9), pain=day % 11)
    make_alert(person, [make_event(person, occurred_at=at(date(2026, 6, 2), 9))])

    # The alerts, their evidence, the weekly counts, the daily pain.
    with django_assert_num_queries(4):
        result = report(person)

    with django_assert_num_queries(1):
        assert len(list(result.events)) == 29


def test_events_and_workouts_are_walked_oldest_first_and_again_on_each_walk(person):
    later = make_event(person, occurred_at=at(date(2026, 6, 9), 9))
    earlier = make_event(person, occurred_at=at(date(2026, 6, 2), 9))
    make_event(person, occurred_at=at(date(2026, 7, 2), 9))
    workout = make_workout(person, started_at=at(date(2026, 6, 5), 9))
    make_workout(person, started_at=at(date(2026, 5, 5), 9))

    result = report(person)

    assert [event.pk for event in result.events] == [earlier.pk, later.pk]
    assert [event.pk for event in result.events] == [earlier.pk, later.pk]
    assert [w.pk for w in result.workouts] == [workout.pk]


def test_an_empty_log_gives_empty_breakdowns(person):
    result = report(person)

    assert result.weekly_by_site.series == result.weekly_by_sound.series == result.daily_pain_by_site.series == ()
    assert result.event_count == 0
    assert result.alerts == ()


def test_last_weeks_ends_today_and_starts_on_a_monday():
    assert last_weeks(date(2026, 6, 17), 12) == (date(2026, 3, 30), date(2026, 6, 17))
    assert last_weeks(date(2026, 6, 15), 1) == (date(2026, 6, 15), date(2026, 6, 15))


def test_a_range_that_ends_before_it_starts_is_refused(person):
    with pytest.raises(ValueError):
        report(person, start=date(2026, 6, 2), end=date(2026, 6, 1))


def test_the_sound_labels_are_the_vocabularys(person):
    make_event(person, occurred_at=at(date(2026, 6, 2), 9), sound=vocab.Sound.NONE, pain=3)

    (series,) = report(person).weekly_by_sound.series

    assert (series.key, series.label) == ("none", vocab.Sound.NONE.label)


def test_the_summary_counts_the_whole_range_by_site_side_and_sound_in_the_vocabularies_order(person):
    make_event(person, occurred_at=at(date(2026, 6, 2), 9), body_site="knee", side="left", sound="pop")
    make_event(person, occurred_at=at(date(2026, 6, 20), 9), body_site="knee", side="right", sound="click")
    make_event(person, occurred_at=at(date(2026, 6, 21), 9), body_site="hip", side="left", sound="pop")
    make_event(person, occurred_at=at(date(2026, 7, 2), 9), body_site="jaw")  # after the range

    summary = report(person).summary

    def tallies(values):
        return [(tally.key, tally.label, tally.count) for tally in values]

    assert tallies(summary.by_site) == [("hip", "Hip", 1), ("knee", "Knee", 2)]
    assert tallies(summary.by_side) == [("left", "Left", 2), ("right", "Right", 1)]
    assert tallies(summary.by_sound) == [("pop", "Pop", 2), ("click", "Click", 1)]


def test_a_report_covers_the_moments_of_its_days_in_its_time_zone(person):
    result = report(person, start=date(2026, 6, 1), end=date(2026, 6, 30), time_zone=NEW_YORK)

    assert result.covers(datetime(2026, 6, 1, 0, 0, tzinfo=NEW_YORK))
    assert result.covers(datetime(2026, 6, 30, 23, 59, tzinfo=NEW_YORK))
    assert not result.covers(datetime(2026, 6, 1, 3, 59, tzinfo=UTC))  # 31 May, 23:59 in New York
    assert not result.covers(datetime(2026, 7, 1, 0, 0, tzinfo=NEW_YORK))


def test_the_days_to_report_default_to_the_first_logged_day_and_today_in_the_readers_time_zone(person):
    # 03:00 UTC on 2 March is still 1 March in New York.
    make_event(person, occurred_at=at(date(2026, 3, 2), 3))
    make_event(person, occurred_at=at(date(2026, 5, 2), 3))

    with time_machine.travel(at(date(2026, 6, 15), 2), tick=False):  # 14 June, 22:00 in New York
        assert days_to_report(person, time_zone=NEW_YORK) == (date(2026, 3, 1), date(2026, 6, 14))
        assert days_to_report(person, time_zone=UTC) == (date(2026, 3, 2), date(2026, 6, 15))
        assert days_to_report(person, time_zone=UTC, end=date(2026, 1, 31)) == (date(2026, 1, 31), date(2026, 1, 31))
        assert days_to_report(person, time_zone=UTC, start=date(2026, 4, 1), end=date(2026, 4, 30)) == (
            date(2026, 4, 1), date(2026, 4, 30),
        )
        assert days_to_report(make_person(person.caregivers.get().user, name="New"), time_zone=UTC) == (
            date(2026, 6, 15), date(2026, 6, 15),
        )
