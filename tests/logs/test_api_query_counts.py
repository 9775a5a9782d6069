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
from tests.factories import event_body, make_person, make_user, make_workout, share

# token lookup, COUNT(*), the page itself
LIST_QUERIES = 3
# and the person filter's visibility check
FILTERED_LIST_QUERIES = 4
# token lookup, the row
RETRIEVE_QUERIES = 2
MAX_CREATE_QUERIES = 9
# services.sync_events gives each item a savepoint of its own (2 statements), so one item
# failing can never cost the batch (issue 8, item 7).
MAX_QUERIES_PER_BULK_ITEM = 9


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
@pytest.mark.parametrize("filtered, expected", [(False, LIST_QUERIES), (True, FILTERED_LIST_QUERIES)])
def test_listing_events_costs_the_same_for_any_page_size(
    api, person, history, django_assert_num_queries, page_size, filtered, expected
):
    query = {"page_size": page_size, **({"person": person.pk, "min_pain": 0} if filtered else {})}

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


def test_creating_an_event_costs_the_same_whatever_the_history(api, person, history):
    api.post("/api/v1/events/", event_body(person))  # the person's first scan bookkeeping is set up once

    small = queries_of(lambda: api.post("/api/v1/events/", event_body(person)))
    Event.objects.bulk_create(
        Event(person=person, occurred_at=timezone.now() - timedelta(minutes=i + 1), body_site="hip", sound="click")
        for i in range(200)
    )
    large = queries_of(lambda: api.post("/api/v1/events/", event_body(person)))

    assert small == large <= MAX_CREATE_QUERIES


def test_a_bulk_batch_costs_a_constant_number_of_queries_per_item(api, person):
    api.post("/api/v1/events/", event_body(person))

    def batch(size):
        items = [event_body(person, client_id=str(uuid4())) for _ in range(size)]
        return lambda: api.post("/api/v1/events/bulk/", items)

    costs = [queries_of(batch(size)) for size in (5, 10, 20)]
    per_item = (costs[1] - costs[0]) / 5

    assert costs[2] - costs[1] == 10 * per_item  # linear: the person is looked up once per batch
    assert per_item <= MAX_QUERIES_PER_BULK_ITEM
