"""The API's event list and create, through Django's whole stack in this process: time per request,
queries, and (``--profile``) where the time goes.

    .venv/bin/python bench/api_requests.py                 # GET 100, GET 20, POST: median ms and queries
    .venv/bin/python bench/api_requests.py --profile post  # pyinstrument's tree of 500 POSTs

No network and no HTTP server (the side-by-side harness, shared/perf, measures those): this
shows what Popwatch's own code costs per request, to find what to make cheaper.
"""

import argparse
import os
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
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from logs import services  # noqa: E402
from logs.models import Event  # noqa: E402

EVENTS = 5000  # as the side-by-side harness seeds


def seed():
    common.reset()
    user = common.owner()
    token = Token.objects.create(user=user)
    person = services.create_person(owner=user, name="Bench", life_stage="adult")
    now = timezone.now()
    Event.objects.bulk_create(
        Event(person=person, created_by=user, occurred_at=now - timedelta(minutes=17 * (i + 1)),
              body_site="knee", side="left", sound="click", activity="walking", pain=0)
        for i in range(EVENTS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum soon would: plans for 5,000 rows, not for none
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}"), person


def scenarios(client, person):
    list_url = "/api/v1/events/?person={}&page_size={}"

    def post():
        body = {
            "person": person.pk, "occurred_at": (timezone.now() - timedelta(minutes=1)).isoformat(),
            "client_id": str(uuid.uuid4()), "body_site": "knee", "side": "left", "sound": "click",
            "activity": "walking", "pain": 0, "signs": [], "note": "bench",
        }
        return client.post("/api/v1/events/", body, content_type="application/json")

    return {
        "get100": lambda: client.get(list_url.format(person.pk, 100)),
        "get20": lambda: client.get(list_url.format(person.pk, 20)),
        "post": post,
    }


def measure(request, runs):
    for _ in range(20):
        request()  # warm-up
    queries = []
    # An execute wrapper, not CaptureQueriesContext: each request resets connection.queries.
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        answer = request()
    assert answer.status_code < 300, answer.content
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        request()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--profile", choices=["get100", "get20", "post"])
    args = parser.parse_args()
    requests = scenarios(*seed())
    if args.profile:
        from pyinstrument import Profiler

        request = requests[args.profile]
        for _ in range(20):
            request()
        with Profiler(interval=0.0002) as profiler:
            for _ in range(args.runs):
                request()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    for name, request in requests.items():
        median, queries = measure(request, args.runs)
        print(f"{name:7} median {median:6.2f} ms  {queries} queries")


if __name__ == "__main__":
    main()
