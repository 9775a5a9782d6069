"""Person.event_count is kept by the database (logs/event_counts.py): it equals the person's rows
whatever writes them, so the timeline's count (issue 9) never drifts."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from logs import event_counts, services
from logs.models import Event, Person
from tests.factories import client_for, event_body, make_event, make_person, make_user


def assert_counts_true():
    for person in Person.objects.annotate(rows=Count("events")):
        assert person.event_count == person.rows, person.name


@pytest.fixture
def people(owner):
    return make_person(owner, name="Ada"), make_person(owner, name="Ben")


def test_inserts_and_deletes_of_any_kind_are_counted(owner, people):
    ada, ben = people
    now = timezone.now()
    Event.objects.bulk_create(
        [Event(person=ada, occurred_at=now, body_site="knee", sound="click") for _ in range(5)]
        + [Event(person=ben, occurred_at=now, body_site="hip", sound="pop") for _ in range(2)]
    )
    event = make_event(ada)
    assert_counts_true()
    assert [p.event_count for p in (ada, ben)] == [0, 0]  # the instances in memory are not refreshed
    ada.refresh_from_db()
    assert ada.event_count == 6

    event.note = "edited"
    event.save()
    Event.objects.filter(pk=event.pk).delete()
    Event.objects.filter(pk=event.pk).delete()  # a second delete of the same row subtracts nothing
    assert_counts_true()

    Event.objects.filter(person=ben).update(person=ada)  # moved: one loses, the other gains
    assert_counts_true()
    ben.delete()
    ada.events.all()[:1].get().delete()
    assert_counts_true()


def test_the_services_and_the_api_writes_are_counted(owner, people):
    ada, _ = people
    api = client_for(owner)
    services.log_event(person=ada, created_by=owner, occurred_at=timezone.now(), body_site="knee", sound="pop")
    body = event_body(ada, client_id=str(uuid4()))
    assert api.post("/api/v1/events/", body, format="json").status_code == 201
    assert api.post("/api/v1/events/", body, format="json").status_code == 200  # a replay stores nothing
    items = [event_body(ada, client_id=str(uuid4())) for _ in range(30)]
    assert api.post("/api/v1/events/bulk/", items + items[:3], format="json").status_code == 200
    event = Event.objects.filter(person=ada).first()
    services.delete_event(event=event)
    assert_counts_true()
    ada.refresh_from_db()
    assert ada.event_count == 1 + 1 + 30 - 1

    answer = api.get("/api/v1/events/", {"person": ada.pk}).json()
    assert answer["count"] == 31


def test_the_count_is_kept_by_another_users_writes_too(owner, people):
    ada, _ = people
    editor = make_user()
    services.share_person(person=ada, user=editor, role="editor")
    assert client_for(editor).post("/api/v1/events/", event_body(ada), format="json").status_code == 201
    assert_counts_true()


def test_migrate_again_keeps_one_set_of_triggers(owner, people):
    """post_migrate installs the triggers again (SQLite drops them when Django rebuilds a table): never twice."""
    ada, _ = people
    call_command("migrate", verbosity=0)
    event_counts.install(connection)
    make_event(ada)
    ada.refresh_from_db()
    assert ada.event_count == 1


def test_the_migration_counts_what_was_there(owner, people):
    ada, _ = people
    for _ in range(3):
        make_event(ada, occurred_at=timezone.now() - timedelta(days=1))
    Person.objects.filter(pk=ada.pk).update(event_count=0)  # as before the column existed

    event_counts.recount(connection)

    assert_counts_true()


def test_an_insert_marks_the_log_changed_at_its_creation(owner, people):
    """The insert's trigger marks the person for the sweep, in the UPDATE that counts the event."""
    ada, _ = people
    Person.objects.filter(pk=ada.pk).update(log_changed_at=None)
    logged = services.log_event(person=ada, created_by=owner, occurred_at=timezone.now(), body_site="knee", sound="pop")
    event = logged.event
    ada.refresh_from_db()
    assert ada.log_changed_at == event.created_at

    later = timezone.now() + timedelta(minutes=5)
    Person.objects.filter(pk=ada.pk).update(log_changed_at=later)  # a later mark (an edit, say) stays
    make_event(ada)
    ada.refresh_from_db()
    assert ada.log_changed_at == later
