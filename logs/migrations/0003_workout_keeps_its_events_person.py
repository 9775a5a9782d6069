"""SQLite: a workout cannot move to another person while its events stay with the first.

PostgreSQL already refuses this through the composite foreign key of 0002
(logs_event.(workout_id, person_id) -> logs_workout.(id, person_id)); SQLite's
triggers of 0002 guard only writes to logs_event, so this guards logs_workout.
"""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER logs_workout_keeps_its_events_person
BEFORE UPDATE OF person_id ON logs_workout
WHEN EXISTS (SELECT 1 FROM logs_event e WHERE e.workout_id = NEW.id AND e.person_id != NEW.person_id)
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: logs_event_workout_same_person');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS logs_workout_keeps_its_events_person;"


def _on_sqlite(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("logs", "0002_event_workout_same_person")]

    operations = [migrations.RunPython(_on_sqlite(SQLITE_FORWARD), _on_sqlite(SQLITE_BACKWARD))]
