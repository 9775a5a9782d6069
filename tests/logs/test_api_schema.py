"""The served OpenAPI schema agrees with api.md: paths, vocabularies, filters and answers."""

import json

import pytest
from rest_framework.test import APIClient

from logs import vocab


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

    assert op["requestBody"]["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/BulkEventRequest")
    assert answer_schema(op, "200") == {"type": "array", "items": {"$ref": "#/components/schemas/BulkResult"}}
    assert [p["name"] for p in op.get("parameters", [])] == []


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
