"""The API's database cost does not grow with the page or the history (no N+1 queries).

Counts are of the statements a test sees, savepoints included (in production the
outermost transaction is BEGIN/COMMIT instead of SAVEPOINT/RELEASE).
"""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.models import Alert
from logs.models import Event
from tests.factories import event_body, make_event, make_person, make_user, make_workout, share

# token lookup, COUNT(*), the page itself; a person filter costs nothing more (its rows show the person visible)
LIST_QUERIES = 3
FILTERED_LIST_QUERIES = 3
# a person's timeline (?person= alone): token lookup, then the person's kept count with the page, in one query
TIMELINE_QUERIES = 2
# token lookup, the row
RETRIEVE_QUERIES = 2
MAX_CREATE_QUERIES = 6
# services.sync_events in bulk (issue 9, item 2), whatever the number of items or people:
# token, 2 savepoints and their releases, replays, people, workouts, the INSERT of the
# events (which marks their people's logs changed); the immediate rules' lock, window, its workouts, alerts, and the
# alerts, evidence and e-mails they write. (On SQLite the INSERT splits every 58 events.)
MAX_BULK_QUERIES = 17


@pytest.fixture
def history(owner, person):
    """100 events of ``person``, half of them in one of 10 workouts, and 10 workouts with events."""
    now = timezone.now()
    workouts = [make_workout(person, created_by=owner, started_at=now - timedelta(days=i, hours=3)) for i in range(10)]
    Event.objects.bulk_create(
        Event(
            person=person, occurred_at=now - timedelta(hours=i + 1), body_site="knee", sound="pop",
            signs=["swelling"], pain=i % 11, created_by=owner, workout=workouts[i % 10] if i % 2 else None,
        )
        for i in range(100)
    )
    return workouts


def queries_of(request):
    with CaptureQueriesContext(connection) as queries:
        answer = request()
    assert answer.status_code < 300, answer.content
    return len(queries)


@pytest.mark.parametrize("page_size", [10, 50, 100])
@pytest.mark.parametrize(
    "filters, expected",
    [({}, LIST_QUERIES), ({"min_pain": 0}, FILTERED_LIST_QUERIES), ({"person": None}, TIMELINE_QUERIES)],
)
def test_listing_events_costs_the_same_for_any_page_size(
    api, person, history, django_assert_num_queries, page_size, filters, expected
):
    query = {"page_size": page_size, **filters}
    if filters:
        query["person"] = person.pk

    with django_assert_num_queries(expected):
        answer = api.get("/api/v1/events/", query)

    assert len(answer.json()["results"]) == page_size
    assert {e["created_by"] for e in answer.json()["results"]} == {"olive"}


def test_listing_workouts_costs_the_same_for_any_page_size(api, person, history, django_assert_num_queries):
    for _ in range(40):
        make_workout(person)

    for page_size in (5, 50):
        with django_assert_num_queries(LIST_QUERIES):
            answer = api.get("/api/v1/workouts/", {"page_size": page_size})
        assert len(answer.json()["results"]) == page_size
    assert sum(w["event_count"] for w in answer.json()["results"]) == 50


def test_listing_persons_costs_the_same_for_any_page_size(owner, api, django_assert_num_queries):
    now = timezone.now()
    for i in range(30):
        person = make_person(owner, name=f"Person {i:02}")
        share(person, make_user(), "viewer")
        Alert.objects.create(
            person=person, rule="rule", urgency="soon", title="t", message="m", first_seen_at=now, last_evidence_at=now
        )

    for page_size in (5, 30):
        with django_assert_num_queries(LIST_QUERIES):
            answer = api.get("/api/v1/persons/", {"page_size": page_size})
        assert [p["open_alerts"] for p in answer.json()["results"]] == [1] * page_size


@pytest.mark.parametrize("path", ["events", "workouts", "persons"])
def test_retrieving_costs_two_queries(api, person, history, django_assert_num_queries, path):
    row_id = {"events": Event.objects.first().pk, "workouts": history[0].pk, "persons": person.pk}[path]

    with django_assert_num_queries(RETRIEVE_QUERIES):
        assert api.get(f"/api/v1/{path}/{row_id}/").status_code == 200


@pytest.mark.parametrize(
    "symptoms, most",
    # A symptom runs the immediate rules (alerts.engine.scan_immediate): the person's lock, the 48 h window
    # and its workouts.
    [({}, MAX_CREATE_QUERIES), ({"pain": 3, "signs": ["swelling"]}, MAX_CREATE_QUERIES + 3)],
)
def test_creating_an_event_costs_the_same_whatever_the_history(api, person, history, symptoms, most):
    api.post("/api/v1/events/", event_body(person, pain=1))  # the person's first scan bookkeeping is set up once

    small = queries_of(lambda: api.post("/api/v1/events/", event_body(person, client_id=str(uuid4()), **symptoms)))
    Event.objects.bulk_create(
        Event(person=person, occurred_at=timezone.now() - timedelta(minutes=i + 1), body_site="hip", sound="click")
        for i in range(200)
    )
    large = queries_of(lambda: api.post("/api/v1/events/", event_body(person, **symptoms)))

    assert small == large <= most


def bulk_of(api, owner, people, size):
    """A POST of ``size`` items over that many new people: new ones (some in a workout, some raising
    an alert at once), replays, repeats and invalid ones."""
    people = [make_person(owner, name=f"P{n}") for n in range(people)]
    # Each person's first scan bookkeeping (their PersonScan row) is set up once, by a first batch.
    api.post("/api/v1/events/bulk/", [event_body(person, client_id=str(uuid4())) for person in people])
    workouts = [make_workout(person) for person in people]
    stored = [make_event(person, client_id=uuid4()) for person in people]
    items = []
    for n in range(size):
        person, workout, replayed = people[n % len(people)], workouts[n % len(people)], stored[n % len(people)]
        items.append([
            event_body(person, client_id=str(replayed.client_id)),
            event_body(person, client_id=str(uuid4()), pain=11),
            event_body(person, client_id=str(uuid4()), workout=workout.pk),
            event_body(person, client_id=str(uuid4()), signs=["locking"]),
            {**items[-1], "pain": 3} if items else event_body(person, client_id=str(uuid4())),  # a repeat
        ][n % 5])
    return lambda: api.post("/api/v1/events/bulk/", items)


@pytest.mark.parametrize("sizes, people", [((5, 50), (1, 1)), ((60, 60), (2, 6))], ids=["items", "people"])
def test_a_bulk_batch_costs_the_same_for_any_number_of_items_or_people(api, owner, sizes, people):
    costs = [queries_of(bulk_of(api, owner, count, size)) for size, count in zip(sizes, people)]

    assert costs[0] == costs[1] <= MAX_BULK_QUERIES
    assert Alert.objects.count() == people[0] + people[1]  # each locking knee, raised at once
