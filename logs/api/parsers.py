"""The API's JSON parser: a body Python cannot handle safely is a 400, never a 500.

Two kinds of valid JSON are refused before any view sees them:

- nesting deeper than ``MAX_DEPTH``: Python's parser recurses once per level and
  fails at about a thousand; what the API takes is three levels deep at most (a
  batch, an event, its signs);
- a lone surrogate, a ``\\ud800``-``\\udfff`` escape without its pair: JSON's grammar
  allows it, but it is not Unicode text (RFC 8259, section 8.2), so storing it or
  echoing it in an error message would fail. The message is DRF's own for a CharField.
"""

import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        _refuse_unsafe(data)
        return data


def _refuse_unsafe(data):
    """Walk the parsed body (without recursing: it may be deep) for what the module refuses."""
    pending = [(data, 1, ())]
    while pending:
        value, depth, path = pending.pop()
        if isinstance(value, str):
            if found := LONE_SURROGATE.search(value):
                raise _not_text(data, path, found.group())
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            if isinstance(key, str) and (found := LONE_SURROGATE.search(key)):
                raise _not_text(data, (*path, key), found.group())
            pending.append((item, depth + 1, (*path, key)))


def _too_deep():
    return ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.")


def _not_text(data, path, surrogate):
    """A field error on the body's field when there is one to name, else one that says where."""
    message = f"Surrogate characters are not allowed: U+{ord(surrogate):X}"
    field = path[0]
    if isinstance(data, dict) and not LONE_SURROGATE.search(field):
        return ValidationError({field: [f"{message}."]})
    where = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")
    where = where.encode("utf-8", "backslashreplace").decode()
    return ValidationError({"non_field_errors": [f"{message} (at {where})."]})
