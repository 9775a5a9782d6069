"""The doctor report as a PDF, read back as a person reads it: page by page (pdftotext), and page 1
as a picture (pdftoppm, saved in test-output/reports/ to be looked at)."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from PIL import Image

from alerts.rules import DISCLAIMER, RULES
from logs import vocab
from logs.models import Person
from logs.reports import document, to_pdf
from logs.reports.data import days_to_report, report_for
from tests.factories import make_event, make_person, make_user, make_workout
from tests.logs.reports.pdf_pages import images_in, page_texts, require_poppler, save_page_as_png

pytestmark = pytest.mark.usefixtures("poppler")
A4_RATIO = 297 / 210


@pytest.fixture
def poppler():
    require_poppler()


@pytest.fixture
def demo_infant(db):
    """Maya as ``manage.py seed_demo`` makes her: six weeks of painless sounds and one left-hip clunk."""
    call_command("seed_demo", stdout=StringIO())
    return Person.objects.get(name="Maya", caregivers__user__username="demo")


def whole_log_report(person, time_zone=UTC):
    start, end = days_to_report(person, time_zone=time_zone)
    return report_for(person, start=start, end=end, time_zone=time_zone)


def words(text):
    """Text with its line breaks and runs of spaces as single spaces (a PDF wraps lines where it must)."""
    return " ".join(text.split())


def test_the_demo_infants_summary_fits_page_one_and_holds_its_alert_and_counts(demo_infant):
    report = whole_log_report(demo_infant)
    [clunk] = report.active_alerts
    assert clunk.rule == "hip_clunk"

    pdf = to_pdf.render(report)

    picture = save_page_as_png(pdf, 1, "demo-infant-page-1")
    with Image.open(picture) as page_one:
        assert page_one.height / page_one.width == pytest.approx(A4_RATIO, rel=0.01)
        assert page_one.convert("L").getextrema()[0] < 64  # something dark is drawn on it
    pages = page_texts(pdf)
    first = words(pages[0])
    assert "Popwatch report: Maya" in first
    assert "times in UTC" in first
    assert f"Soon: {vocab.Urgency.SOON.label} {clunk.title} (Hip, left) {clunk.message}" in first
    [evidence] = clunk.evidence_events
    assert f"Evidence: {document.evidence_words([evidence.occurred_at], UTC)} · Open · Source: {clunk.source}" in first
    assert f"{report.event_count} events logged" in first
    for tally in (*report.summary.by_site, *report.summary.by_side, *report.summary.by_sound):
        assert re.search(rf"\b{tally.label}\s+{tally.count}\b", pages[0]), tally
    assert "Pain by body site. No pain scores in this period." in first  # an infant's pain is not known
    assert f"Events per week by body site. {report.event_count} events" in first
    assert "Emergency signs" in first
    # The summary ends on page 1; the timeline starts page 2.
    assert "Timeline" not in first
    assert words(pages[1]).count("Timeline") == 1


def test_every_page_carries_the_title_the_person_the_days_its_number_and_the_disclaimer(demo_infant):
    report = whole_log_report(demo_infant)

    pages = page_texts(to_pdf.render(report))

    assert len(pages) >= 3  # six weeks of an infant's sounds take two pages of timeline
    days = document.range_words(report.start, report.end)
    for number, text in enumerate(pages, start=1):
        assert f"Popwatch report · Maya · {days}" in text, number
        assert re.search(rf"Page {number} of {len(pages)}\s*$", text.rstrip(), re.MULTILINE), number
        assert DISCLAIMER in words(text), number


def test_an_event_on_two_lines_is_never_split_across_pages(person):
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    for n in range(240):  # about six pages of timeline
        make_event(
            person, occurred_at=start + timedelta(hours=5 * n), body_site="knee", side="left", sound="pop",
            pain=3, pain_quality="ache", note=f"N{n:04d} " + "stiff after the stairs, eased with rest " * 3,
        )

    pages = [words(text) for text in page_texts(to_pdf.render(whole_log_report(person)))]

    assert len(pages) > 4
    for n in range(240):
        line = re.compile(rf"(?<!\d){words(document._when(start + timedelta(hours=5 * n)))} Knee Left Pop")
        [page_of_line] = [i for i, text in enumerate(pages) if line.search(text)]
        [page_of_note] = [i for i, text in enumerate(pages) if f"“N{n:04d} " in text]
        assert page_of_line == page_of_note, n


def test_the_charts_are_drawn_as_vectors(demo_infant):
    assert images_in(to_pdf.render(whole_log_report(demo_infant))) == []


@pytest.mark.parametrize("life_stage", vocab.LifeStage.values)
def test_the_emergency_signs_are_the_emergency_rules_for_the_persons_life_stage(owner, life_stage):
    person = make_person(owner, name="Kim", life_stage=life_stage)
    emergency = [rule for rule in RULES.values() if rule.urgency == vocab.Urgency.EMERGENCY]

    first = words(page_texts(to_pdf.render(whole_log_report(person)))[0])

    assert "Emergency signs" in first
    assert f"If you notice any of these, {vocab.Urgency.EMERGENCY.label.lower()}" in first
    for rule in emergency:
        assert (words(rule.description) in first) == (life_stage in rule.who), rule.code
    assert document.red_flags(life_stage) == [rule.description for rule in emergency if life_stage in rule.who]


def test_the_timeline_holds_every_field_of_an_event_in_the_readers_time_zone(person):
    workout = make_workout(
        person, started_at=datetime(2026, 6, 15, 2, 0, tzinfo=UTC), exercise=vocab.Exercise.SINGLE_LEG_RAISE
    )
    make_event(
        person, occurred_at=datetime(2026, 6, 15, 2, 30, tzinfo=UTC),  # 22:30 the day before in New York
        body_site="lower_back", side="midline", sound="crack", activity="leg_raise", pain=6,
        pain_quality="shooting", radiates="one_leg", signs=["numbness", "night_pain"],
        temperature_c=Decimal("38.4"), workout=workout, note="Worse <b>after</b>\nthe second set",
    )
    make_event(person, occurred_at=datetime(2026, 6, 16, 12, 0, tzinfo=UTC), body_site="hip", sound="none")
    new_york = ZoneInfo("America/New_York")

    text = words(page_texts(to_pdf.render(whole_log_report(person, new_york)))[1])

    assert "times in America/New_York" in text
    assert (
        "14 Jun 2026 22:30 Lower Back Midline Crack Leg Raise 6 Shooting Down one leg · numbness and night pain"
        " · 38.4 °C (101.1 °F) · Workout: Single Leg Raise · “Worse <b>after</b> the second set”"
    ) in text
    assert "16 Jun 2026 08:00 Hip Check-in Other" in text


def test_a_line_as_long_as_the_timeline_allows_stays_one_line_on_paper(person):
    at = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    event = make_event(person, occurred_at=at, body_site="upper_back", sound="grinding", activity="self_manipulation")
    event.note = "x" * (document.LINE_CHARACTERS - document.DETAILS_AT - 2)  # less its two quotes
    event.save()
    line = document.event_lines(event, UTC, exercises={})
    assert len(line) == document.LINE_CHARACTERS

    text = page_texts(to_pdf.render(whole_log_report(person)))[1]

    assert words(line) in [words(printed) for printed in text.splitlines()]


def test_a_day_without_events_still_makes_a_report(person):
    report = report_for(person, start=date(2026, 6, 1), end=date(2026, 6, 1), time_zone=UTC)

    pages = page_texts(to_pdf.render(report))

    assert "No alerts in these days." in words(pages[0])
    assert "Nothing was logged in these days." in words(pages[-1])


def test_the_pdf_fetches_nothing_from_outside():
    with pytest.raises(ValueError, match="disallowed protocol"):
        to_pdf._fetch_nothing().fetch("file:///etc/hostname")


# --- The document's parts, without a PDF -------------------------------------------------


@pytest.mark.parametrize(
    ("born", "today", "said"),
    [
        (date(2026, 6, 1), date(2026, 6, 1), "0 days"),
        (date(2026, 6, 1), date(2026, 8, 29), "89 days"),
        (date(2026, 6, 1), date(2026, 8, 30), "2 months"),
        (date(2024, 6, 15), date(2026, 6, 14), "23 months"),
        (date(2024, 6, 15), date(2026, 6, 15), "2 years"),
        (date(1990, 2, 28), date(2026, 2, 27), "35 years"),
    ],
)
def test_an_age_is_in_days_under_90_days_in_months_under_two_years(born, today, said):
    assert document.age_words(born, today) == said


def test_evidence_lists_a_few_moments_and_summarises_many():
    moments = [datetime(2026, 6, day, 9, 5, tzinfo=UTC) for day in (1, 1, 3, 5, 8)]

    assert document.evidence_words(moments[:2], UTC) == "Mon 1 Jun 2026, 09:05; Mon 1 Jun 2026, 09:05"
    assert document.evidence_words(moments, UTC) == (
        "5 events on 4 days, from Mon 1 Jun 2026, 09:05 to Mon 8 Jun 2026, 09:05"
    )


def test_a_line_of_the_longest_words_fits_the_page(db):
    owner = make_user("longest")
    person = make_person(owner)
    longest = {
        field: max(choices.values, key=lambda value: len(choices(value).label))
        for field, choices in (("body_site", vocab.BodySite), ("side", vocab.Side), ("activity", vocab.Activity))
    }
    event = make_event(
        person, occurred_at=datetime(2026, 12, 31, 23, 59, tzinfo=UTC), sound="grinding", pain=10,
        pain_quality="shooting", note="short", **longest,
    )

    lines = document.event_lines(event, UTC, exercises={}).splitlines()

    assert len(lines) == 1
    assert len(lines[0]) <= document.LINE_CHARACTERS
    assert lines[0].index("“short”") == document.DETAILS_AT == document.TIMELINE_HEADER.index("Details")


def test_wide_characters_count_double_when_deciding_whether_details_fit(person):
    room = document.LINE_CHARACTERS - document.DETAILS_AT - 2  # less the note's two quotes
    narrow = make_event(person, note="a" * room)
    wide = make_event(person, note="痛" * (room // 2 + 1))  # fewer characters, wider than the room

    assert len(document.event_lines(narrow, UTC, exercises={}).splitlines()) == 1
    assert len(document.event_lines(wide, UTC, exercises={}).splitlines()) == 2
