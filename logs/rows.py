"""The statements every API request makes, in plain SQL: the token's user, a person with the
caller's role, a page of a person's events; and storing one event.

Each runs per request, and the ORM would spend three times the database's own time building
and compiling their SQL again every time (issue 9). The SQL names tables and columns from the
models, and each value goes through the converters the ORM would apply, so the rows are what
the ORM would read, on PostgreSQL and SQLite alike. Scoping stays in ``selectors``, which calls
the person and page reads; the API's token authentication calls the token's, ``services`` the insert.
"""

import functools

from django.db import connection
from rest_framework.authtoken.models import Token

from .models import Caregiver, Event, Person, User


class Columns:
    """Some fields of a model, read as SQL columns and converted as the ORM converts them."""

    def __init__(self, model, names, alias):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in names]
        self.names = [field.attname for field in self.fields]
        self.alias = alias

    def sql(self):
        return ", ".join(f'{self.alias}."{field.column}"' for field in self.fields)

    @functools.cached_property
    def _converters(self):
        # As the compiler's get_converters: the backend's, then the field's own (JSON, say),
        # kept only for the columns that have any (on PostgreSQL, few do).
        converters = []
        for index, field in enumerate(self.fields):
            expression = field.get_col(self.alias)
            functions = [*connection.ops.get_db_converters(expression), *field.get_db_converters(connection)]
            if functions:
                converters.append((index, expression, functions))
        return converters

    def convert(self, values):
        values = list(values)
        for index, expression, functions in self._converters:
            value = values[index]
            for function in functions:
                value = function(value, expression, connection)
            values[index] = value
        return values

    def instance(self, values):
        return self.model.from_db(connection.alias, self.names, self.convert(values))


def _table(model):
    return f'"{model._meta.db_table}"'


USER = Columns(User, [field.name for field in User._meta.concrete_fields], "u")
TOKEN = Columns(Token, ["key", "user", "created"], "t")

_USER_OF_TOKEN = (
    f"SELECT {TOKEN.sql()}, {USER.sql()} FROM {_table(Token)} t "
    f"JOIN {_table(User)} u ON u.id = t.user_id WHERE t.key = %s"
)


def token_with_user(key):
    """The token with this key, its ``user`` loaded; None if there is none."""
    with connection.cursor() as cursor:
        cursor.execute(_USER_OF_TOKEN, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    token = TOKEN.instance(row[: len(TOKEN.fields)])
    token.user = USER.instance(row[len(TOKEN.fields) :])
    return token


PERSON = Columns(Person, [field.name for field in Person._meta.concrete_fields], "p")

_OF_CAREGIVER = (
    f"FROM {_table(Person)} p JOIN {_table(Caregiver)} c ON c.person_id = p.id WHERE p.id = %s AND c.user_id = %s"
)
_PERSON_WITH_ROLE = f"SELECT {PERSON.sql()}, c.role {_OF_CAREGIVER}"
_PERSON_AND_REPLAY = (
    f"SELECT {PERSON.sql()}, c.role, "
    f"(SELECT e.id FROM {_table(Event)} e WHERE e.person_id = p.id AND e.client_id = %s) {_OF_CAREGIVER}"
)


def person_with_role(user_id, person_id):
    """The person, annotated with ``role`` (the user's), if the user is one of its caregivers; else None."""
    return _person_of_caregiver(_PERSON_WITH_ROLE, [person_id, user_id], "role")


def person_and_replayed_id(user_id, person_id, client_id):
    """``person_with_role`` annotated with ``replayed_id``: its event stored under ``client_id``, if any."""
    # The client id as the ORM would send it (a UUID is text on SQLite).
    client_id = Event._meta.get_field("client_id").get_db_prep_value(client_id, connection)
    return _person_of_caregiver(_PERSON_AND_REPLAY, [client_id, person_id, user_id], "role", "replayed_id")


def _person_of_caregiver(sql, params, *annotations):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    person = PERSON.instance(row[: len(PERSON.fields)])
    for name, value in zip(annotations, row[len(PERSON.fields) :], strict=True):
        setattr(person, name, value)
    return person


@functools.cache
def event_page_reader(names):
    """Page readers of these Event fields (attnames such as person_id), then ``created_by__username``:
    ``(page, visible_page)``."""
    field_names = {field.attname: field.name for field in Event._meta.concrete_fields}
    names, author = names[:-1], names[-1]
    assert author == "created_by__username", names
    events = Columns(Event, [field_names[name] for name in names], "e")
    newest_first = "ORDER BY e.occurred_at DESC, e.id DESC"  # Event.Meta.ordering
    page_sql = (
        f"SELECT {events.sql()}, u.username FROM {_table(Event)} e "
        f"LEFT JOIN {_table(User)} u ON u.id = e.created_by_id "
        f"WHERE e.person_id = %s {newest_first} LIMIT %s OFFSET %s"
    )
    # The same page, with the person's count, if the user is one of the person's caregivers: no
    # row at all if not, one row of NULL events if the page is empty. One round trip, not two.
    visible_page_sql = (
        f"SELECT p.event_count, {events.sql()}, u.username FROM {_table(Person)} p "
        f"JOIN {_table(Caregiver)} c ON c.person_id = p.id AND c.user_id = %s "
        f"LEFT JOIN (SELECT {events.sql()}, e.created_by_id FROM {_table(Event)} e "
        f"WHERE e.person_id = %s {newest_first} LIMIT %s OFFSET %s) e ON 1 = 1 "
        f"LEFT JOIN {_table(User)} u ON u.id = e.created_by_id "
        f"WHERE p.id = %s {newest_first}"
    )

    def page(person_id, offset, limit):
        """The person's events from ``offset``, newest first, as value lists."""
        with connection.cursor() as cursor:
            cursor.execute(page_sql, [person_id, limit, offset])
            return [[*events.convert(row[:-1]), row[-1]] for row in cursor.fetchall()]

    def visible_page(user_id, person_id, offset, limit):
        """(the person's event count, ``page``) if the user is a caregiver of the person, else None."""
        with connection.cursor() as cursor:
            cursor.execute(visible_page_sql, [user_id, person_id, limit, offset, person_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        listed = [row[1:] for row in rows if row[1] is not None]  # the id of a listed event is never NULL
        return rows[0][0], [[*events.convert(row[:-1]), row[-1]] for row in listed]

    return page, visible_page


_NEW_EVENT_FIELDS = [field for field in Event._meta.concrete_fields if not field.primary_key]
_INSERT_EVENT = (
    f"INSERT INTO {_table(Event)} ({', '.join(chr(34) + field.column + chr(34) for field in _NEW_EVENT_FIELDS)}) "
    f"VALUES ({', '.join(['%s'] * len(_NEW_EVENT_FIELDS))}) RETURNING id"
)


def insert_event(event):
    """Store a new ``event`` as Model.save() would (each field's pre_save and database value, the
    id set on it); its insert marks the person's log changed (logs/event_counts.py). Event has no
    save signals to send (a test holds it)."""
    values = [field.get_db_prep_save(field.pre_save(event, add=True), connection) for field in _NEW_EVENT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_EVENT, values)
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
    return event
