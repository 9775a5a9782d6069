"""Benchmarks of the alert scan (not tests: they print figures).

    .venv/bin/python bench/scan.py            # everything, on PostgreSQL + Redis at 127.0.0.1
    .venv/bin/python bench/scan.py --quick    # smaller sweep and fewer latency samples
    .venv/bin/python bench/scan.py --only sweep

It works in its own database (``popwatch_bench``, created and emptied here;
DATABASE_URL chooses another server) and Redis database 14, and reports:

1. the median ``scan_person`` time for a person with 200 events and for one with
   20,000 events over 5 years: a scan reads the 21-day window, so the second
   should cost no more than 1.5x the first;
2. a full sweep over 10,000 people with 50 events each, in people per second
   (one process running the due scans, as one worker does): one ``engine.scan``
   per person, then ``engine.scan_many`` per batch of 200 as ``scan_people`` does
   (target: >= 500 people a second), and the CPU time of PostgreSQL's backend for each;
3. the latency from an HTTP POST to the alert being readable over HTTP, with
   gunicorn and a real Celery worker on Redis (median and p95 over 50 events).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import ROOT, answers, free_port, owner, reset, start_gunicorn, wait_for  # first: sets Django up
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from alerts import engine, tasks
from alerts.models import Alert, PersonScan
from logs import services, vocab
from logs.histories import PlannedHistory, planned_event, store_histories
from logs.models import Person

RNG = random.Random(2026)
SITES = [vocab.BodySite.KNEE, vocab.BodySite.HIP, vocab.BodySite.LOWER_BACK, vocab.BodySite.SHOULDER]
SOUNDS = [vocab.Sound.POP, vocab.Sound.CLICK, vocab.Sound.CRACK]


def people_with_events(count, events_each, days, *, life_stage=vocab.LifeStage.ADULT):
    """``count`` people, each with ``events_each`` benign pops spread over the last ``days`` days; their ids."""
    now = timezone.now()
    planned = (
        PlannedHistory(
            kind="bench",
            person={"name": f"Bench {n}", "life_stage": life_stage},
            events=[
                planned_event(
                    now - timedelta(seconds=RNG.uniform(60, days * 86400)), RNG.choice(SITES), RNG.choice(SOUNDS),
                    side=RNG.choice([vocab.Side.LEFT, vocab.Side.RIGHT]), activity=vocab.Activity.EXERCISE,
                    pain=RNG.choice([None, 0, 1]),
                )
                for _ in range(events_each)
            ],
        )
        for n in range(count)
    )
    store_histories(planned, owner=owner(), changed_at=now)
    # Marked changed at ``now``, or later by their events' insert (logs/event_counts.py): only these.
    return list(Person.objects.filter(log_changed_at__gte=now).order_by("pk").values_list("pk", flat=True))


def median_scan_seconds(person_id, runs):
    tasks.scan_person(person_id)  # the first scan writes the alerts; later ones read only
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        tasks.scan_person(person_id)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_window(runs):
    small = people_with_events(1, 200, days=18)[0]  # ~11 a day, all inside the window
    large = people_with_events(1, 20_000, days=5 * 365)[0]  # ~11 a day for 5 years
    small_s, large_s = median_scan_seconds(small, runs), median_scan_seconds(large, runs)
    ratio = large_s / small_s
    print(f"scan_person, 200 events:          median {small_s * 1000:.2f} ms over {runs} runs")
    print(f"scan_person, 20,000 events (5 y): median {large_s * 1000:.2f} ms over {runs} runs")
    print(f"  ratio {ratio:.2f} (must be <= 1.5: {'ok' if ratio <= 1.5 else 'FAILED'})")
    return ratio <= 1.5


def bench_sweep(people):
    """The same first sweep twice, as of the same moment: one ``engine.scan`` per person, then
    ``engine.scan_many`` per batch; both must raise the same alerts."""
    people_with_events(people, 50, days=20)
    now = timezone.now()
    rates, raised = {}, {}
    for how, scan_due in (("one by one", scan_one_by_one), ("batched", scan_in_batches)):
        Alert.objects.all().delete()
        PersonScan.objects.all().delete()
        started, database_cpu = time.perf_counter(), backend_cpu_seconds()
        due = list(engine.due_person_ids(now=now))
        scan_due(due, now)
        elapsed, database_cpu = time.perf_counter() - started, backend_cpu_seconds() - database_cpu
        rates[how] = len(due) / elapsed
        raised[how] = set(Alert.objects.values_list("person", "rule", "urgency", "body_site", "side", "message"))
        print(f"sweep over {len(due):,} people x 50 events, {how}: {elapsed:.1f} s, {rates[how]:.0f} people/s "
              f"(one process), {len(raised[how]):,} alerts; PostgreSQL backend CPU {database_cpu:.1f} s")
        assert len(due) >= people
    print(f"  batched / one by one: {rates['batched'] / rates['one by one']:.1f}x "
          f"(target >= 500 people/s: {'ok' if rates['batched'] >= 500 else 'FAILED'}); "
          f"same alerts: {'yes' if raised['batched'] == raised['one by one'] else 'NO'}")


def backend_cpu_seconds():
    """CPU time so far of this connection's PostgreSQL backend (a process on this machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, proc(5)


def scan_one_by_one(person_ids, now):
    for person_id in person_ids:
        engine.scan(person_id, now=now)


def scan_in_batches(person_ids, now):
    """What the sweep's ``scan_people`` tasks do, in this process."""
    for start in range(0, len(person_ids), tasks.SWEEP_BATCH):
        engine.scan_many(person_ids[start : start + tasks.SWEEP_BATCH], now=now)


def bench_latency(samples):
    import redis
    import requests

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    port = free_port()
    logs = ROOT / "var" / "bench"
    web = start_gunicorn(port, logs / "web.log")
    worker = subprocess.Popen(
        [Path(sys.executable).parent / "celery", "-A", "tracker", "worker", "--concurrency=2", "--loglevel=WARNING"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=open(logs / "worker.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: answers(f"{base}/healthz/"), 30, "gunicorn")
        user = owner()
        token = Token.objects.get_or_create(user=user)[0].key
        http = requests.Session()
        http.headers["Authorization"] = f"Token {token}"
        latencies = []
        for n in range(-1, samples):  # -1: a warm-up once the worker is up, not measured
            baby = services.create_person(owner=user, name=f"Latency {n}", life_stage=vocab.LifeStage.INFANT)
            started = time.perf_counter()
            answer = http.post(f"{base}/api/v1/events/", json={
                "person": baby.pk, "occurred_at": timezone.now().isoformat(),
                "body_site": "hip", "side": "left", "sound": "clunk",
            })
            assert answer.status_code == 201, answer.text
            wait_for(lambda: http.get(f"{base}/api/v1/alerts/", params={"person": baby.pk}).json()["count"] == 1,
                     60, "the alert")
            if n >= 0:
                latencies.append(time.perf_counter() - started)
        latencies.sort()
        p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
        print(f"POST -> alert readable (gunicorn, worker on Redis), {samples} events: "
              f"median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 people in the sweep, 10 latency samples")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (may repeat)")
    args = parser.parse_args()
    parts = args.only or PARTS
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; broker: {os.environ['REDIS_URL']}")
    window_ok = True
    if "window" in parts:
        reset()
        window_ok = bench_window(runs=30)
    if "sweep" in parts:
        reset()
        bench_sweep(1_000 if args.quick else 10_000)
    if "latency" in parts:
        reset()
        bench_latency(10 if args.quick else 50)
    sys.exit(0 if window_ok else 1)


PARTS = ("window", "sweep", "latency")


if __name__ == "__main__":
    main()
