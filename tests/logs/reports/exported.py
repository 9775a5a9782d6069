"""What the export tests share: a varied history, and each format's file read back into plain data."""

import csv
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

from logs import vocab
from logs.reports import document, fhir_codes
from tests.logs.reports.pdf_pages import page_texts, require_poppler
from logs.reports.to_csv import FORMULA_STARTS, SIGN_SEPARATOR
from tests.factories import make_alert, make_event, make_workout

# Notes a spreadsheet or a parser could trip on: non-ASCII, quotes, commas, new lines, a formula.
AWKWARD_NOTES = ("Zoë’s hip — 痛い 👶", 'said "ouch", then laughed\nnext line', "=HYPERLINK(\"http://x\")")


def varied_history(person, author, day):
    """Events of ``person`` on ``day`` (a date, in UTC) using every field, one in a workout, and an alert."""
    workout = make_workout(person, started_at=_at(day, 7), created_by=author, sets=3, reps=10)
    events = [
        make_event(person, occurred_at=_at(day, 8), body_site="hip", side="left", sound="click",
                   activity="diaper_change", signs=["cried", "swelling"], note=AWKWARD_NOTES[0], created_by=author),
        make_event(person, occurred_at=_at(day, 9), body_site="knee", side="right", sound="pop", activity="leg_raise",
                   pain=0, workout=workout, note=AWKWARD_NOTES[1], created_by=author),
        make_event(person, occurred_at=_at(day, 10), body_site="lower_back", side="midline", sound="none",
                   pain=6, pain_quality="shooting", radiates="one_leg", temperature_c=Decimal("38.4"),
                   signs=["numbness"], note=AWKWARD_NOTES[2]),
        make_event(person, occurred_at=_at(day, 11), body_site="jaw", side="both", sound="grinding"),
        make_event(person, occurred_at=_at(day, 12), body_site="other", sound="snap", activity="at_rest"),
    ]
    make_alert(person, events[:2], rule="hip_clunk", urgency="soon")
    return events


def _at(day, hour):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Each format read back ------------------------------------------------------------


def csv_rows(data):
    """The rows of a CSV export as dicts (it must start with a UTF-8 byte order mark)."""
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def fhir_resources(document, resource_type):
    return [entry["resource"] for entry in document["entry"] if entry["resource"]["resourceType"] == resource_type]


# What every format must say alike of an event: when (the instant and its offset), where, what, pain, signs, note.
def as_logged(occurred_at, body_site, side, sound, pain, pain_quality, signs, temperature_c, note):
    moment = datetime.fromisoformat(occurred_at) if isinstance(occurred_at, str) else occurred_at
    return (
        moment.astimezone(UTC), moment.utcoffset(), body_site, side, sound, pain, pain_quality, tuple(signs),
        None if temperature_c is None else Decimal(str(temperature_c)), note,
    )


def events_in_database(events, time_zone):
    return [
        as_logged(e.occurred_at.astimezone(time_zone), e.body_site, e.side, e.sound, e.pain, e.pain_quality,
                  e.signs, e.temperature_c, e.note)
        for e in events
    ]


def events_in_csv(data):
    return [
        as_logged(
            row["occurred_at"], row["body_site"], row["side"], row["sound"], int(row["pain"]) if row["pain"] else None,
            row["pain_quality"] or None, row["signs"].split(SIGN_SEPARATOR) if row["signs"] else [],
            row["temperature_c"] or None, _unneutralised(row["note"]),
        )
        for row in csv_rows(data)
    ]


def _unneutralised(text):
    """The note as typed: the CSV prefixes a quote to one a spreadsheet would read as a formula."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def events_in_json(data):
    return [
        as_logged(e["occurred_at"], e["body_site"], e["side"], e["sound"], e["pain"], e["pain_quality"], e["signs"],
                  e["temperature_c"], e["note"])
        for e in json.loads(data)["events"]
    ]


def events_in_fhir(data):
    return [_observation_as_logged(o) for o in fhir_resources(json.loads(data), "Observation")]


SITE_OF_CODE = {code: site for site, code in fhir_codes.BODY_SITES.items()}
SIDE_OF_CODE = {code: side for side, (code, _display) in fhir_codes.LATERALITY.items()}


def _observation_as_logged(observation):
    components = observation.get("component", [])

    def value_of(system, code, value_key):
        for component in components:
            coding = component["code"]["coding"][0]
            if (coding["system"], coding["code"]) == (system, code):
                return component[value_key]
        return None

    field_system = fhir_codes.popwatch_system(fhir_codes.EVENT_FIELD)
    quality = value_of(field_system, "pain_quality", "valueCodeableConcept")
    temperature = value_of(fhir_codes.LOINC, fhir_codes.BODY_TEMPERATURE[0], "valueQuantity")
    laterality = observation["bodySite"].get("extension", [])
    sign_system = fhir_codes.popwatch_system(fhir_codes.SIGN)
    return as_logged(
        observation["effectiveDateTime"],
        SITE_OF_CODE[observation["bodySite"]["coding"][0]["code"]],
        SIDE_OF_CODE[laterality[0]["valueCodeableConcept"]["coding"][0]["code"]] if laterality else "unknown",
        observation["code"]["coding"][0]["code"],
        value_of(fhir_codes.LOINC, fhir_codes.PAIN_SCORE[0], "valueInteger"),
        quality["coding"][0]["code"] if quality else None,
        [c["code"]["coding"][0]["code"] for c in components if c["code"]["coding"][0]["system"] == sign_system],
        temperature["value"] if temperature else None,
        observation["note"][0]["text"] if "note" in observation else "",
    )


# --- The PDF: its timeline appendix, as printed ------------------------------------------------
# The PDF is for reading, so it shows words and local times, not the API's values: its events are
# compared as printed. Each page of the timeline repeats its column headers; pdftotext -layout
# keeps a column's cells under its header, so the header line says where each column starts.

TIMELINE_LINE = re.compile(r"^\s?\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d")
HEADERS = [header for header, _width in document.COLUMNS] + ["Details"]


def events_in_pdf(data):
    """(when, site, side, sound, pain, details) of each line of the PDF's timeline, in order."""
    require_poppler()
    events = []
    for text in page_texts(data):
        starts = None
        for line in text.splitlines():
            if all(header in line for header in HEADERS):
                starts = [line.index(header) for header in HEADERS]
            elif starts and TIMELINE_LINE.match(line):
                cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None])]
                when, site, side, sound, _activity, pain, details = cells
                events.append([when, site, side, sound, pain, details])
            elif events and starts and line[: starts[1]].isspace() and line.strip():
                events[-1][-1] = f"{events[-1][-1]} {line.strip()}".strip()  # details on a second line
    return [tuple(event) for event in events]


def as_printed(events, time_zone):
    """What the PDF's timeline must print of ``events``: the same columns, from the stored values."""
    return [
        (
            document._when(e.occurred_at.astimezone(time_zone)).strip(),
            vocab.BodySite(e.body_site).label,
            "" if e.side == vocab.Side.UNKNOWN else vocab.Side(e.side).label,
            document.CHECK_IN if e.sound == vocab.Sound.NONE else vocab.Sound(e.sound).label,
            " ".join(str(part) for part in (e.pain, e.pain_quality and vocab.PainQuality(e.pain_quality).label)
                     if part not in (None, "")),
            document.event_details(e, {e.workout_id: e.workout.get_exercise_display()} if e.workout_id else {}),
        )
        for e in events
    ]
