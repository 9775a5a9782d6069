"""The served OpenAPI schema agrees with api.md: paths, vocabularies, filters and answers."""

import json
import re

import pytest
from rest_framework.test import APIClient

from logs import vocab
from logs.api.schema import MAX_PATH_ID
from logs.api.views import ID_PATTERN


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        answer = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200  # without authentication
    return json.loads(answer.content)


def operation(schema, path, method):
    return schema["paths"][f"/api/v1/{path}"][method]


def answer_schema(op, status):
    return op["responses"][status]["content"]["application/json"]["schema"]


def enum_of(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]
    prop = prop.get("items", prop)
    # a plain $ref, allOf [$ref] when read-only, oneOf [$ref, NullEnum] when nullable
    refs = [prop["$ref"]] if "$ref" in prop else [o["$ref"] for o in prop.get("allOf", prop.get("oneOf"))]
    [ref] = [r for r in refs if not r.endswith("/NullEnum")]
    return set(schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"])


@pytest.mark.parametrize(
    "path, methods",
    [
        ("auth/register/", {"post"}),
        ("auth/token/", {"post"}),
        ("me/", {"get", "patch"}),
        ("persons/", {"get", "post"}),
        ("persons/{id}/", {"get", "put", "patch", "delete"}),
        ("persons/{id}/caregivers/", {"get", "post"}),
        ("persons/{id}/caregivers/{username}/", {"delete"}),
        ("events/", {"get", "post"}),
        ("events/{id}/", {"get", "put", "patch", "delete"}),
        ("events/bulk/", {"post"}),
        ("workouts/", {"get", "post"}),
        ("workouts/{id}/", {"get", "put", "patch", "delete"}),
    ],
)
def test_every_contract_path_is_documented_with_its_methods(schema, path, methods):
    assert set(schema["paths"][f"/api/v1/{path}"]) == methods


@pytest.mark.parametrize(
    "component, field, vocabulary",
    [
        ("Event", "body_site", vocab.BodySite),
        ("Event", "side", vocab.Side),
        ("Event", "sound", vocab.Sound),
        ("Event", "activity", vocab.Activity),
        ("Event", "pain_quality", vocab.PainQuality),
        ("Event", "radiates", vocab.Radiates),
        ("Event", "signs", vocab.Sign),
        ("Workout", "exercise", vocab.Exercise),
        ("Workout", "range_of_motion", vocab.RangeOfMotion),
        ("Person", "life_stage", vocab.LifeStage),
        ("Person", "sex", vocab.Sex),
        ("Person", "risk_factors", vocab.RiskFactor),
        ("Person", "role", vocab.Role),
    ],
)
def test_vocabularies_are_the_contracts(schema, component, field, vocabulary):
    assert enum_of(schema, component, field) == set(vocabulary.values)


@pytest.mark.parametrize(
    "path, filters",
    [
        ("events/", {"person", "body_site", "side", "sound", "activity", "workout", "occurred_after",
                     "occurred_before", "min_pain", "page", "page_size"}),
        ("workouts/", {"person", "started_after", "started_before", "page", "page_size"}),
    ],
)
def test_list_filters_are_documented(schema, path, filters):
    assert filters <= {p["name"] for p in operation(schema, path, "get")["parameters"]}


def test_bulk_takes_and_answers_a_plain_list(schema):
    op = operation(schema, "events/bulk/", "post")
    batch = op["requestBody"]["content"]["application/json"]["schema"]

    # Any item is taken and answered in its place: an event body, or "invalid".
    assert batch["items"]["anyOf"] == [{"$ref": "#/components/schemas/BulkEventRequest"}, {}]
    assert batch["maxItems"] == 500
    assert answer_schema(op, "200") == {"type": "array", "items": {"$ref": "#/components/schemas/BulkResult"}}
    assert [p["name"] for p in op.get("parameters", [])] == []


def test_bulk_tells_clients_that_sending_a_batch_again_is_safe(schema):
    description = operation(schema, "events/bulk/", "post")["description"]

    assert "Valid items are stored even if others are invalid" in description
    assert "an answer other than 200 means none of it was stored" in description
    assert "a timeout or a lost connection, that none or all of it was" in description
    assert "sending the same batch again is safe" in description


@pytest.mark.parametrize("path", ["events/", "persons/{id}/caregivers/"])
def test_creating_documents_both_created_and_already_there(schema, path):
    assert {"200", "201"} <= set(operation(schema, path, "post")["responses"])


def test_event_write_answers_carry_the_immediate_alerts(schema):
    answer = answer_schema(operation(schema, "events/", "post"), "201")
    component = schema["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]

    assert component["properties"]["alerts"] == {
        "type": "array", "items": {"$ref": "#/components/schemas/Alert"}, "readOnly": True,
    }


@pytest.mark.parametrize(
    "component, read_only",
    [("Person", {"id", "role", "open_alerts"}), ("Event", {"id", "created_at", "created_by"}),
     ("Workout", {"id", "event_count", "created_by"})],
)
def test_read_only_fields_are_marked_read_only(schema, component, read_only):
    properties = schema["components"]["schemas"][component]["properties"]

    assert {name for name in read_only if properties[name].get("readOnly")} == read_only


def test_operations_are_described_for_clients_not_by_internal_docstrings(schema):
    descriptions = {op.get("description", "") for ops in schema["paths"].values() for op in ops.values()}

    assert not [d for d in descriptions if "get_object()" in d]


def test_the_interactive_docs_are_served_without_login(db):
    answer = APIClient().get("/api/v1/docs/")

    assert answer.status_code == 200
    assert b"swagger" in answer.content.lower()


def test_caregiver_answers_may_name_the_owner_though_only_editor_or_viewer_can_be_granted(schema):
    assert enum_of(schema, "Caregiver", "role") == {"owner", "editor", "viewer"}
    assert enum_of(schema, "CaregiverRequest", "role") == {"editor", "viewer"}
    for method, status in [("get", "200"), ("post", "201"), ("post", "200")]:
        answer = answer_schema(operation(schema, "persons/{id}/caregivers/", method), status)
        assert answer.get("items", answer) == {"$ref": "#/components/schemas/Caregiver"}


def every_operation(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            yield f"{method.upper()} {path}", op


@pytest.mark.parametrize(
    "path, method, errors",
    [
        ("auth/register/", "post", {"400", "429"}),
        ("auth/token/", "post", {"400", "429"}),
        ("me/", "get", {"401"}),
        ("me/", "patch", {"400", "401", "403"}),
        ("rules/", "get", {"401"}),
        ("persons/", "get", {"400", "401", "404"}),  # a bad page size; a page past the end
        ("persons/", "post", {"400", "401", "403"}),
        ("persons/{id}/", "get", {"401", "404"}),
        ("persons/{id}/", "delete", {"401", "403", "404"}),
        ("persons/{id}/caregivers/{username}/", "delete", {"400", "401", "403", "404"}),  # the owner stays
        ("events/", "post", {"400", "401", "403", "404"}),  # a person the caller cannot see
        ("events/{id}/", "patch", {"400", "401", "403", "404"}),
        ("events/bulk/", "post", {"400", "401", "403"}),  # an item's errors are in its result
        ("workouts/", "get", {"400", "401", "404"}),
        ("alerts/{id}/", "patch", {"400", "401", "403", "404"}),
    ],
)
def test_each_operation_documents_the_errors_it_answers(schema, path, method, errors):
    op = operation(schema, path, method)

    assert {code for code in op["responses"] if code >= "400"} == errors
    for code in errors:
        assert answer_schema(op, code) == {"$ref": "#/components/schemas/Error"}
        assert op["responses"][code]["description"]


def test_every_operation_that_needs_credentials_documents_401(schema):
    undocumented = [
        name for name, op in every_operation(schema) if any(op.get("security", [])) and "401" not in op["responses"]
    ]

    assert undocumented == []


def test_the_error_schema_fits_both_shapes_of_error(schema):
    error = schema["components"]["schemas"]["Error"]

    assert error["properties"] == {"detail": {"type": "string"}}
    assert {"type": "array", "items": {"type": "string"}} in error["additionalProperties"]["oneOf"]


def test_ids_in_paths_are_the_whole_numbers_the_routes_take(schema):
    ids = [
        p["schema"] for _, op in every_operation(schema) for p in op.get("parameters", [])
        if p["name"] in ("id", "link_id")
    ]

    assert ids and all(s == {"type": "integer", "minimum": 1, "maximum": MAX_PATH_ID} for s in ids)
    assert [bool(re.fullmatch(ID_PATTERN, text)) for text in ("1", str(MAX_PATH_ID), "0", "01", str(MAX_PATH_ID + 1))] \
        == [True, True, False, False, False]


@pytest.mark.parametrize(
    "path, name, bounds",
    [
        ("events/", "person", {"type": "integer", "minimum": 1}),
        ("events/", "workout", {"type": "integer", "minimum": 1}),
        ("events/", "min_pain", {"type": "number", "minimum": 0, "maximum": 10}),
        ("events/", "page", {"type": "integer", "minimum": 1}),
        ("events/", "page_size", {"type": "integer", "minimum": 1}),
        ("alerts/", "person", {"type": "integer", "minimum": 1}),
        ("workouts/", "page_size", {"type": "integer", "minimum": 1}),
    ],
)
def test_query_numbers_have_the_bounds_the_api_checks(schema, path, name, bounds):
    [parameter] = [p for p in operation(schema, path, "get")["parameters"] if p["name"] == name]

    assert bounds.items() <= parameter["schema"].items()
    assert parameter["allowEmptyValue"] is True  # "?person=" is no filter, "?page_size=" the default


@pytest.mark.parametrize("component, field", [("EventRequest", "person"), ("EventRequest", "workout"),
                                              ("WorkoutRequest", "person")])
def test_ids_in_bodies_have_bounds(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]

    assert (prop["type"], prop["minimum"]) == ("integer", 1)


@pytest.mark.parametrize("component, field", [("EventRequest", "signs"), ("PersonRequest", "risk_factors")])
def test_lists_of_choices_hold_each_value_once(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field]["uniqueItems"] is True


@pytest.mark.parametrize(
    "component, field, taken, refused",
    [
        ("PersonRequest", "name", ["Robin", " Kim "], ["   ", "Ro\x00bin"]),
        ("EventRequest", "note", ["", "a note"], ["a\x00note"]),
    ],
)
def test_text_in_bodies_states_what_the_api_refuses(schema, component, field, taken, refused):
    pattern = schema["components"]["schemas"][component]["properties"][field]["pattern"]

    assert [bool(re.search(pattern, text)) for text in taken + refused] == [True] * len(taken) + [False] * len(refused)
