"""The database holds "an event's workout belongs to the event's person".

Django cannot declare a foreign key over two columns, so this is SQL per
database: on PostgreSQL a composite foreign key (workout_id, person_id) onto
the workout's unique (id, person_id); on SQLite, which cannot add a foreign key
to an existing table, triggers that abort the same writes.
"""

from django.db import migrations

POSTGRES_FORWARD = """
ALTER TABLE logs_event ADD CONSTRAINT logs_event_workout_same_person
    FOREIGN KEY (workout_id, person_id) REFERENCES logs_workout (id, person_id)
    ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED;
"""
POSTGRES_BACKWARD = "ALTER TABLE logs_event DROP CONSTRAINT logs_event_workout_same_person;"

SQLITE_CHECK = """
CREATE TRIGGER logs_event_workout_same_person_{op}
BEFORE {verb} ON logs_event
WHEN NEW.workout_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM logs_workout w WHERE w.id = NEW.workout_id AND w.person_id = NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: logs_event_workout_same_person');
END;
"""
SQLITE_FORWARD = [SQLITE_CHECK.format(op="insert", verb="INSERT"), SQLITE_CHECK.format(op="update", verb="UPDATE")]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS logs_event_workout_same_person_insert;",
    "DROP TRIGGER IF EXISTS logs_event_workout_same_person_update;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("logs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": [POSTGRES_FORWARD], "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": [POSTGRES_BACKWARD], "sqlite": SQLITE_BACKWARD}),
        )
    ]
