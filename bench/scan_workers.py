"""Scale benchmark: the sweep with 1 then 2 worker processes on one Redis (issue 9, target 4).

    .venv/bin/python bench/scan_workers.py                 # 10,000 people x 50 events (about 3 minutes)
    .venv/bin/python bench/scan_workers.py --people 2000

Everything is real and on this machine: a redis-server of its own on a free port (never
the shared one), PostgreSQL (database ``popwatch_workers``, created and emptied here),
and ``celery worker --concurrency 1`` processes, one Celery process each. The people
(benign pops, as ``bench/scan.py`` stores them) are stored once; then, for 1 and 2
workers, every scan mark is dropped, the ``sweep`` task is enqueued (it runs on a worker
and splits the due people into ``scan_people`` batches of 200 for all of them), and
the figure is the time until every person's scan has committed, polled in the database,
with how many batches each worker ran and their mean time (from the workers' logs): on a
machine short of cores, the second tells CPU sharing from work that does not divide.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.redis_server import RedisServer  # noqa: E402 - before Django: REDIS_URL must name this server

redis_server = RedisServer(tempfile.mkdtemp(prefix="popwatch-workers-redis-"))
os.environ["REDIS_URL"] = redis_server.url
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/popwatch_workers")

from common import ROOT, reset, wait_for  # noqa: E402 - sets Django up
from django.utils import timezone  # noqa: E402
from scan import people_with_events  # noqa: E402

from alerts import tasks  # noqa: E402
from alerts.models import Alert, PersonScan  # noqa: E402

LOGS = ROOT / "var" / "bench-workers"
QUIET = 3  # seconds for the workers' sweep on connecting (nothing is due then) to finish
POLL = 0.25  # seconds between counts of the people scanned: often enough, and no load on PostgreSQL


def start_workers(count):
    LOGS.mkdir(parents=True, exist_ok=True)
    workers = [
        subprocess.Popen(
            [Path(sys.executable).parent / "celery", "-A", "tracker", "worker", "--concurrency", "1",
             "-n", f"bench{n}@%h", "--loglevel=INFO"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=open(LOGS / f"worker{n}.log", "w"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]
    for n in range(count):
        wait_for(lambda n=n: " ready." in (LOGS / f"worker{n}.log").read_text(), 60, f"worker {n}")
    return workers


def stop(workers):
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def mark_all_scanned(person_ids):
    """Nobody due: the sweep each worker asks for on connecting finds nothing to do."""
    Alert.objects.all().delete()
    PersonScan.objects.all().delete()
    now = timezone.now()
    PersonScan.objects.bulk_create([PersonScan(person_id=pk, scanned_at=now) for pk in person_ids], batch_size=2000)


def timed_sweep(people):
    """Seconds from enqueuing the sweep to every person's scan committed."""
    PersonScan.objects.all().delete()
    started_at, started = timezone.now(), time.perf_counter()
    tasks.sweep.delay()
    while PersonScan.objects.filter(scanned_at__gte=started_at).count() < people:
        time.sleep(POLL)
    return time.perf_counter() - started


def batches_done(count):
    """Each worker's scan_people tasks as its log tells them: how many, and their mean seconds."""
    done = []
    for n in range(count):
        seconds = [float(s) for s in TASK_DONE.findall((LOGS / f"worker{n}.log").read_text())]
        done.append(f"{len(seconds)} x {statistics.mean(seconds):.2f} s" if seconds else "none")
    return ", ".join(done)


TASK_DONE = re.compile(r"scan_people\[[^\]]+\] succeeded in ([0-9.]+)s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    redis_server.start()
    try:
        reset()
        person_ids = people_with_events(args.people, 50, days=20)
        people = len(person_ids)
        rates = {}
        for count in (1, 2):
            mark_all_scanned(person_ids)
            workers = start_workers(count)
            try:
                time.sleep(QUIET)
                elapsed = timed_sweep(people)
            finally:
                stop(workers)
                # The e-mail tasks still queued behind the scans go too: the next run starts from an empty queue.
                redis.Redis.from_url(redis_server.url).flushdb()
            rates[count] = people / elapsed
            print(f"{count} worker(s), --concurrency 1: {people:,} people swept in {elapsed:.1f} s, "
                  f"{rates[count]:.0f} people/s, {rates[count] * 3600:,.0f} people/hour; "
                  f"load {os.getloadavg()[0]:.2f}; batches of 200 per worker: {batches_done(count)}")
        print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")
    finally:
        redis_server.stop()


if __name__ == "__main__":
    main()
