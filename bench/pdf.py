"""Benchmark of the doctor report as a PDF (not a test: it prints figures).

    .venv/bin/python bench/pdf.py              # 6 weeks (the demo infant) and a year (5,000 events)
    .venv/bin/python bench/pdf.py --runs 5 --events 10000

It works in the bench database (``popwatch_bench``, emptied here; see bench/common.py). Each figure
is the median of ``--runs`` runs (after one to warm up) of what the export and the share link do once they have the
person: ``report_for`` then ``to_pdf.render`` (the PDF's bytes), wall time and this process's
CPU time (other work on the machine inflates the first, not the second).

1. Six weeks: the demo infant Maya as ``manage.py seed_demo`` makes her (about 85 events, an
   alert). Target: under 1 s.
2. A year: one adult with ``--events`` events over about a year, every field used, notes in
   several scripts (bench/exports.py's history). Target for 5,000 events: under 5 s.
"""

import argparse
import re
import subprocess
import statistics
import time
from io import StringIO
from zoneinfo import ZoneInfo

from common import reset  # first: sets Django up
from django.core.management import call_command
from django.db import connection
from exports import seed

from logs.models import Person
from logs.reports import to_pdf
from logs.reports.data import days_to_report, report_for

TARGETS = {"six weeks": 1.0, "a year": 5.0}  # seconds (issue "Doctor exports")


def measure(person, time_zone, runs):
    start, end = days_to_report(person, time_zone=time_zone)
    to_pdf.render(report_for(person, start=start, end=end, time_zone=time_zone))  # warm: fonts, stylesheet
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = to_pdf.render(report_for(person, start=start, end=end, time_zone=time_zone))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    report = report_for(person, start=start, end=end, time_zone=time_zone)
    return {
        "events": report.event_count, "days": (end - start).days + 1, "pages": page_count(pdf),
        "kib": len(pdf) / 1024, "wall": statistics.median(walls), "cpu": statistics.median(cpus),
    }


def page_count(pdf):
    """The PDF's pages, as poppler's pdfinfo counts them (bin/test installs poppler-utils)."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


def demo_infant():
    reset()
    call_command("seed_demo", stdout=StringIO())
    return Person.objects.get(name="Maya", caregivers__user__username="demo"), ZoneInfo("UTC")


def year_of(events):
    person = Person.objects.get(pk=seed(events))
    return person, ZoneInfo(person.caregivers.get().user.timezone)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5_000, help="events in the year (default 5,000)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    for name, made in (("six weeks", demo_infant), ("a year", lambda: year_of(args.events))):
        result = measure(*made(), args.runs)
        verdict = "under" if result["wall"] < TARGETS[name] else "OVER"
        print(
            f"{name:>9}: {result['events']:,} events over {result['days']} days -> {result['pages']} pages, "
            f"{result['kib']:.0f} KiB in {result['wall']:.2f} s (CPU {result['cpu']:.2f} s), median of {args.runs}; "
            f"{verdict} the {TARGETS[name]:g} s target"
        )


if __name__ == "__main__":
    main()
