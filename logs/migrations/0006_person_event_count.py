"""Person.event_count, kept by triggers (logs/event_counts.py); and the events' own person index goes,
as logs_event_person_newest starts with person and serves every lookup by person.

The index is dropped by name, not by AlterField: on SQLite, AlterField rebuilds logs_event,
which the triggers of 0002 and 0003 do not survive.
"""

import django.db.models.deletion
from django.db import migrations, models

PERSON_INDEX = "logs_event_person_id_6558f4bd"  # the name Django gave the ForeignKey's index in 0001


def count_events(apps, schema_editor):
    from logs import event_counts

    # Triggers first, then the recount, in one transaction: no event is missed or counted twice.
    event_counts.install(schema_editor.connection)
    event_counts.recount(schema_editor.connection)


def uncount_events(apps, schema_editor):
    from logs import event_counts

    event_counts.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0005_sharelink"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="event_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="events",
                        to="logs.person",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX {PERSON_INDEX};", f"CREATE INDEX {PERSON_INDEX} ON logs_event (person_id);"
                ),
            ],
        ),
        migrations.RunPython(count_events, uncount_events),
    ]
