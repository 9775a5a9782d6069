"""GET /api/v1/persons/{id}/export/ and GET /api/v1/me/export/ (api.md "Exports and sharing")."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from logs.reports import exports
from tests.factories import client_for, make_alert, make_event, make_person, make_workout
from tests.logs.reports.exported import body_of, csv_rows, fhir_resources, varied_history

# A fixed "now", so "today" is known: Sunday 29 November 2026, noon in UTC.
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8", "json": "application/json", "fhir": "application/fhir+json",
    "pdf": "application/pdf",
}


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def export_path(person):
    return f"/api/v1/persons/{person.pk}/export/"


def test_every_format_has_its_content_type_and_extension():
    assert {name: fmt.content_type for name, fmt in exports.FORMATS.items()} == CONTENT_TYPES


@pytest.mark.parametrize("fmt, extension", [("csv", "csv"), ("json", "json"), ("fhir", "json"), ("pdf", "pdf")])
def test_each_format_downloads_as_a_named_file_that_no_cache_keeps(api, owner, person, fmt, extension):
    varied_history(person, owner, date(2026, 10, 3))

    answer = api.get(export_path(person), {"format": fmt, "from": "2026-10-01", "to": "2026-11-29"})

    assert answer.status_code == 200
    assert answer["Content-Type"] == CONTENT_TYPES[fmt]
    assert answer["Content-Disposition"] == (
        f'attachment; filename="popwatch-robin-2026-10-01-to-2026-11-29.{extension}"'
    )
    assert "no-store" in answer["Cache-Control"]
    assert answer.streaming == (fmt != "pdf")  # text is streamed as it is read, never built whole


def test_the_pdf_is_the_doctor_report(api, owner, person):
    varied_history(person, owner, date(2026, 10, 3))

    assert body_of(api.get(export_path(person), {"format": "pdf"})).startswith(b"%PDF-")


def test_the_csv_starts_with_its_header_and_the_oldest_event(api, owner, person):
    first = varied_history(person, owner, date(2026, 10, 3))[0]

    rows = csv_rows(body_of(api.get(export_path(person), {"format": "csv"})))

    assert (rows[0]["id"], rows[0]["body_site"], rows[0]["side"], rows[0]["sound"]) == (
        str(first.pk), "hip", "left", "click",
    )


def test_the_json_holds_the_person_and_the_ranges_rows(api, owner, person):
    events = varied_history(person, owner, date(2026, 10, 3))

    document = json.loads(body_of(api.get(export_path(person), {"format": "json"})))

    assert document["person"]["name"] == "Robin"
    assert [e["id"] for e in document["events"]] == [e.pk for e in events]
    assert (len(document["workouts"]), len(document["alerts"])) == (1, 1)


def test_the_fhir_bundle_is_a_collection_with_a_patient_first(api, owner, person):
    varied_history(person, owner, date(2026, 10, 3))

    document = json.loads(body_of(api.get(export_path(person), {"format": "fhir"})))

    assert (document["resourceType"], document["type"]) == ("Bundle", "collection")
    assert document["entry"][0]["resource"]["resourceType"] == "Patient"
    assert len(fhir_resources(document, "Observation")) == 5


def test_without_days_the_range_runs_from_the_first_logged_day_to_the_users_today(api, owner, person):
    owner.timezone = "Pacific/Kiritimati"  # UTC+14: already Monday 30 November there
    owner.save()
    make_event(person, occurred_at=datetime(2026, 9, 14, 12, tzinfo=UTC))

    answer = api.get(export_path(person), {"format": "csv"})

    assert answer["Content-Disposition"].endswith('popwatch-robin-2026-09-15-to-2026-11-30.csv"')


def test_a_person_without_events_exports_today_alone(api, person):
    answer = api.get(export_path(person), {"format": "json", "to": "2026-11-20"})

    document = json.loads(body_of(answer))
    assert (document["from"], document["to"], document["events"]) == ("2026-11-20", "2026-11-20", [])


def test_a_person_whose_name_has_no_ascii_letters_gets_a_filename_still(api, owner):
    person = make_person(owner, name="小明")

    answer = api.get(export_path(person), {"format": "csv", "from": "2026-11-01", "to": "2026-11-02"})

    assert answer["Content-Disposition"] == (
        f'attachment; filename="popwatch-person-{person.pk}-2026-11-01-to-2026-11-02.csv"'
    )


# --- Who may export ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
@pytest.mark.parametrize("role, status", [("owner", 200), ("editor", 200), ("viewer", 200), ("stranger", 404),
                                          ("anonymous", 401)])
def test_any_caregiver_may_export_and_a_stranger_finds_nothing_in_any_format(clients, person, fmt, role, status):
    make_event(person, note="private")

    answer = clients[role].get(export_path(person), {"format": fmt})

    assert answer.status_code == status
    if status != 200:
        assert b"private" not in answer.content
        assert answer["Content-Type"] == "application/json"


def test_a_stranger_gets_the_same_404_with_bad_parameters_as_for_a_person_that_does_not_exist(clients, person):
    for path in (export_path(person), "/api/v1/persons/999999/export/"):
        answer = clients["stranger"].get(path, {"format": "xml", "from": "nonsense"})
        assert (answer.status_code, answer.json()) == (404, {"detail": "No person with this id."})


# --- Bad parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, errors",
    [
        ({}, {"format": ["This field is required."]}),
        ({"format": "xml"}, {"format": ['"xml" is not a valid choice.']}),
        ({"format": "csv", "from": "2026-13-01"},
         {"from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
        ({"format": "csv", "to": "yesterday"},
         {"to": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}),
        ({"format": "csv", "from": "2026-11-02", "to": "2026-11-01"},
         {"from": ["Must be on or before the last day (2026-11-01)."]}),
        ({"format": "csv", "from": "2026-12-01"}, {"from": ["Must be on or before the last day (2026-11-29)."]}),
        ({"format": "csv", "from": "1899-12-31"}, {"from": ["Must be between 1900-01-01 and 2100-12-31."]}),
        ({"format": "csv", "to": "9999-12-31"}, {"to": ["Must be between 1900-01-01 and 2100-12-31."]}),
    ],
)
def test_bad_parameters_answer_400_with_field_errors(api, person, query, errors):
    answer = api.get(export_path(person), query)

    assert (answer.status_code, answer.json()) == (400, errors)


def test_format_names_the_file_whatever_the_clients_accept_header_says(api, person):
    for accept in ("text/csv", "application/pdf", "image/png"):
        assert api.get(export_path(person), {"format": "csv"}, HTTP_ACCEPT=accept).status_code == 200
        errors = api.get(export_path(person), {"format": "xml"}, HTTP_ACCEPT=accept)
        assert (errors.status_code, errors["Content-Type"]) == (400, "application/json")


def test_the_longest_range_allowed_exports_without_trouble(api, person):
    make_event(person, occurred_at=datetime(1950, 1, 1, tzinfo=UTC), pain=2)

    answer = api.get(export_path(person), {"format": "json", "from": "1900-01-01", "to": "2100-12-31"})

    assert len(json.loads(body_of(answer))["events"]) == 1


# --- Cost ------------------------------------------------------------------------------------------


def queries_to_export(client, person, fmt):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(export_path(person), {"format": fmt, "from": "2026-01-01", "to": "2026-11-29"})
        body_of(answer)
    assert answer.status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", sorted(exports.FORMATS))
def test_an_export_costs_the_same_queries_whatever_the_history_length(owner, fmt):
    client = client_for(owner)
    short, long = make_person(owner, name="Short"), make_person(owner, name="Long")
    for person, days in ((short, 2), (long, 120)):
        for day in range(days):
            event = make_event(person, occurred_at=NOW - timedelta(days=day, hours=1), created_by=owner,
                               signs=["swelling"], pain=day % 11)
            make_workout(person, started_at=NOW - timedelta(days=day, hours=2), created_by=owner)
        make_alert(person, [event])
        make_alert(person, rule="joint_locking")

    assert queries_to_export(client, long, fmt) == queries_to_export(client, short, fmt)


# --- Everything the user owns ---------------------------------------------------------------


def test_me_export_is_the_settings_pages_download(owner, person):
    make_event(person, note="mine")
    api, browser = client_for(owner), APIClient()
    browser.force_login(owner)

    answer = api.get("/api/v1/me/export/")
    download = browser.get("/settings/export/")

    assert (answer.status_code, answer["Content-Type"]) == (200, "application/json")
    assert answer["Content-Disposition"] == download["Content-Disposition"] == (
        'attachment; filename="popwatch-2026-11-29.json"'
    )
    assert answer.streaming and "no-store" in answer["Cache-Control"]
    mine, same = json.loads(body_of(answer)), json.loads(body_of(download))
    assert mine == same
    assert [p["events"][0]["note"] for p in mine["persons"]] == ["mine"]


def test_me_export_needs_a_login():
    assert APIClient().get("/api/v1/me/export/").status_code == 401


# --- The schema ---------------------------------------------------------------------------------


@pytest.fixture
def schema(db):
    return APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_the_schema_documents_the_exports_by_media_type_and_their_parameters(schema):
    person_export = schema["paths"]["/api/v1/persons/{id}/export/"]["get"]
    me_export = schema["paths"]["/api/v1/me/export/"]["get"]

    assert set(person_export["responses"]["200"]["content"]) == {fmt.media_type for fmt in exports.FORMATS.values()}
    assert {"400", "404"} <= set(person_export["responses"])
    parameters = {p["name"]: p for p in person_export["parameters"]}
    assert set(parameters) == {"id", "format", "from", "to"}
    assert parameters["format"]["schema"]["enum"] == list(exports.FORMATS)
    assert parameters["format"]["required"] and not parameters["from"].get("required")
    assert parameters["from"]["schema"]["format"] == "date"
    assert set(me_export["responses"]["200"]["content"]) == {"application/json"}
