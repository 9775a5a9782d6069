"""What a person's log says over a range of days: the one read behind the dashboard's
charts, the share page and every export (style.md "Charts and exports share one read").

A report is plain data. Its counts and pain series are aggregated in the database, in
days and weeks of the reader's time zone, so a report costs the same few queries
whatever the history length. Its events and workouts are fetched only by whoever walks
them (the timeline, the CSV, the appendix); the dashboard never does.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DateField, Min, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from alerts.models import ACTIVE_STATUSES
from alerts.selectors import alerts_of
from logs import vocab
from logs.models import Event, Person, Workout

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
ROWS_PER_QUERY = 2000  # a few MB of rows at a time; fewer round trips for a long export


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


@dataclass(frozen=True)
class Tally:
    """How many events of the range have one value of a vocabulary."""

    key: str  # the API's value, e.g. "left"
    label: str  # its words, e.g. "Left"
    count: int


@dataclass(frozen=True)
class Summary:
    """The range's events counted by body site, by side and by sound: in each vocabulary's order, values that occur."""

    by_site: tuple[Tally, ...]
    by_side: tuple[Tally, ...]
    by_sound: tuple[Tally, ...]


class Rows:
    """The rows of one query, fetched in chunks only when walked (and again on each walk)."""

    def __init__(self, queryset):
        self._queryset = queryset

    def __iter__(self):
        return self._queryset.iterator(chunk_size=ROWS_PER_QUERY)


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
    summary: Summary  # event counts over the whole range
    events: Rows  # the events of the range, oldest first, each with its created_by
    workouts: Rows  # the workouts started in the range, oldest first, with created_by and event_count

    @property
    def active_alerts(self):
        return [alert for alert in self.alerts if alert.status in ACTIVE_STATUSES]

    @property
    def event_count(self):
        return sum(sum(series.values) for series in self.weekly_by_site.series)

    @property
    def since(self):
        """The first moment of the range."""
        return _midnight_starting(self.start, self.time_zone)

    @property
    def until(self):
        """The first moment after the range."""
        return _midnight_starting(self.end + DAY, self.time_zone)

    def covers(self, moment):
        return self.since <= moment < self.until


def last_weeks(today, count):
    """(start, end) of the ``count`` calendar weeks (Monday to Sunday) up to ``today``."""
    return monday_of(today) - (count - 1) * WEEK, today


def monday_of(day):
    return day - timedelta(days=day.weekday())


def days_to_report(person, *, time_zone, start=None, end=None):
    """(start, end) of a report of ``person``: the days asked for, else from the first logged day to today.

    Both in ``time_zone``; without a log, the range is today alone. One query, for the first event, and
    only when ``start`` is not given.
    """
    end = end or timezone.localdate(timezone=time_zone)
    if start is None:
        first = Event.objects.filter(person=person).aggregate(first=Min("occurred_at"))["first"]
        start = min(timezone.localdate(first, time_zone), end) if first else end
    return start, end


def report_for(person, *, start, end, time_zone):
    """The report of ``person`` from ``start`` to ``end`` (dates, both included) in ``time_zone``.

    ``person`` has been found already, through ``logs.selectors.person_for`` or a share link:
    the report reads that person's log and checks nothing. Four queries: the alerts, their
    evidence, the weekly counts (which give the summary too), the daily pain.
    """
    if end < start:
        raise ValueError("A report ends on or after the day it starts.")
    time_zone = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    since, until = _midnight_starting(start, time_zone), _midnight_starting(end + DAY, time_zone)
    events = Event.objects.filter(person=person, occurred_at__gte=since, occurred_at__lt=until)
    weekly_by_site, weekly_by_sound, summary = _counts(events, _weeks(start, end), time_zone)
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
        summary=summary,
        events=Rows(_with_author(events).order_by("occurred_at", "id")),
        workouts=Rows(
            _with_author(Workout.objects.filter(person=person, started_at__gte=since, started_at__lt=until))
            .annotate(event_count=Count("events"))
            .order_by("started_at", "id")
        ),
    )


def _with_author(rows):
    """``rows`` with the username of whoever logged each, in the same query."""
    fields = [field.name for field in rows.model._meta.concrete_fields]
    return rows.select_related("created_by").only(*fields, "created_by__username")


def _midnight_starting(day, time_zone):
    return datetime.combine(day, time.min, time_zone)


def _days(start, end):
    return tuple(start + n * DAY for n in range((end - start).days + 1))


def _weeks(start, end):
    first = monday_of(start)
    return tuple(first + n * WEEK for n in range((monday_of(end) - first).days // 7 + 1))


def _counts(events, weeks, time_zone):
    """Events per week by site and by sound, and the range's summary, from one grouped query
    (at most weeks × sites × sides × sounds rows)."""
    rows = (
        events.annotate(week=TruncWeek("occurred_at", tzinfo=time_zone, output_field=DateField()))
        .values("week", "body_site", "side", "sound")
        .annotate(count=Count("id"))
        .order_by()
    )
    week_index = {week: i for i, week in enumerate(weeks)}
    by_site, by_sound = {}, {}
    totals = {"body_site": Counter(), "side": Counter(), "sound": Counter()}
    for row in rows.iterator(chunk_size=ROWS_PER_QUERY):  # a long log has many groups: never all at once
        i = week_index[row["week"]]
        by_site.setdefault(row["body_site"], [0] * len(weeks))[i] += row["count"]
        by_sound.setdefault(row["sound"], [0] * len(weeks))[i] += row["count"]
        for field, total in totals.items():
            total[row[field]] += row["count"]
    summary = Summary(
        by_site=_tallies(totals["body_site"], vocab.BodySite),
        by_side=_tallies(totals["side"], vocab.Side),
        by_sound=_tallies(totals["sound"], vocab.Sound),
    )
    return _breakdown(weeks, by_site, vocab.BodySite), _breakdown(weeks, by_sound, vocab.Sound), summary


def _tallies(counts, vocabulary):
    return tuple(
        Tally(key=key, label=vocabulary(key).label, count=counts[key]) for key in vocabulary.values if key in counts
    )


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
    for row in rows.iterator(chunk_size=ROWS_PER_QUERY):
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
