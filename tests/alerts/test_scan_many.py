"""A batch scan (``engine.scan_many``) gives exactly what scanning each person alone gives.

Every story is stored twice, from the same seed and at the same frozen moments:
one copy is scanned person by person, the other in one batch, and their alerts
(rule, tier, key, status, wording, evidence) and changes must be the same, through
the lifecycle of test_engine.py (tier raised, evidence edited away or deleted,
a dismissed alert coming back) and over the realistic histories of logs/histories.py.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import engine, services as alert_services, tasks
from alerts.models import Alert, PersonScan
from logs import services
from logs.histories import demo_histories, generated_histories, store_histories
from logs.models import Event, Person
from tests.factories import make_event, make_person, make_user
from tests.services import require_postgresql

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def hours_ago(hours):
    return datetime.now(UTC) - timedelta(hours=hours)


def clunk(person, hours=2):
    return make_event(person, body_site="hip", side="left", sound="clunk", activity="diaper_change",
                      occurred_at=hours_ago(hours))


def cried(person, hours):
    return make_event(person, body_site="knee", side="right", sound="click", signs=["cried"],
                      occurred_at=hours_ago(hours))


def active(person, rule):
    return Alert.objects.get(person=person, rule=rule, status__in=["open", "acknowledged"])


# Each story: (life stage, step 1 on the new person, step 2 a few minutes later), both returning nothing.

def raised_tier(person):
    cried(person, 30)


def raised_tier_later(person):
    cried(person, 1)


def tier_never_drops(person):
    cried(person, 30)
    cried(person, 1)


def tier_never_drops_later(person):
    first = person.events.order_by("occurred_at").first()
    services.update_event(event=first, signs=[])


def edited_away_later(person):
    services.update_event(event=person.events.get(), sound="click")


def deleted_later(person):
    services.delete_event(event=person.events.get())


def dismissed_comes_back_later(person):
    alert_services.change_alert_status(alert=active(person, "hip_clunk"), status="dismissed")
    clunk(person, hours=0)


def dismissed_stays_closed_later(person):
    alert_services.change_alert_status(alert=active(person, "hip_clunk"), status="dismissed")


def grinding_on_three_days(person):
    for days in (25, 3, 1):  # one day outside the window
        make_event(person, body_site="knee", side="left", sound="grinding", occurred_at=hours_ago(24 * days))


def grinding_later(person):
    make_event(person, body_site="knee", side="left", sound="grinding", occurred_at=hours_ago(48))


def joined_later(person):
    clunk(person, hours=1)


def nothing(person):
    pass


STORIES = [
    ("infant", raised_tier, raised_tier_later),
    ("infant", tier_never_drops, tier_never_drops_later),
    ("infant", clunk, joined_later),
    ("infant", clunk, edited_away_later),
    ("infant", clunk, deleted_later),
    ("infant", clunk, dismissed_comes_back_later),
    ("infant", clunk, dismissed_stays_closed_later),
    ("adult", grinding_on_three_days, grinding_later),
    ("adult", nothing, nothing),
]


def store_stories(copy):
    """The stories for one copy, in one owner's name, plus the realistic histories; the people in id order."""
    owner = make_user(f"owner-{copy}", timezone="Pacific/Auckland")  # days differ from UTC days
    people = [
        make_person(owner, name=f"{first.__name__} {copy}", life_stage=stage,
                    birth_date=(START - timedelta(days=60)).date())
        for stage, first, _ in STORIES
    ]
    for person, (_, first, _) in zip(people, STORIES):
        first(person)
    realistic = [*demo_histories(now=START), *generated_histories(count=6, days=30, now=START, seed=9)]
    store_histories(realistic, owner=owner, changed_at=START)
    stored = Person.objects.filter(caregivers__user=owner).exclude(pk__in=[p.pk for p in people]).order_by("pk")
    return [*people, *stored]


def alerts_of(person):
    """The person's alerts as comparable facts: evidence by position in their log, not by id."""
    position = {pk: n for n, pk in enumerate(Event.objects.filter(person=person).order_by("occurred_at", "pk")
                                             .values_list("pk", flat=True))}
    return sorted(
        (a.rule, a.urgency, a.body_site, a.side, a.status, a.title, a.message, a.last_evidence_at,
         sorted(position[pk] for pk in a.evidence.values_list("pk", flat=True)))
        for a in Alert.objects.filter(person=person)
    )


def changes_by_person(changes, people):
    index = {person.pk: n for n, person in enumerate(people)}
    return sorted((index[c.alert.person_id], c.alert.rule, c.alert.body_site, c.alert.side, c.kind) for c in changes)


def test_a_batch_scan_equals_scanning_each_person_alone():
    with time_machine.travel(START, tick=False):
        alone, batch = store_stories("alone"), store_stories("batch")
        assert len(alone) == len(batch) == len(STORIES) + 9
        one_by_one = [c for person in alone for c in engine.scan(person.pk)]
        together = engine.scan_many([person.pk for person in batch])
    assert changes_by_person(together, batch) == changes_by_person(one_by_one, alone)
    assert {c.kind for c in together} == {"created"} and len(together) > len(STORIES)

    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        for people in (alone, batch):
            for person, (_, _, later) in zip(people, STORIES):
                later(person)
        one_by_one = [c for person in alone for c in engine.scan(person.pk)]
        together = engine.scan_many([person.pk for person in batch])
    assert changes_by_person(together, batch) == changes_by_person(one_by_one, alone)
    assert {c.kind for c in together} == {"created", "raised", "joined"}

    for person_alone, person_batch in zip(alone, batch):
        assert alerts_of(person_batch) == alerts_of(person_alone), person_batch.name
    statuses = {a[4] for person in batch for a in alerts_of(person)}
    assert statuses == {"open", "resolved", "dismissed"}  # the lifecycle was exercised

    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        assert engine.scan_many([person.pk for person in batch]) == []  # a rescan changes nothing


def test_a_batch_scan_costs_the_same_queries_for_2_people_as_for_20(db):
    owner = make_user("many")
    # 22 people: SQLite's limit of 999 values per query would split larger inserts of alerts (PostgreSQL's would not).
    people = [make_person(owner, name=f"P{n}", life_stage="infant") for n in range(22)]
    for person in people:
        clunk(person)
        cried(person, 30)
        make_event(person, body_site="knee", sound="pop")

    def queries(batch, kinds):
        with CaptureQueriesContext(connection) as captured:
            changes = engine.scan_many([person.pk for person in batch])
        assert {c.kind for c in changes} == kinds
        return len(captured)

    assert queries(people[:2], {"created"}) == queries(people[2:], {"created"})
    for person in people:  # new evidence everywhere: one alert raised, one joined
        cried(person, 1)
        clunk(person, hours=1)
    assert queries(people[:2], {"raised", "joined"}) == queries(people[2:], {"raised", "joined"})


def test_a_batch_skips_people_deleted_and_marks_the_others_scanned(db):
    owner = make_user("gone")
    kept, gone = make_person(owner, name="Kept", life_stage="infant"), make_person(owner, name="Gone")
    clunk(kept)
    gone_id = gone.pk
    gone.delete()
    [change] = engine.scan_many([gone_id, kept.pk])
    assert change.alert.person_id == kept.pk
    assert list(PersonScan.objects.values_list("person_id", flat=True)) == [kept.pk]
    assert list(engine.due_person_ids()) == []


def test_the_sweep_scans_its_batches_with_scan_many(db, monkeypatch):
    owner = make_user("swept")
    people = [make_person(owner, name=f"S{n}", life_stage="infant") for n in range(5)]
    for person in people:
        services.log_event(person=person, created_by=owner, occurred_at=hours_ago(2), body_site="hip",
                           side="left", sound="clunk")
    batches = []
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    monkeypatch.setattr(tasks.scan_people, "delay", lambda ids: batches.append(ids) or tasks.scan_people(ids))
    monkeypatch.setattr(tasks.send_alert_emails_task, "delay", lambda alert_id: None)
    assert tasks.sweep() == 5
    assert batches == [[p.pk for p in people[:2]], [p.pk for p in people[2:4]], [people[4].pk]]
    assert Alert.objects.filter(rule="hip_clunk").count() == 5
    assert list(engine.due_person_ids()) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_scans_raise_each_alert_once():
    require_postgresql()
    owner = make_user("racing")
    people = [make_person(owner, name=f"R{n}", life_stage="infant") for n in range(30)]
    for person in people:
        clunk(person)
    ids = [person.pk for person in people]
    # Four batches over the same people in different orders, and single scans, all at once,
    # all first scans (no PersonScan rows yet): each waits for the others' locks, none deadlocks.
    work = [ids, ids[::-1], ids[10:] + ids[:10], ids[::2] + ids[1::2], *[[pk] for pk in ids[:8]]]
    start = threading.Barrier(len(work))

    def scan(batch):
        try:
            start.wait()
            return len(engine.scan_many(batch))
        finally:
            connection.close()

    with ThreadPoolExecutor(len(work)) as pool:
        created = sum(pool.map(scan, work))
    assert created == len(people)
    assert sorted(Alert.objects.values_list("person_id", "rule")) == [(pk, "hip_clunk") for pk in ids]
    assert list(engine.due_person_ids()) == []
