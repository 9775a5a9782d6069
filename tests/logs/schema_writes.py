"""Every write of the API with a JSON body, read from its OpenAPI schema, so tests over
"every endpoint" cover new ones without a list to keep up to date."""

import functools

from drf_spectacular.generators import SchemaGenerator

from tests.factories import make_alert, make_event, make_workout


@functools.cache
def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def json_writes():
    """(method, path template) of every operation that takes a JSON body."""
    return [
        (method, path)
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def body_fields(method, path):
    """{name: is a list} of the fields the operation's body (or each of its items) takes."""
    schema = _schema()
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    body = body.get("items", body)
    # The component named at once, or among the alternatives ({"anyOf": [{"$ref": ...}, {}]}).
    ref = body.get("$ref") or next(choice["$ref"] for choice in body["anyOf"] if "$ref" in choice)
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return {name: field.get("type") == "array" for name, field in component["properties"].items()}


def rows_to_write(person):
    """Ids of a row of each kind the API writes (all of ``person``'s), by the path's first segment."""
    event = make_event(person)
    return {
        "persons": person.pk, "events": event.pk, "workouts": make_workout(person).pk,
        "alerts": make_alert(person, [event]).pk,
    }


def filled(path, rows):
    """``path`` with its {id} set to the row of its kind."""
    kind = path.split("/")[3]
    return path.replace("{id}", str(rows.get(kind, 1)))
