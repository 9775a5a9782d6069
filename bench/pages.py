"""Benchmarks of the pages (not tests: they print figures).

    .venv/bin/python bench/pages.py              # on PostgreSQL at 127.0.0.1, like bench/scan.py
    .venv/bin/python bench/pages.py --explain    # also where each page's queries and time go

It works in the bench database (``popwatch_bench``, emptied here; see bench/common.py)
with DEBUG off, so static files are hashed and compressed as deployed, and reports,
for a person with a year of history (5,000 events, ``--events``):

1. the server time (median over ``--runs`` requests through Django's whole stack,
   in process: no network) and the SQL queries of the person dashboard and the
   timeline, and the same for a person with a tenth of that history: the query
   counts must not grow with the history. Targets: the dashboard in at most 10
   queries and under 50 ms at 5,000 events;
2. the bytes a browser fetches for the quick-log page: on a first visit (the HTML
   and every file it loads; target under 100 KB gzip-compressed), and on a repeat
   visit once the service worker runs (target: no static file from the network).
   Playwright drives /usr/bin/chromium against gunicorn; a response counts as
   fetched unless the service worker answered it (``response.from_service_worker``).
"""

import argparse
import cProfile
import gzip
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from wsgiref.util import setup_testing_defaults

# Production-like settings, before Django is set up (bench/common.py does that on import).
os.environ.update(
    DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,localhost",
    SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false",
    SECURE_PROXY_SSL="false", SECURE_HSTS_SECONDS="0",
)
# Its own var dir: collectstatic's hashed files must not mix with bin/run's.
os.environ.setdefault("POPWATCH_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "bench-pages"))

from common import ROOT, answers, free_port, owner, reset, start_gunicorn, wait_for  # first: sets Django up
from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.template.base import Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts import engine
from alerts.models import Alert
from logs import vocab
from logs.histories import PlannedHistory, planned_event, store_histories
from logs.models import Person

RNG = random.Random(2026)
CHROMIUM = "/usr/bin/chromium"
# As tests/e2e run it: without a screen, a sandbox or the Internet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DASHBOARD_MAX_QUERIES, DASHBOARD_MAX_MS = 10, 50
FIRST_LOAD_MAX_BYTES = 100 * 1024
# What a gzip-ing server or proxy compresses; images and fonts are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg")
SITES = [vocab.BodySite.KNEE, vocab.BodySite.HIP, vocab.BodySite.LOWER_BACK, vocab.BodySite.SHOULDER]
SOUNDS = [vocab.Sound.POP, vocab.Sound.CLICK, vocab.Sound.CRACK, vocab.Sound.SNAP]
LEG_RAISES = [vocab.Exercise.STRAIGHT_LEG_RAISE, vocab.Exercise.BENT_KNEE_LEG_RAISE]


# --- The history ------------------------------------------------------------------


def year_of_history(events, *, days=365, now):
    """An exerciser's year with ``events`` events.

    Leg raises every other day or less (at most a tenth of the events are pops
    linked to them), pops and clicks through the days with pain mostly 0-2, and in the last
    two weeks sharp pops at the right knee on four days, so the dashboard has an
    open alert with evidence.
    """
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    workouts, planned = [], []
    for days_ago in range(days, 0, -max(2, round(20 * days / events))):
        started_at = today - timedelta(days=days_ago) + timedelta(hours=18)
        workouts.append({
            "started_at": started_at, "ended_at": started_at + timedelta(minutes=25),
            "exercise": RNG.choice(LEG_RAISES), "sets": 3, "reps": 12,
            "range_of_motion": vocab.RangeOfMotion.FULL, "pelvic_tilt_held": True, "note": "",
        })
        for minute in (5, 15):
            planned.append(planned_event(
                started_at + timedelta(minutes=minute), vocab.BodySite.HIP, vocab.Sound.POP, side=vocab.Side.LEFT,
                activity=vocab.Activity.LEG_RAISE, pain=0, workout_index=len(workouts) - 1,
            ))
    for days_ago in (12, 9, 6, 3):
        planned.append(planned_event(
            today - timedelta(days=days_ago) + timedelta(hours=8), vocab.BodySite.KNEE, vocab.Sound.POP,
            side=vocab.Side.RIGHT, activity=vocab.Activity.EXERCISE, pain=5, pain_quality=vocab.PainQuality.SHARP,
            note="Sharp at the bottom of a squat.",
        ))
    while len(planned) < events:
        planned.append(planned_event(
            now - timedelta(seconds=RNG.uniform(3600, days * 86400)), RNG.choice(SITES), RNG.choice(SOUNDS),
            side=RNG.choice([vocab.Side.LEFT, vocab.Side.RIGHT]), activity=vocab.Activity.OTHER,
            pain=RNG.choice([None, 0, 0, 1, 2]), note=RNG.choice(["", "", "After sitting a while."]),
        ))
    planned.sort(key=lambda e: e["occurred_at"])
    return PlannedHistory(
        kind="bench", person={"name": f"Year of {events}", "life_stage": vocab.LifeStage.ADULT},
        workouts=workouts, events=planned,
    )


def person_with_history(user, events):
    """A person of ``user`` with a year of ``events`` events, scanned as the sweep would."""
    now = timezone.now()
    store_histories([year_of_history(events, now=now)], owner=user, changed_at=now)
    person = Person.objects.get(name=f"Year of {events}")
    engine.scan(person.pk)
    return person


# --- Server time and queries ---------------------------------------------------------


def serve(handler, path, cookie):
    """One GET of ``path`` through Django's whole stack (middleware, session, templates); (status, body)."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": cookie}
    setup_testing_defaults(environ)
    status = []
    response = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(response)
    finally:
        response.close()
    return status[0], body


class QueryLog:
    """The SQL a block runs, with each statement's time (a database execute wrapper).

    Not CaptureQueriesContext: each request starts by emptying the query log it reads.
    """

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - started, sql))


def measure_page(handler, path, cookie, runs):
    """(queries, median ms, p95 ms, the queries) of ``path``, or None when the page does not answer 200."""
    status, body = serve(handler, path, cookie)
    if not status.startswith("200"):
        print(f"  {path}: answers {status}, not measured ({body[:120]!r})")
        return None
    log = QueryLog()
    with connection.execute_wrapper(log):
        serve(handler, path, cookie)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        serve(handler, path, cookie)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return len(log.queries), statistics.median(samples), p95, log.queries


def explain(handler, path, cookie, queries):
    """Where a page's queries and time go: each query, each template, the project's costliest functions."""
    print(f"  {path}: {len(queries)} queries")
    for seconds, sql in queries:
        print(f"    {seconds * 1000:6.1f} ms  {' '.join(sql.split())[:160]}")
    print("    templates, time including the templates they include (one request):")
    for name, (count, seconds) in sorted(template_times(handler, path, cookie).items(), key=lambda i: -i[1][1]):
        print(f"    {seconds * 1000:6.1f} ms  {name} x{count}")
    profile = cProfile.Profile()
    profile.runcall(serve, handler, path, cookie)
    own = [
        (row[3], function) for function, row in pstats.Stats(profile).stats.items()
        if function[0].startswith(str(ROOT)) and "/.venv/" not in function[0]
    ]
    print("    the project's functions by cumulative time (one request, profiled, so slower):")
    for cumulative, (filename, line, name) in sorted(own, reverse=True)[:12]:
        print(f"    {cumulative * 1000:6.1f} ms  {Path(filename).relative_to(ROOT)}:{line} {name}")


def template_times(handler, path, cookie):
    """{template name: [renders, seconds]} for one request (the hook Django's test runner times too)."""
    original = Template._render
    times = defaultdict(lambda: [0, 0.0])

    def timed(template, context):
        started = time.perf_counter()
        try:
            return original(template, context)
        finally:
            entry = times[template.origin.template_name or template.name]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    Template._render = timed
    try:
        serve(handler, path, cookie)
    finally:
        Template._render = original
    return times


def session_cookie(user):
    """The value of a session cookie signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def bench_pages(user, persons, runs, show_explain):
    """Dashboard and timeline of each person; True when the dashboard of the first meets its targets."""
    handler = get_wsgi_application()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"
    ok = True
    print(f"{'page':<34} {'events':>6} {'queries':>7} {'median':>9} {'p95':>9}")
    for person in persons:
        events = person.events.count()
        for name in ("person-dashboard", "timeline"):
            path = reverse(name, args=[person.pk])
            measured = measure_page(handler, path, cookie, runs)
            if measured is None:
                ok = False
                continue
            count, median, p95, queries = measured
            verdict, missed = "", False
            if name == "person-dashboard" and person == persons[0]:
                missed = count > DASHBOARD_MAX_QUERIES or median >= DASHBOARD_MAX_MS
                ok = ok and not missed
                verdict = (f"  (target <= {DASHBOARD_MAX_QUERIES} queries, < {DASHBOARD_MAX_MS} ms: "
                           f"{'MISSED' if missed else 'ok'})")
            print(f"{name + ' ' + path:<34} {events:>6,} {count:>7} {median:>6.1f} ms {p95:>6.1f} ms{verdict}")
            if show_explain or missed:
                explain(handler, path, cookie, queries)
    return ok


# --- Bytes fetched by a browser -------------------------------------------------------


def fetched(context, responses):
    """Rows (path, who asked, content type, raw, sent, gzip bytes) of the responses that came over the network.

    Not those the service worker answered (``from_service_worker``), nor the HTTP
    cache's (Chromium reports no body bytes for them: a negative size). "sent" is
    the body as this server sent it (static files gzip-ed by WhiteNoise, pages not:
    Django does not compress them); "gzip" as a gzip-ing server or proxy sends it.
    """
    rows = {}
    for response in responses:
        if response.from_service_worker or response.status != 200:
            continue
        sent = response.request.sizes()["responseBodySize"]
        if sent < 0:
            continue
        body = response.body() or context.request.get(response.url).body()  # none kept for the worker's fetches
        who = "service worker" if response.request.service_worker else "page"
        rows[path_of(response.url), who] = sizes_of(response.headers, body, sent or len(body))
    return [(path, who, *row) for (path, who), row in sorted(rows.items())]


def sizes_of(headers, body, sent):
    """(content type, raw, sent, gzip bytes) of a body; ``sent`` is 0 when Chromium does not report it."""
    content_type = headers.get("content-type", "").split(";")[0]
    if headers.get("content-encoding"):
        packed = sent
    else:
        packed = len(gzip.compress(body)) if content_type.startswith(COMPRESSIBLE) else len(body)
    return content_type, len(body), sent, packed


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


class References(HTMLParser):
    """The files a page names: stylesheets, scripts, icons, the manifest, images."""

    def __init__(self):
        super().__init__()
        self.urls = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("href") if tag == "link" else attrs.get("src") if tag in ("script", "img") else None
        if url and url.startswith("/"):
            self.urls.add(url)


def not_loaded(context, html, rows):
    """Rows for the files the page names that Chromium did not load (headless, it skips the manifest)."""
    references = References()
    references.feed(html.decode())
    loaded = {path for path, *_ in rows}
    missing = []
    for url in sorted(references.urls - loaded):
        answer = context.request.get(url)
        body = answer.body()
        missing.append((url, "named only", *sizes_of(answer.headers, body, len(body))))
    return missing


def print_rows(rows):
    for path, who, content_type, raw, sent, packed in rows:
        print(f"    {path:<52} {who:<14} {content_type:<22} {raw:>7,} B raw {sent:>7,} B sent {packed:>7,} B gzip")


def total_kb(rows):
    return sum(row[5] for row in rows) / 1024


def browse_quick_log(base, path, cookie):
    """(first visit rows, repeat visit rows, responses the worker served on the repeat visit) for ``path``.

    In a fresh Chromium profile: an empty HTTP cache and no service worker yet.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
            responses = []
            context.on("response", lambda response: responses.append(response))
            page = context.new_page()
            page.goto(path, wait_until="networkidle")
            # The worker installs (pre-caching the static files), activates and takes the page over.
            # (Polled with evaluate: wait_for_function's eval is what the pages' CSP forbids.)
            wait_for(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"), 30,
                     "the service worker to control the page")
            page.wait_for_load_state("networkidle")
            first = fetched(context, list(responses))
            first += not_loaded(context, page.content().encode(), first)
            responses.clear()
            page.goto(path, wait_until="networkidle")
            visit = list(responses)
            repeat = fetched(context, visit)
            served_by_worker = sum(1 for response in visit if response.from_service_worker)
        finally:
            browser.close()
    return first, repeat, served_by_worker


def bench_bytes(user, person):
    """True when the first visit is under 100 KB gzip and the repeat visit fetches no static file."""
    cookie = session_cookie(user)
    path = reverse("quick-log", args=[person.pk])
    port = free_port()
    web = start_gunicorn(port, ROOT / "var" / "bench" / "pages-web.log")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: answers(f"{base}/healthz/"), 30, "gunicorn")
        first, repeat, served_by_worker = browse_quick_log(base, path, cookie)
    finally:
        web.terminate()
        web.wait(timeout=30)

    page_rows = [row for row in first if row[1] != "service worker"]
    worker_rows = [row for row in first if row[1] == "service worker"]
    first_ok = total_kb(page_rows) * 1024 < FIRST_LOAD_MAX_BYTES
    print(f"quick log {path}, first visit: {len(page_rows)} files, {total_kb(page_rows):.1f} KB gzip "
          f"(target < {FIRST_LOAD_MAX_BYTES // 1024} KB: {'ok' if first_ok else 'MISSED'})")
    print_rows(page_rows)
    print(f"  then the service worker's script and install (pre-cache): {len(worker_rows)} from the network, "
          f"{total_kb(worker_rows):.1f} KB gzip (the files the page loaded come from the HTTP cache)")
    print_rows(worker_rows)

    static_rows = [row for row in repeat if row[0].startswith("/" + settings.STATIC_URL.lstrip("/"))]
    repeat_ok = not static_rows
    print(f"quick log, repeat visit: {served_by_worker} responses from the service worker; static files from the "
          f"network: {len(static_rows)}, {total_kb(static_rows):.1f} KB (target 0: {'ok' if repeat_ok else 'MISSED'}); "
          f"everything from the network: {total_kb(repeat):.1f} KB gzip")
    print_rows(repeat)
    return first_ok and repeat_ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5_000, help="events in the person's year (default 5,000; >= 100)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--explain", action="store_true", help="each page's queries and costliest functions")
    parser.add_argument("--no-browser", action="store_true", help="skip the bytes measured with Chromium")
    args = parser.parse_args()
    if args.events < 100:
        parser.error("--events must be at least 100")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; DEBUG off; "
          f"static files hashed and compressed in {settings.STATIC_ROOT}")
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    reset()
    user = owner()
    persons = [person_with_history(user, args.events), person_with_history(user, args.events // 10)]
    alerts = Alert.objects.filter(person=persons[0], status=vocab.AlertStatus.OPEN).count()
    print(f"a year of history: {args.events:,} events and {persons[0].workouts.count()} workouts, "
          f"{alerts} open alert(s); and {args.events // 10:,} events for comparison")
    pages_ok = bench_pages(user, persons, args.runs, args.explain)
    bytes_ok = True if args.no_browser else bench_bytes(user, persons[0])
    sys.exit(0 if pages_ok and bytes_ok else 1)


if __name__ == "__main__":
    main()
