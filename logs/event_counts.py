"""``Person.event_count``, kept by the database: triggers on logs_event add and subtract.

An insert also marks the person's log changed (``log_changed_at``), at the new events'
``created_at`` (the application's clock, as every other mark), in the same UPDATE: a new event
costs its person one row version, not two (one person's hot row, updated at every write,
otherwise grows a chain of dead versions that slows every later write). The services mark
every other change.

Triggers, not the services: every insert, delete and move of an event counts, whoever
writes it (a service, a bulk seed, the admin, a cascade), and a delete that finds its row
gone already subtracts nothing. ``install`` runs in the migration that adds the column and
again after every ``migrate`` (logs.apps): SQLite drops a table's triggers whenever Django
rebuilds that table to alter it.
"""

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION logs_event_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE logs_person
            SET event_count = event_count + added.n, log_changed_at = GREATEST(log_changed_at, added.latest)
            FROM (SELECT person_id, count(*) AS n, max(created_at) AS latest FROM new_rows GROUP BY person_id) AS added
            WHERE logs_person.id = added.person_id;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE logs_person SET event_count = event_count - gone.n
            FROM (SELECT person_id, count(*) AS n FROM old_rows GROUP BY person_id) AS gone
            WHERE logs_person.id = gone.person_id;
        ELSE  -- an update: only events moved to another person change counts (an edit touches none)
            UPDATE logs_person SET event_count = event_count + moved.n
            FROM (
                SELECT person_id, sum(n) AS n
                FROM (SELECT person_id, 1 AS n FROM new_rows UNION ALL SELECT person_id, -1 FROM old_rows) AS rows
                GROUP BY person_id HAVING sum(n) <> 0
            ) AS moved
            WHERE logs_person.id = moved.person_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    # One statement-level trigger per operation (PostgreSQL allows transition tables on
    # single-event triggers only): a bulk insert of 500 events is one UPDATE per person.
    """
    CREATE OR REPLACE TRIGGER logs_event_count_insert AFTER INSERT ON logs_event
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION logs_event_count()
    """,
    """
    CREATE OR REPLACE TRIGGER logs_event_count_delete AFTER DELETE ON logs_event
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION logs_event_count()
    """,
    """
    CREATE OR REPLACE TRIGGER logs_event_count_update AFTER UPDATE ON logs_event
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION logs_event_count()
    """,
]

SQLITE = [
    """
    CREATE TRIGGER IF NOT EXISTS logs_event_count_insert AFTER INSERT ON logs_event BEGIN
        UPDATE logs_person
        SET event_count = event_count + 1, log_changed_at = MAX(COALESCE(log_changed_at, NEW.created_at), NEW.created_at)
        WHERE id = NEW.person_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS logs_event_count_delete AFTER DELETE ON logs_event BEGIN
        UPDATE logs_person SET event_count = event_count - 1 WHERE id = OLD.person_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS logs_event_count_update AFTER UPDATE OF person_id ON logs_event
    WHEN NEW.person_id <> OLD.person_id BEGIN
        UPDATE logs_person SET event_count = event_count - 1 WHERE id = OLD.person_id;
        UPDATE logs_person
        SET event_count = event_count + 1, log_changed_at = MAX(COALESCE(log_changed_at, NEW.created_at), NEW.created_at)
        WHERE id = NEW.person_id;
    END
    """,
]

RECOUNT = """
    UPDATE logs_person SET event_count = (SELECT count(*) FROM logs_event WHERE logs_event.person_id = logs_person.id)
"""


def install(connection):
    """Create (or replace) the triggers on ``connection``'s database."""
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"Person.event_count has no triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection):
    """Drop the triggers (the migration's reverse, before the column goes)."""
    with connection.cursor() as cursor:
        for operation in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS logs_event_count_{operation}" + (
                " ON logs_event" if connection.vendor == "postgresql" else ""))
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS logs_event_count()")


def install_after_migrate(using, **kwargs):
    """post_migrate: put back triggers a table rebuild dropped, once the column exists."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, "logs_person")}
    if "event_count" in columns:
        install(connection)


def recount(connection):
    """Set every person's count from the rows (once, when the column is added)."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
