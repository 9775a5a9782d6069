"""Benchmarks of the exports (not tests: they print figures).

    .venv/bin/python bench/exports.py                    # 100,000 events, CSV, JSON and FHIR
    .venv/bin/python bench/exports.py --events 20000 --formats csv

It works in the bench database (``popwatch_bench``, emptied here; see bench/common.py),
fills it with one adult whose log holds ``--events`` events (about 14 a day, every field
used, one in four during a workout; notes with non-ASCII text and formula-like starts) and
the alerts a scan raises, then, for each format, in a fresh process (so one format's
memory does not count against the next):

1. the throughput: events per second of a whole export, from ``report_for`` to the last
   byte of ``exports.export_response`` (what the API view does after the person lookup),
   the median of ``--runs`` runs, with this process's CPU time (other work on the machine
   slows the first, not the second; the database's own time is in the first only).
   Target for CSV: over 20,000 events/s at 100,000 events;
2. the peak memory above the process's baseline while exporting: the kernel's high-water
   mark of resident memory (VmHWM, reset before each run through /proc/self/clear_refs)
   minus the resident memory just before the run. Target: under 100 MB at 100,000 events;
3. the SQL queries of one export, which must not depend on the number of events.

The PDF (the doctor report) is measured by bench/pdf.py, on this script's history (``seed``):
its appendix lays out every event, so its cost is in seconds per report, not events per second.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from common import owner, reset  # first: sets Django up
from django.db import connection

from alerts import engine
from logs import selectors, vocab
from logs.histories import PlannedHistory, planned_event, store_histories
from logs.models import Person
from logs.reports import exports
from logs.reports.data import days_to_report, report_for

TIME_ZONE = ZoneInfo("Europe/London")  # a zone with clock changes inside the year
EVENTS_PER_DAY = 14
NOTES = ("", "", "", "après le sport, léger craquement", "=1+1 typed by mistake", "痛くない", "after 3 sets")
SIGNS = ([], [], [], [], ["swelling"], ["catching", "night_pain"], ["numbness"])


def planned_history(events, now):
    """One adult's log of ``events`` events, the newest an hour ago, about EVENTS_PER_DAY a day."""
    rng = random.Random(2026)
    days = events // EVENTS_PER_DAY + 1
    workouts = [
        {"started_at": now - timedelta(days=day, hours=3), "exercise": rng.choice(sorted(vocab.LEG_RAISE_EXERCISES)),
         "sets": 3, "reps": 12, "range_of_motion": vocab.RangeOfMotion.FULL, "pelvic_tilt_held": True}
        for day in range(days)
    ]
    planned = []
    for n in range(events):
        day = n // EVENTS_PER_DAY
        event = planned_event(
            now - timedelta(days=day, hours=1, minutes=n % EVENTS_PER_DAY * 50),
            rng.choice(vocab.BodySite.values), rng.choice(vocab.Sound.values),
            side=rng.choice(vocab.Side.values), activity=rng.choice(vocab.Activity.values),
            pain=rng.choice([None, 0, 1, 2, 3, 5]), workout_index=day if n % 4 == 0 else None,
            note=rng.choice(NOTES),
        )
        event.update(signs=rng.choice(SIGNS), temperature_c=rng.choice([None, None, Decimal("37.2")]))
        planned.append(event)
    return PlannedHistory(kind="bench", person={"name": "Export bench", "life_stage": "adult"},
                          workouts=workouts, events=planned)


def seed(events):
    reset()
    user = owner()
    user.timezone = str(TIME_ZONE)
    user.save()
    now = datetime.now(UTC)
    store_histories([planned_history(events, now)], owner=user, changed_at=now)
    person = Person.objects.get()
    engine.scan(person.pk)
    return person.pk


# --- One format, in its own process ---------------------------------------------------------


def measure(fmt, person_id, runs):
    person = selectors.person_for(owner(), person_id)  # annotated as the API view finds it
    start, end = days_to_report(person, time_zone=TIME_ZONE)
    seconds, cpu_seconds, peaks, sizes, queries = [], [], [], [], []
    for _ in range(runs):
        baseline = _memory_kib()["VmRSS"]
        _reset_peak()
        with _counted_queries() as counted:
            began, began_cpu = time.perf_counter(), time.process_time()
            report = report_for(person, start=start, end=end, time_zone=TIME_ZONE)
            sizes.append(sum(len(chunk) for chunk in exports.export_response(report, fmt)))
            seconds.append(time.perf_counter() - began)
            cpu_seconds.append(time.process_time() - began_cpu)
        peaks.append(_memory_kib()["VmHWM"] - baseline)
        queries.append(len(counted))
    return {
        "format": fmt, "events": report.event_count, "seconds": statistics.median(seconds),
        "cpu_seconds": statistics.median(cpu_seconds),
        "peak_mib": max(peaks) / 1024, "bytes": sizes[0], "queries": queries[0],
    }


def _memory_kib():
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {name: int(fields[name].split()[0]) for name in ("VmRSS", "VmHWM")}


def _reset_peak():
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)


@contextmanager
def _counted_queries():
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def measured_in_a_new_process(fmt, person_id, runs):
    answer = subprocess.run(
        [sys.executable, __file__, "--measure", fmt, "--person", str(person_id), "--runs", str(runs)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(answer.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,json,fhir", help="comma-separated keys of exports.FORMATS")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: one format
    parser.add_argument("--person", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.person, args.runs)))
        return

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    began = time.perf_counter()
    person_id = seed(args.events)
    print(f"seeded {args.events:,} events in {time.perf_counter() - began:.0f} s")
    for fmt in args.formats.split(","):
        result = measured_in_a_new_process(fmt, person_id, args.runs)
        rate = result["events"] / result["seconds"]
        print(
            f"{fmt:>5}: {result['events']:,} events in {result['seconds']:.2f} s = {rate:,.0f} events/s "
            f"(median of {args.runs}; this process's CPU {result['cpu_seconds']:.2f} s); "
            f"peak {result['peak_mib']:.1f} MiB above baseline; {result['bytes'] / 2**20:.1f} MiB written; "
            f"{result['queries']} queries"
        )


if __name__ == "__main__":
    main()
