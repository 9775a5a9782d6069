"""The served OpenAPI schema, true to the API: its error answers and the bounds of its input.

drf-spectacular documents the successful answers; this adds what any client meets
as well (api.md, "Errors"): 400 with field errors, 401, 403 for a role too weak,
404 for what the caller may not see, 429 when throttled. It also states what
drf-spectacular leaves out: row ids (in paths, ``id`` and ``link_id``, 1 to
MAX_PATH_ID) and id filters have bounds, filters and pages ignore an empty value,
text holds no NUL character (nor only spaces where it may not be blank), lists of
choices hold each value once, and a batch has at most its limit of items, each
answered in its place.
"""

from django import forms
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

from .fields import MAX_ID, PersonField, VisibleWorkoutField

# Every id the routes' ID_PATTERN (logs.api.views) lets through: 1 to 18 digits, no leading zero.
MAX_PATH_ID = 10**18 - 1

ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": (
            "Why the request was refused: `detail` for the request as a whole, or each refused field "
            "(`non_field_errors` for the body as a whole) with its messages, e.g. "
            '`{"pain": ["Ensure this value is less than or equal to 10."]}`.'
        ),
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
        },
    },
)

ERROR_ANSWERS = {
    "400": "Refused input: field errors (or `detail` for a body that is not JSON).",
    "401": "No valid credentials: a token (`Authorization: Token <key>`) or a session.",
    "403": "The caller's role does not allow this (a viewer writing, someone other than the owner sharing), "
           "or a session request without its CSRF token.",
    "404": "Not found, or not the caller's to see (the two are never told apart).",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        self.registry.register_on_missing(ERROR)
        for code in self._error_codes():
            # An answer an operation documents itself (with its own words) is kept.
            responses.setdefault(code, {
                "content": {"application/json": {"schema": ERROR.ref}},
                "description": ERROR_ANSWERS[code],
            })
        return responses

    def _error_codes(self):
        writes = self.method not in permissions.SAFE_METHODS
        authenticated = any(self.get_auth())  # [] or [{}] when anyone may call it
        queried = bool(self._get_filter_parameters() or self._get_pagination_parameters())
        codes = set()
        if self.method in ("POST", "PUT", "PATCH") or queried:
            codes.add("400")
        if authenticated:
            codes.add("401")
            if writes:
                codes.add("403")
            if "{" in self.path or queried or self._names_a_person():
                codes.add("404")  # a row in the path, a page or a person filter, or a person in the body
        if self.view.get_throttles():
            codes.add("429")
        return sorted(codes)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, PersonField | VisibleWorkoutField):
            schema.update(minimum=1, maximum=MAX_ID)  # the ids parse_id accepts
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            for name, field in serializer.fields.items():
                text = schema["properties"].get(name, {})
                if isinstance(field, serializers.CharField) and text.get("type") == "string" and "pattern" not in text:
                    text["pattern"] = _text_pattern(field)
        return schema

    def _unwrap_list_serializer(self, serializer, direction):
        schema = super()._unwrap_list_serializer(serializer, direction)
        if direction == "request" and getattr(serializer, "max_length", None) is not None:
            # A batch (events/bulk/): at most its limit of items, each answered in its place,
            # so an item that is not a valid body is an "invalid" result, not a refused batch.
            schema["maxItems"] = serializer.max_length
            schema["items"] = {
                "anyOf": [schema["items"], {}],
                "description": "An item that is not a valid body is answered `invalid`; the others are stored.",
            }
        return schema

    def _names_a_person(self):
        body = self.get_request_serializer()
        fields = getattr(body, "fields", {}) if isinstance(body, serializers.Serializer) else {}
        return any(isinstance(field, PersonField) for field in fields.values())

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] == "path" and (parameter["name"] == "id" or parameter["name"].endswith("_id")):
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PATH_ID}
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # django-filter reads "?sound=" as no filter at all
            query_filter = filters.get(parameter["name"])
            if query_filter is not None:
                _bound(parameter["schema"], query_filter)
        return parameters


def _text_pattern(field):
    """What DRF's CharField takes: no NUL character, and unless blank is allowed, more than spaces."""
    if field.allow_blank:
        return r"^[^\x00]*$"
    if field.trim_whitespace:  # "  " is trimmed to "", which is blank
        return r"^[^\x00]*[^\x00\s][^\x00]*$"
    return r"^[^\x00]+$"


def _bound(schema, query_filter):
    """The type and bounds of a number filter, as its form field checks them."""
    if issubclass(query_filter.field_class, forms.DecimalField):
        schema["type"] = "number"  # min_pain=2.5 is a valid bound
    elif issubclass(query_filter.field_class, forms.IntegerField):
        schema["type"] = "integer"
    for keyword, bound in (("minimum", "min_value"), ("maximum", "max_value")):
        if query_filter.extra.get(bound) is not None:
            schema[keyword] = query_filter.extra[bound]


class UniqueChoicesFieldSchema(OpenApiSerializerFieldExtension):
    """A list such as ``signs`` refuses a value listed twice: ``uniqueItems`` says so."""

    target_class = "logs.api.serializers.UniqueChoicesField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "uniqueItems": True}
