"""Fault benchmark: Redis stopped for 30 s in the middle of 1,000 posts, with scans running (issue 8).

    .venv/bin/python bench/outage.py            # 1,000 posts at 10 a second, a 30 s outage (about 3 minutes)
    .venv/bin/python bench/outage.py --quick    # 200 posts, a 10 s outage

Everything is real and on this machine: a redis-server of its own on a free port (the
broker and the cache, stopped and started again here; never the shared one), gunicorn
(2 workers) serving the API, ``celery worker --concurrency=2`` as bin/run starts it
(nobody touches it: no restart, no beat), PostgreSQL (database ``popwatch_outage``,
created and emptied here), and a small SMTP server in this process that keeps every
message Popwatch sends. 40 people (infants and adults, one or two caregivers with
e-mail each) get 25 events each, posted through the API in a shuffled order at a
steady rate; at 40 % of the posts Redis is stopped, and started again 30 s later.

It reports:
1. events stored vs posted (answered 201);
2. the worker: still the same process at the end, no "Unrecoverable error";
3. the catch-up, polled between posts: how long after the broker's return every person
   written during the outage had been scanned again (so their alerts were raised), and
   the e-mails owed at that moment had been sent;
4. alerts: one per key, and a final rescan of every log finds nothing new (every
   expected alert is there);
5. e-mails: messages the SMTP server received per (alert, user, tier): at most one,
   none missing for an alert's current tier, the same as the database's sent records.
"""

import argparse
import email
import email.policy
import os
import random
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.redis_server import RedisServer  # noqa: E402 - before Django: REDIS_URL must name this server


class MailSink(socketserver.ThreadingTCPServer):
    """Just enough of an SMTP server (RFC 5321) for Django's SMTP backend; keeps every message."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.messages, self.lock = [], threading.Lock()


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 bench sink")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                with self.server.lock:
                    self.server.messages.append((time.monotonic(), message))
                self.reply("250 kept")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # EHLO (no extensions), MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


redis_server = RedisServer(tempfile.mkdtemp(prefix="popwatch-outage-redis-"))
mail_sink = MailSink()
os.environ["REDIS_URL"] = redis_server.url
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{mail_sink.server_address[1]}"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/popwatch_outage")

from common import ROOT, answers, free_port, reset, start_gunicorn, wait_for  # noqa: E402 - sets Django up
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from alerts import engine  # noqa: E402
from alerts.models import ACTIVE_STATUSES, Alert, AlertNotification, OwedEmail, PersonScan  # noqa: E402
from logs import services, vocab  # noqa: E402
from logs.models import Caregiver, Event, User  # noqa: E402

RNG = random.Random(8)
PEOPLE = 40
CATCH_UP_WITHIN = 300  # seconds after the last post before the benchmark gives up waiting
LOGS = ROOT / "var" / "bench-outage"


# --- The people and the events to post ---------------------------------------------------


def household(n):
    """Person ``n`` (even: an infant of two months, odd: an adult), an owner and, for every other one, an editor."""
    owner = User.objects.create_user(f"owner{n}", f"owner{n}@example.org", "long enough password 1")
    infant = n % 2 == 0
    person = services.create_person(
        owner=owner, name=f"Person {n}", life_stage=vocab.LifeStage.INFANT if infant else vocab.LifeStage.ADULT,
        birth_date=timezone.localdate() - timedelta(days=60) if infant else None,
    )
    if n % 4 < 2:
        editor = User.objects.create_user(f"editor{n}", f"editor{n}@example.org", "long enough password 1")
        Caregiver.objects.create(person=person, user=editor, role=vocab.Role.EDITOR)
    return person, Token.objects.get_or_create(user=owner)[0].key


def days_ago(days):
    return timezone.now() - timedelta(days=days, minutes=RNG.uniform(5, 600))


def planned_events(person, n, count):
    """``count`` event bodies: mostly benign, plus what raises known alerts, background and immediate."""
    if person.life_stage == vocab.LifeStage.INFANT:
        telling = [
            {"occurred_at": days_ago(2), "body_site": "hip", "side": "left", "sound": "clunk"},  # hip_clunk
            {"occurred_at": days_ago(1), "body_site": "knee", "side": "right", "sound": "grinding"},
            {"occurred_at": days_ago(3), "body_site": "knee", "side": "right", "sound": "grinding"},  # crepitus
        ]
        if n % 3 == 0:  # limb_not_moving: urgent, raised in the request itself
            telling.append({"occurred_at": days_ago(0), "body_site": "shoulder", "side": "left", "sound": "none",
                            "signs": ["limb_not_moving"]})
        benign = [
            {"occurred_at": days_ago(RNG.uniform(0, 10)), "body_site": RNG.choice(["hip", "knee"]),
             "side": RNG.choice(["left", "right"]), "sound": RNG.choice(["click", "pop"]),
             "activity": RNG.choice(["diaper_change", "feeding"])}
            for _ in range(count)
        ]
    else:
        telling = [
            {"occurred_at": days_ago(d), "body_site": "knee", "side": "left", "sound": "grinding"} for d in (1, 3, 5)
        ] + [  # painful_pop: a tip on one day, soon on two
            {"occurred_at": days_ago(d), "body_site": "hip", "side": "right", "sound": "pop", "pain": 5,
             "pain_quality": "sharp"} for d in (2, 4)
        ]
        if n % 3 == 1:  # joint_locking: urgent, raised in the request itself
            telling.append({"occurred_at": days_ago(0), "body_site": "knee", "side": "right", "sound": "click",
                            "signs": ["locking"]})
        benign = [
            {"occurred_at": days_ago(RNG.uniform(0, 10)), "body_site": RNG.choice(["lower_back", "shoulder"]),
             "side": RNG.choice(["left", "right"]), "sound": RNG.choice(["click", "pop", "crack"]),
             "activity": "exercise", "pain": RNG.choice([0, 1])}
            for _ in range(count)
        ]
    events = (telling + benign)[:count]
    return [
        {**event, "person": person.pk, "occurred_at": event["occurred_at"].isoformat(), "client_id": str(uuid.uuid4())}
        for event in events
    ]


# --- The run ------------------------------------------------------------------------------


def start_worker():
    LOGS.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [Path(sys.executable).parent / "celery", "-A", "tracker", "worker", "--concurrency=2", "--loglevel=INFO"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=open(LOGS / "worker.log", "w"),
        stderr=subprocess.STDOUT,
    )


class Outage:
    """Redis stopped and started again; then, polled between posts, how fast the outage is caught up."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.stopped_at = self.back_at = None  # time.monotonic()
        self.stopped_wall = self.back_wall = None  # timezone.now(), to compare with the database's times
        self.people = None  # written during the outage
        self.owed = None  # e-mails owed the moment they all were scanned again
        self.scanned_again = self.emails_sent = None  # seconds after the return until then, and until those were sent

    @property
    def down(self):
        return self.stopped_at is not None and self.back_at is None

    def stop(self):
        redis_server.stop()
        self.stopped_at, self.stopped_wall = time.monotonic(), timezone.now()

    def end(self):
        redis_server.start()
        self.back_at, self.back_wall = time.monotonic(), timezone.now()
        during = Event.objects.filter(created_at__gte=self.stopped_wall, created_at__lt=self.back_wall)
        self.people = set(during.values_list("person_id", flat=True))

    def tick(self):
        """End the outage when due; then note when everyone written during it was scanned again (their
        alerts raised), and when the e-mails owed at that moment were sent."""
        if self.down and time.monotonic() >= self.stopped_at + self.seconds:
            self.end()
        if self.back_at is None:
            return
        if self.scanned_again is None:
            scanned = PersonScan.objects.filter(person__in=self.people, scanned_at__gte=self.back_wall)
            if scanned.count() == len(self.people):
                self.scanned_again = time.monotonic() - self.back_at
                self.owed = set(OwedEmail.objects.values_list("pk", flat=True))
        if self.owed is not None and self.emails_sent is None:
            if not OwedEmail.objects.filter(pk__in=self.owed).exists():
                self.emails_sent = time.monotonic() - self.back_at

    @property
    def caught_up(self):
        return self.emails_sent is not None


def post_all(base, posts, rate, outage):
    """Post at ``rate`` a second, with Redis stopped from 40 % of the posts for ``outage.seconds``."""
    import requests

    http = requests.Session()
    statuses, during = Counter(), 0
    started = time.monotonic()
    for index, (token, body) in enumerate(posts):
        time.sleep(max(0.0, started + index / rate - time.monotonic()))
        if index == int(0.4 * len(posts)):
            outage.stop()
        outage.tick()
        during += outage.down
        answer = http.post(f"{base}/api/v1/events/", json=body, headers={"Authorization": f"Token {token}"},
                           timeout=30)
        statuses[answer.status_code] += 1
    deadline = time.monotonic() + outage.seconds + CATCH_UP_WITHIN
    while not outage.caught_up and time.monotonic() < deadline:
        time.sleep(0.1)
        outage.tick()
    return statuses, during


def rescan_finds(person_ids):
    """What a scan of each final log would still change (nothing, if the system caught up); rolled back."""
    found = Counter()
    for person_id in person_ids:
        with transaction.atomic():
            found.update(change.kind for change in engine.scan(person_id))
            transaction.set_rollback(True)
    return found


def mail_counts():
    """Messages received per (alert id, recipient, tier)."""
    counts = Counter()
    for _, message in mail_sink.messages:
        alert_id = int(re.search(r"#alert-(\d+)", message.get_body(("plain",)).get_content())[1])
        tier = re.match(r"\[Popwatch\] (\w+):", message["Subject"].strip())[1].lower()
        counts[(alert_id, str(message["To"]), tier)] += 1
    return counts


def wait_for_quiet():
    """Wait until nothing is due a scan and no e-mail is owed (the run's tail); seconds it took after the posts."""
    started = time.monotonic()
    wait_for(lambda: not engine.due_person_ids().exists() and not OwedEmail.objects.exists(), CATCH_UP_WITHIN,
             "every scan and e-mail")
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 posts and a 10 s outage")
    args = parser.parse_args()
    total, outage, rate = (200, Outage(10), 10) if args.quick else (1000, Outage(30), 10)

    reset()
    people = [household(n) for n in range(PEOPLE)]
    posts = [
        (token, body)
        for n, (person, token) in enumerate(people)
        for body in planned_events(person, n, total // PEOPLE)
    ]
    RNG.shuffle(posts)

    threading.Thread(target=mail_sink.serve_forever, daemon=True).start()
    redis_server.start()
    port = free_port()
    web, worker = start_gunicorn(port, LOGS / "web.log"), start_worker()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: answers(f"{base}/healthz/"), 30, "gunicorn")
        wait_for(lambda: " ready." in (LOGS / "worker.log").read_text(), 60, "the worker")
        print(f"Posting {len(posts):,} events for {PEOPLE} people at {rate}/s; "
              f"Redis stops before post {int(0.4 * len(posts))} for {outage.seconds} s ...")
        statuses, during = post_all(base, posts, rate, outage)
        quiet_after = wait_for_quiet()
        worker_alive = worker.poll() is None
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            process.wait(timeout=30)
        redis_server.stop()
        mail_sink.shutdown()

    worker_log, web_log = (LOGS / "worker.log").read_text(), (LOGS / "web.log").read_text()
    print(f"posts: {len(posts):,} sent, answers {dict(statuses)}, {during} of them while Redis was down "
          f"({web_log.count('Could not enqueue')} 'Could not enqueue' lines in the web server's log)")
    stored = Event.objects.count()
    print(f"events: {stored:,} stored for {statuses[201]:,} answered 201 ({statuses[201] - stored} lost)")
    print(f"worker: {'the same process, running' if worker_alive else 'EXITED'} at the end; "
          f"'Unrecoverable error' {worker_log.count('Unrecoverable error')} times")
    print(f"outage of {outage.seconds} s: the {len(outage.people)} people written during it all scanned again "
          f"{seconds(outage.scanned_again)} after the broker's return; the {len(outage.owed or ())} alert e-mail "
          f"debts owed then all paid {seconds(outage.emails_sent)} after it")
    print(f"  (everything scanned and sent {quiet_after:.1f} s after the last post)")
    report_alerts([person.pk for person, _ in people])
    report_emails()


def seconds(value):
    return "NEVER" if value is None else f"{value:.1f} s"


def report_alerts(person_ids):
    per_key = Counter(
        Alert.objects.values("person", "rule", "body_site", "side").annotate(n=Count("id")).values_list("n", flat=True)
    )
    by_tier = Counter(Alert.objects.values_list("urgency", flat=True))
    print(f"alerts: {sum(per_key.values())} keys, alerts per key {dict(per_key)}, by tier {dict(by_tier)}; "
          f"a final rescan of every log finds {dict(rescan_finds(person_ids)) or 'nothing new'}")


def report_emails():
    received = mail_counts()
    told = Counter(AlertNotification.objects.values_list("alert_id", "user__email", "urgency"))
    due = {
        (alert_id, address, urgency)
        for alert_id, urgency, address in Alert.objects.filter(
            urgency__in=vocab.NOTIFY_URGENCIES, status__in=ACTIVE_STATUSES
        ).values_list("id", "urgency", "person__caregivers__user__email")
    }
    print(f"e-mails: {sum(received.values())} received by the SMTP server for {len(received)} (alert, user, tier), "
          f"at most {max(received.values(), default=0)} for one; missing for an alert's current tier: "
          f"{len(due - set(received))}; the same as the database's sent records: {received == told}")


if __name__ == "__main__":
    main()
