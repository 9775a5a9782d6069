"""POST /api/v1/events/bulk/ with 500 items (the offline queue's sync), through Django's whole stack
in this process: time per batch and queries per batch.

    .venv/bin/python bench/bulk.py            # 7 runs of each batch
    .venv/bin/python bench/bulk.py --runs 3

Three batches of 500, each for one adult with 200 events in the last 10 days (so the immediate
rules have a window to read): all new; the same batch sent again (all replays); and a mixed one
(250 replays, 200 new, 50 invalid). Each run uses a new person; the figure is the median.
"""

import argparse
import os
import random
import statistics
import time
import uuid
from datetime import timedelta

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("CONN_MAX_AGE", "600")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)  # DEBUG off wants one

import common  # noqa: E402  (sets Django up)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from logs import services, vocab  # noqa: E402
from logs.models import Event  # noqa: E402

BULK = "/api/v1/events/bulk/"
BATCH = 500
RNG = random.Random(2026)
SITES = [vocab.BodySite.KNEE, vocab.BodySite.HIP, vocab.BodySite.LOWER_BACK, vocab.BodySite.SHOULDER]
SOUNDS = [vocab.Sound.POP, vocab.Sound.CLICK, vocab.Sound.CRACK]


def new_person(user, n):
    person = services.create_person(owner=user, name=f"Bulk {n}", life_stage=vocab.LifeStage.ADULT)
    now = timezone.now()
    Event.objects.bulk_create(
        Event(person=person, created_by=user, occurred_at=now - timedelta(minutes=RNG.uniform(60, 10 * 1440)),
              body_site=RNG.choice(SITES), side="left", sound=RNG.choice(SOUNDS), pain=RNG.choice([None, 0, 1]))
        for _ in range(200)
    )
    return person


def items(person, count):
    """What a phone queues: pops and clicks over the last 3 days, a few painful, each with its client_id."""
    now = timezone.now()
    return [
        {
            "person": person.pk, "client_id": str(uuid.uuid4()),
            "occurred_at": (now - timedelta(minutes=RNG.uniform(10, 3 * 1440))).isoformat(),
            "body_site": RNG.choice(SITES), "side": RNG.choice(["left", "right"]), "sound": RNG.choice(SOUNDS),
            "activity": "walking", "pain": RNG.choice([None, 0, 1, 2, 5]),
        }
        for _ in range(count)
    ]


def post(client, batch):
    connection.queries_log.clear()  # it keeps the last 9,000: counts start from an empty log
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        answer = client.post(BULK, batch, content_type="application/json")
        elapsed = time.perf_counter() - started
    assert answer.status_code == 200, answer.content[:500]
    return elapsed, len(queries), [result["status"] for result in answer.json()]


def batches(person):
    """(name, a batch to send first or None, the batch measured, its expected statuses)."""
    new = items(person, BATCH)
    stored = items(person, 250)
    invalid = [{**item, "pain": 11} for item in items(person, 50)]
    return [
        ("500 new", None, new, {"created": BATCH}),
        ("500 replays", new, new, {"duplicate": BATCH}),
        ("mixed: 250 replays, 200 new, 50 invalid", stored, [*stored, *items(person, 200), *invalid],
         {"duplicate": 250, "created": 200, "invalid": 50}),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    common.reset()
    user = common.owner()
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    figures = {}
    for run in range(-1, args.runs):  # -1: a warm-up, not measured
        for name, first, batch, expected in batches(new_person(user, run)):
            if first is not None:
                post(client, first)
            elapsed, queries, statuses = post(client, batch)
            assert {s: statuses.count(s) for s in set(statuses)} == expected, name
            if run >= 0:
                figures.setdefault(name, []).append((elapsed, queries))
    for name, samples in figures.items():
        times = [elapsed for elapsed, _ in samples]
        queries = sorted({count for _, count in samples})
        print(f"{name}: median {statistics.median(times) * 1000:.0f} ms (max {max(times) * 1000:.0f} ms) "
              f"over {len(times)} runs, {'/'.join(map(str, queries))} queries per batch")


if __name__ == "__main__":
    main()
