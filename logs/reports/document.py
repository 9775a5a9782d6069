"""The doctor report as a document: ``templates/reports/report.html`` and what it shows.

One template, read by two: the PDF (``to_pdf.render``) and the public share page
(``logs/views/exports.py``), so the doctor reads the same report on paper and on screen.
Page 1 is the one-minute summary (who, which days, the alerts with their evidence, the
counts, two charts, the emergency signs); the full timeline follows as an appendix.

The timeline is lines of text in fixed-width columns, a day at a time, rather than a table:
WeasyPrint lays a table out box by box, and a year's log (5,000 events) took it about 40 s
as a table; as lines, about 4 s (bench/README.md). An event whose details do not fit on its
line takes a second one, and is kept whole on a page.
"""

import unicodedata
from dataclasses import dataclass, replace
from itertools import groupby

from django.template.loader import render_to_string
from django.utils import timezone

from alerts.rules import DISCLAIMER, RULES
from alerts.rules.base import sign_words
from logs import vocab

from . import charts
from .data import Breakdown

TITLE = "Popwatch report"
YOUNG_INFANT_DAYS = 90  # rules.md infant_fever_young: an age in days matters below this
MONTHS_UNTIL = 2  # years: below this an age is said in months
CHART_WEEKS = 12  # the most the charts show, as on the dashboard (logs/views/dashboard.py)


def render_html(report, *, for_print=False, pdf_url=None, now=None):
    """The report as one HTML document: for WeasyPrint (``for_print``: it is given the stylesheet
    itself), or for a browser, with a link to the PDF (``pdf_url``) when there is one."""
    with timezone.override(report.time_zone):
        return render_to_string(
            "reports/report.html", context(report, for_print=for_print, pdf_url=pdf_url, now=now)
        )


def context(report, *, for_print=False, pdf_url=None, now=None):
    person = report.person
    now = timezone.localtime(now or timezone.now(), report.time_zone)
    return {
        "title": TITLE,
        "DISCLAIMER": DISCLAIMER,
        "report": report,
        "person": person,
        "facts": person_facts(person, today=now.date()),
        "range_words": range_words(report.start, report.end),
        "day_count": (report.end - report.start).days + 1,
        "generated_at": now,
        "zone_name": str(report.time_zone),  # a ZoneInfo's key ("Europe/London"), or "UTC"
        "alerts": [AlertSummary.of(alert, report.time_zone) for alert in report.alerts],
        "counts": [
            ("By body site", report.summary.by_site),
            ("By side", report.summary.by_side),
            ("By sound", report.summary.by_sound),
        ],
        "red_flags": red_flags(person.life_stage),
        "emergency_words": vocab.Urgency.EMERGENCY.label,
        "charts": report_charts(report, with_numbers=not for_print),
        "columns": TIMELINE_HEADER,
        "timeline": timeline(report.events, report.time_zone, exercises=exercises_of(report.workouts)),
        "for_print": for_print,
        "pdf_url": pdf_url,
    }


# --- Page 1 ---------------------------------------------------------------------


def report_charts(report, *, with_numbers):
    """Pain over time and events per week, as the dashboard draws them, over the last CHART_WEEKS weeks at most.

    A longer range would draw a mark per site and day (a year: thousands, unreadable at the
    size of half a page, and seconds to lay out); its counts are in the tables, every event in
    the timeline. On paper a chart's table of numbers is left out for the same reason.
    """
    weeks = report.weekly_by_site.periods
    recent = f", the last {CHART_WEEKS} weeks" if len(weeks) > CHART_WEEKS else ""
    drawn = [
        charts.pain_lines(
            _last(report.daily_pain_by_site, CHART_WEEKS * 7), chart_id="report-pain",
            title=f"Pain by body site{recent}",
        ),
        charts.stacked_bars(
            _last(report.weekly_by_site, CHART_WEEKS), chart_id="report-weeks",
            title=f"Events per week by body site{recent}",
        ),
    ]
    return drawn if with_numbers else [replace(chart, rows=()) for chart in drawn]


def _last(breakdown, count):
    """The breakdown's last ``count`` periods, and only the series with a value in them."""
    if len(breakdown.periods) <= count:
        return breakdown
    series = (replace(one, values=one.values[-count:]) for one in breakdown.series)
    return Breakdown(
        periods=breakdown.periods[-count:], series=tuple(one for one in series if any(one.values))
    )


def person_facts(person, *, today):
    """What a clinician asks first, as (label, words) pairs; the hip facts for infants, or when recorded."""
    facts = [("Life stage", person.get_life_stage_display())]
    if person.birth_date:
        facts.append(("Age", f"{age_words(person.birth_date, today)} (born {day_words(person.birth_date)})"))
    else:
        facts.append(("Age", "birth date not recorded"))
    facts.append(("Sex", person.get_sex_display()))
    if person.life_stage == vocab.LifeStage.INFANT or person.risk_factors or person.hip_check_done:
        factors = [vocab.RiskFactor(value).label for value in vocab.RiskFactor.values if value in person.risk_factors]
        facts.append(("Hip risk factors", ", ".join(factors) or "none recorded"))
        facts.append(("Hip check", "done" if person.hip_check_done else "not recorded as done"))
    return facts


def age_words(birth_date, today):
    """"63 days" under 90 days (the age the fever rule turns on), "7 months" under two years, else "34 years"."""
    days = (today - birth_date).days
    if days < YOUNG_INFANT_DAYS:
        return f"{days} {_plural(days, 'day')}"
    months = (today.year - birth_date.year) * 12 + today.month - birth_date.month - (today.day < birth_date.day)
    if months < 12 * MONTHS_UNTIL:
        return f"{months} months"
    return f"{months // 12} years"


def red_flags(life_stage):
    """The emergency rules of rules.md that speak about this life stage, in their own words.

    Taken from the rule catalogue, so the box says what the alerts watch for and cannot drift from it.
    """
    return [
        rule.description
        for rule in RULES.values()
        if rule.urgency == vocab.Urgency.EMERGENCY and life_stage in rule.who
    ]


@dataclass(frozen=True)
class AlertSummary:
    urgency: str
    tier_words: str  # rules.md's meaning of the tier
    title: str
    where: str  # "Hip, left"; empty for an alert about the person
    message: str
    status: str
    evidence: str  # when the events behind it were logged
    source: str

    @classmethod
    def of(cls, alert, time_zone):
        return cls(
            urgency=alert.urgency,
            tier_words=vocab.Urgency(alert.urgency).label,
            title=alert.title,
            where=", ".join(
                part for part in (alert.get_body_site_display(), alert.get_side_display().lower()) if part
            ),
            message=alert.message,
            status=alert.get_status_display(),
            evidence=evidence_words([event.occurred_at for event in alert.evidence_events], time_zone),
            source=alert.source,
        )


def evidence_words(moments, time_zone, *, listed_up_to=4):
    """Each moment when there are few; else how many, from when to when."""
    local = [timezone.localtime(moment, time_zone) for moment in moments]
    if not local:
        return "no events left"
    if len(local) <= listed_up_to:
        return "; ".join(_moment_words(moment) for moment in local)
    days = len({moment.date() for moment in local})
    return f"{len(local)} events on {days} days, from {_moment_words(local[0])} to {_moment_words(local[-1])}"


def range_words(start, end):
    return day_words(start) if start == end else f"{day_words(start)} to {day_words(end)}"


def day_words(day):
    return f"{day.day} {day:%b %Y}"


def _moment_words(moment):
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def _plural(count, word):
    return word if count == 1 else f"{word}s"


# --- The timeline -----------------------------------------------------------------

CHECK_IN = "Check-in"  # the sound "none": its label is too long for a column
SOUNDS_HEARD = [value for value in vocab.Sound.values if value != vocab.Sound.NONE]
# Characters on a line of the timeline on paper: an A4 page turned sideways, less its margins
# (271 mm), holds 182 characters of 7 pt DejaVu Sans Mono (0.602 em each); report.css sets both.
LINE_CHARACTERS = 180
GAP = "  "


def _width(header, labels):
    return max(len(header), *(len(label) for label in labels))


# (header, width) of the fixed columns; then the details, on the same line when they fit.
COLUMNS = (
    ("When", len(" 1 Jan 2026 00:00")),
    ("Site", _width("Site", vocab.BodySite.labels)),
    ("Side", _width("Side", vocab.Side.labels)),
    ("Sound", _width("Sound", [CHECK_IN, *(vocab.Sound(value).label for value in SOUNDS_HEARD)])),
    ("Activity", _width("Activity", vocab.Activity.labels)),
    ("Pain", _width("Pain", [f"10 {label}" for label in vocab.PainQuality.labels])),
)
DETAILS_AT = sum(width for _, width in COLUMNS) + len(GAP) * len(COLUMNS)
INDENT = " " * (COLUMNS[0][1] + len(GAP))  # details too long for the line go under the site
TIMELINE_HEADER = GAP.join(header.ljust(width) for header, width in COLUMNS) + GAP + "Details"


@dataclass(frozen=True)
class Lines:
    text: str  # events, a line each; or one event whose details take a second line
    keep: bool  # that event on two lines: never split across pages
    first_of_day: bool


def exercises_of(workouts):
    """{workout id: its exercise in words}: one query for the range's workouts, none per event."""
    return {workout.pk: workout.get_exercise_display() for workout in workouts}


def timeline(events, time_zone, *, exercises):
    """The events, oldest first, as Lines, a day at a time; events are walked once, as they are read.

    A day's one-line events share a paragraph; an event on two lines is a paragraph of its own.
    """
    local_days = groupby(events, key=lambda event: timezone.localtime(event.occurred_at, time_zone).date())
    for _, of_the_day in local_days:
        blocks, run = [], []
        for event in of_the_day:
            text = event_lines(event, time_zone, exercises)
            if "\n" not in text:
                run.append(text)
                continue
            if run:
                blocks.append(("\n".join(run), False))
                run = []
            blocks.append((text, True))
        if run:
            blocks.append(("\n".join(run), False))
        for n, (text, keep) in enumerate(blocks):
            yield Lines(text, keep=keep, first_of_day=n == 0)


def event_lines(event, time_zone, exercises):
    """The event's columns, then its details: on the same line when they fit, else on a second one."""
    cells = (
        _when(timezone.localtime(event.occurred_at, time_zone)),
        event.get_body_site_display(),
        "" if event.side == vocab.Side.UNKNOWN else event.get_side_display(),
        CHECK_IN if event.sound == vocab.Sound.NONE else event.get_sound_display(),
        event.get_activity_display(),
        " ".join(str(part) for part in (event.pain, event.get_pain_quality_display()) if part not in (None, "")),
    )
    line = GAP.join(cell.ljust(width) for cell, (_, width) in zip(cells, COLUMNS))
    details = event_details(event, exercises)
    if not details:
        return line.rstrip()
    if DETAILS_AT + _width_of(details) <= LINE_CHARACTERS:
        return f"{line}{GAP}{details}"
    return f"{line.rstrip()}\n{INDENT}{details}"


def _width_of(text):
    """How many characters of the monospace font ``text`` takes: a Chinese, Japanese or Korean
    character, drawn from a fallback font, about two (Unicode's East Asian "wide" and "fullwidth")."""
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)


def _when(moment):
    return f"{moment.day:2d} {moment:%b %Y %H:%M}"


def event_details(event, exercises):
    """Where pain spreads, signs, temperature, workout and note, when there are any:
    "Down one leg · swelling and redness · 38.2 °C (100.8 °F) · Workout: Straight Leg Raise · “Sore”".

    A workout started before the range (an event just after midnight) is not in ``exercises``.
    """
    parts = []
    if event.radiates != vocab.Radiates.NONE:
        parts.append(event.get_radiates_display())
    if event.signs:
        parts.append(sign_words(event.signs))
    if event.temperature_c is not None:
        celsius = float(event.temperature_c)
        parts.append(f"{celsius:.1f} °C ({celsius * 9 / 5 + 32:.1f} °F)")
    if event.workout_id:
        parts.append(f"Workout: {exercises.get(event.workout_id, 'started before these days')}")
    if event.note:
        parts.append(f"“{' '.join(event.note.split())}”")
    return " · ".join(parts)
