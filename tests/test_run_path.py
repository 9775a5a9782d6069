"""The README's run path, as bin/run performs it, on the embedded defaults.

In a temporary POPWATCH_VAR_DIR with no REDIS_URL: SQLite, the filesystem
broker, ``migrate``, ``seed_demo``, ``collectstatic``, the web server and a real
Celery worker as subprocesses. Then a client does what a newcomer would: logs
in with the printed demo login, lists the demo people and their events, and
logs an event, whose scan the worker must receive. No service is needed.
"""

import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.test_settings import REPO, clean_env, run_python

READY_WITHIN = 60  # seconds: a cold interpreter on a busy 2-core machine


@dataclass
class Running:
    """A server subprocess and the file its output goes to."""

    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text()

    def wait_for(self, condition, what):
        """Poll ``condition`` until it holds; fail with the log if the process dies or time runs out."""
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                pytest.fail(f"exited ({self.process.returncode}) before {what}:\n{self.log()}")
            time.sleep(0.2)
        pytest.fail(f"no {what} within {READY_WITHIN}s:\n{self.log()}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The embedded defaults bin/run uses when nothing is configured, in a temporary var dir."""
    var_dir = tmp_path_factory.mktemp("var")
    return var_dir, clean_env(var_dir, DATABASE_URL=f"sqlite:///{var_dir}/db.sqlite3")


def manage(env, *args):
    done = run_python(env, "manage.py", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo_login(embedded):
    _, env = embedded
    manage(env, "migrate", "--noinput")
    seeded = manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    login = re.search(r"^Demo login: (\S+) / (\S+)$", seeded, re.MULTILINE)
    assert login is not None, seeded
    events = int(re.search(r"^Demo: 3 persons, (\d+) events", seeded, re.MULTILINE).group(1))
    return {"username": login.group(1), "password": login.group(2), "events": events}


def start(command, *, env, log_path, request):
    """Start ``command``; it is stopped when the module's tests are done, pass or fail."""
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop():
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

    request.addfinalizer(stop)
    return Running(process, log_path)


@pytest.fixture(scope="module")
def web(embedded, demo_login, request):
    var_dir, env = embedded
    base_url = f"http://127.0.0.1:{free_port()}"
    server = start(
        [sys.executable, "manage.py", "runserver", base_url.removeprefix("http://"), "--noreload"],
        env=env, log_path=var_dir / "web.log", request=request,
    )

    def healthy():
        try:
            return requests.get(f"{base_url}/healthz/", timeout=2).text == "ok"
        except requests.ConnectionError:
            return False

    server.wait_for(healthy, "an answer on /healthz/")
    return base_url


@pytest.fixture(scope="module")
def worker(embedded, demo_login, request):
    var_dir, env = embedded
    running = start(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=INFO"],
        env=env, log_path=var_dir / "worker.log", request=request,
    )
    running.wait_for(lambda: " ready." in running.log(), "the worker ready")
    return running


@pytest.fixture(scope="module")
def api(web, demo_login):
    """A requests session logged in with the demo login, over HTTP, as a client would."""
    answer = requests.post(
        f"{web}/api/v1/auth/token/",
        json={"username": demo_login["username"], "password": demo_login["password"]},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    session = requests.Session()
    session.headers["Authorization"] = f"Token {answer.json()['token']}"
    return session


def test_the_home_page_and_api_docs_are_served(web):
    assert "Popwatch is not a diagnosis" in requests.get(f"{web}/", timeout=10).text
    assert requests.get(f"{web}/api/v1/docs/", timeout=10).status_code == 200
    assert requests.get(f"{web}/api/v1/schema/", timeout=10).status_code == 200


def test_the_demo_login_sees_the_three_demo_people_and_their_events(web, api, demo_login):
    persons = api.get(f"{web}/api/v1/persons/", timeout=10).json()
    assert persons["count"] == 3
    assert {p["name"] for p in persons["results"]} == {"Maya", "Alex", "Jordan"}
    assert {p["role"] for p in persons["results"]} == {"owner"}

    events = api.get(f"{web}/api/v1/events/", timeout=10).json()
    assert events["count"] == demo_login["events"]
    maya = next(p["id"] for p in persons["results"] if p["name"] == "Maya")
    clunks = api.get(f"{web}/api/v1/events/", params={"person": maya, "sound": "clunk"}, timeout=10).json()
    assert [(e["body_site"], e["side"]) for e in clunks["results"]] == [("hip", "left")]


def test_an_event_logged_over_http_reaches_the_worker_as_a_scan(web, api, worker):
    person = api.get(f"{web}/api/v1/persons/", timeout=10).json()["results"][0]
    answer = api.post(
        f"{web}/api/v1/events/",
        json={
            "person": person["id"],
            "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "body_site": "knee",
            "side": "left",
            "sound": "pop",
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    # The web process enqueued the scan on the filesystem broker; the worker picks it up.
    received = re.compile(r"Task alerts\.tasks\.scan_person\[[0-9a-f-]+\] received")
    worker.wait_for(lambda: received.search(worker.log()), "scan_person received")
