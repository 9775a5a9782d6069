"""What a person's log says over a range of days: the one read behind the dashboard's
charts, the share page and every export (style.md "Charts and exports share one read").

A report is plain data. Its counts and pain series are aggregated in the database, in
days and weeks of the reader's time zone, so a report costs the same few queries
whatever the history length. Its events and workouts are fetched only by whoever walks
them (the timeline, the CSV, the appendix); the dashboard never does.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DateField, Q
from django.db.models.functions import TruncDate, TruncWeek

from alerts.models import ACTIVE_STATUSES
from alerts.selectors import alerts_of
from logs import vocab
from logs.models import Event, Person, Workout

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Series:
    """One value of a vocabulary (a body site, a sound) and its number in each period."""

    key: str  # the API's value, e.g. "knee"
    label: str  # its words, e.g. "Knee"
    values: tuple  # one per period: a count, or a mean pain (None: no score that period)


@dataclass(frozen=True)
class Breakdown:
    """Numbers per period, one series per value that occurs: what one chart draws."""

    periods: tuple[date, ...]  # every period of the range, oldest first: days, or weeks by their Monday
    series: tuple[Series, ...]  # in the vocabulary's order


class Rows:
    """The rows of one query, fetched in chunks only when walked (and again on each walk)."""

    def __init__(self, queryset):
        self._queryset = queryset

    def __iter__(self):
        return self._queryset.iterator(chunk_size=500)


@dataclass(frozen=True)
class Report:
    person: Person
    start: date  # first day of the range, in time_zone
    end: date  # last day of the range (included)
    time_zone: ZoneInfo
    # Open and acknowledged alerts, and closed ones whose evidence overlaps the range;
    # most urgent first, each with ``evidence_events``.
    alerts: tuple
    weekly_by_site: Breakdown  # events per week
    weekly_by_sound: Breakdown  # events per week
    daily_pain_by_site: Breakdown  # mean pain per day, of the events with a pain score
    events: Rows  # the events of the range, oldest first
    workouts: Rows  # the workouts started in the range, oldest first

    @property
    def active_alerts(self):
        return [alert for alert in self.alerts if alert.status in ACTIVE_STATUSES]

    @property
    def event_count(self):
        return sum(sum(series.values) for series in self.weekly_by_site.series)


def last_weeks(today, count):
    """(start, end) of the ``count`` calendar weeks (Monday to Sunday) up to ``today``."""
    return monday_of(today) - (count - 1) * WEEK, today


def monday_of(day):
    return day - timedelta(days=day.weekday())


def report_for(person, *, start, end, time_zone):
    """The report of ``person`` from ``start`` to ``end`` (dates, both included) in ``time_zone``.

    ``person`` has been found already, through ``logs.selectors.person_for`` or a share link:
    the report reads that person's log and checks nothing. Four queries: the alerts, their
    evidence, the weekly counts, the daily pain.
    """
    if end < start:
        raise ValueError("A report ends on or after the day it starts.")
    time_zone = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    since = datetime.combine(start, time.min, time_zone)
    until = datetime.combine(end + DAY, time.min, time_zone)
    events = Event.objects.filter(person=person, occurred_at__gte=since, occurred_at__lt=until)
    weekly_by_site, weekly_by_sound = _weekly_counts(events, _weeks(start, end), time_zone)
    return Report(
        person=person,
        start=start,
        end=end,
        time_zone=time_zone,
        alerts=tuple(
            alerts_of(person).filter(
                Q(status__in=ACTIVE_STATUSES) | Q(last_evidence_at__gte=since, first_seen_at__lt=until)
            )
        ),
        weekly_by_site=weekly_by_site,
        weekly_by_sound=weekly_by_sound,
        daily_pain_by_site=_daily_pain(events, _days(start, end), time_zone),
        events=Rows(events.order_by("occurred_at", "id")),
        workouts=Rows(
            Workout.objects.filter(person=person, started_at__gte=since, started_at__lt=until).order_by(
                "started_at", "id"
            )
        ),
    )


def _days(start, end):
    return tuple(start + n * DAY for n in range((end - start).days + 1))


def _weeks(start, end):
    first = monday_of(start)
    return tuple(first + n * WEEK for n in range((monday_of(end) - first).days // 7 + 1))


def _weekly_counts(events, weeks, time_zone):
    """Events per week by site and by sound, from one grouped query (at most weeks × sites × sounds rows)."""
    rows = (
        events.annotate(week=TruncWeek("occurred_at", tzinfo=time_zone, output_field=DateField()))
        .values("week", "body_site", "sound")
        .annotate(count=Count("id"))
        .order_by()
    )
    week_index = {week: i for i, week in enumerate(weeks)}
    by_site, by_sound = {}, {}
    for row in rows:
        i = week_index[row["week"]]
        by_site.setdefault(row["body_site"], [0] * len(weeks))[i] += row["count"]
        by_sound.setdefault(row["sound"], [0] * len(weeks))[i] += row["count"]
    return _breakdown(weeks, by_site, vocab.BodySite), _breakdown(weeks, by_sound, vocab.Sound)


def _daily_pain(events, days, time_zone):
    """The mean pain score per day at each site, to one decimal (None on a day without a score)."""
    rows = (
        events.filter(pain__isnull=False)
        .annotate(day=TruncDate("occurred_at", tzinfo=time_zone))
        .values("day", "body_site")
        .annotate(mean=Avg("pain"))
        .order_by()
    )
    day_index = {day: i for i, day in enumerate(days)}
    by_site = {}
    for row in rows:
        by_site.setdefault(row["body_site"], [None] * len(days))[day_index[row["day"]]] = round(row["mean"], 1)
    return _breakdown(days, by_site, vocab.BodySite)


def _breakdown(periods, values_by_key, vocabulary):
    return Breakdown(
        periods=periods,
        series=tuple(
            Series(key=key, label=vocabulary(key).label, values=tuple(values_by_key[key]))
            for key in vocabulary.values
            if key in values_by_key
        ),
    )
