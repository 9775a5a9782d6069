"""The README's run path: ``bin/run`` itself, on the embedded defaults, and ``bin/setup``.

bin/run runs in a temporary POPWATCH_VAR_DIR on a free PORT, with no DATABASE_URL
or REDIS_URL: SQLite, the filesystem broker, ``migrate``, ``seed_demo``,
``collectstatic``, the web server, a Celery worker and beat. The moment its banner
is printed, a client does what a newcomer would: opens the printed URL, logs in
with the printed demo login, finds the demo's people and their alerts, and logs an
event whose scan the worker must run. No service is needed.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.test_settings import REPO, clean_env

READY_WITHIN = 60  # seconds: a cold interpreter on a busy 2-core machine
BANNER = re.compile(r"Popwatch is running at (\S+)\n  API docs:  (\S+)\n  Demo login: (\S+) / (\S+)\n")


@dataclass
class Started:
    """A ``bin/run`` in its own process group, its output file and var dir."""

    process: subprocess.Popen
    output_path: Path
    var_dir: Path

    def output(self):
        return self.output_path.read_text()

    def log(self, name):
        path = self.var_dir / name
        return path.read_text() if path.exists() else ""

    def wait_for(self, condition, what):
        """Poll ``condition`` until it holds; fail with the output if bin/run ends or time runs out."""
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            if self.process.poll() is not None:
                pytest.fail(f"bin/run exited ({self.process.returncode}) before {what}:\n{self.output()}")
            time.sleep(0.02)
        pytest.fail(f"no {what} within {READY_WITHIN}s:\n{self.output()}")

    def stop(self):
        """Stop bin/run as Ctrl-C would (its trap stops the rest); then anything left in its group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_bin_run(var_dir, port):
    output_path = var_dir / "bin-run.out"
    with output_path.open("w") as output:
        process = subprocess.Popen(
            [REPO / "bin" / "run"], cwd=REPO, env=clean_env(var_dir, PORT=str(port)),
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return Started(process, output_path, var_dir)


@dataclass
class Running:
    """What bin/run printed, and how its URLs answered at that moment."""

    started: Started
    url: str
    docs_url: str
    username: str
    password: str
    first_answers: dict  # url -> status code, or the connection error, right after the banner


@pytest.fixture(scope="module")
def running(tmp_path_factory, request):
    started = start_bin_run(tmp_path_factory.mktemp("var"), free_port())
    request.addfinalizer(started.stop)
    banner = started.wait_for(lambda: BANNER.search(started.output()), "the banner")
    url, docs_url, username, password = banner.groups()
    first_answers = {}
    for address in (url, docs_url):
        try:
            first_answers[address] = requests.get(address, timeout=10).status_code
        except requests.ConnectionError as error:
            first_answers[address] = error
    return Running(started, url, docs_url, username, password, first_answers)


@pytest.fixture(scope="module")
def api(running):
    """A requests session with the demo's API token, as a client would have."""
    answer = requests.post(
        f"{running.url}api/v1/auth/token/",
        json={"username": running.username, "password": running.password},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    session = requests.Session()
    session.headers["Authorization"] = f"Token {answer.json()['token']}"
    return session


def test_the_printed_urls_answer_the_moment_they_are_printed(running):
    assert running.first_answers == {running.url: 200, running.docs_url: 200}


def test_the_printed_demo_login_signs_in_on_the_log_in_page_and_home_lists_the_demo_people(running):
    browser = requests.Session()
    login_page = f"{running.url}accounts/login/"
    assert browser.get(login_page, timeout=10).status_code == 200
    answer = browser.post(
        login_page,
        data={
            "login": running.username,
            "password": running.password,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"] == "/"
    home = browser.get(running.url, timeout=10)
    assert home.status_code == 200
    for name in ("Maya", "Alex", "Jordan"):
        assert name in home.text


def test_the_demo_people_have_their_open_alerts_already(running, api):
    persons = api.get(f"{running.url}api/v1/persons/", timeout=10).json()
    assert persons["count"] == 3
    assert {p["name"] for p in persons["results"]} == {"Maya", "Alex", "Jordan"}
    assert {p["role"] for p in persons["results"]} == {"owner"}
    # No write has happened and the first sweep is 10 minutes away: seed_demo scanned them.
    alerts = api.get(f"{running.url}api/v1/alerts/", params={"status": "open"}, timeout=10).json()["results"]
    name_of = {p["id"]: p["name"] for p in persons["results"]}
    assert {(name_of[a["person"]], a["rule"]) for a in alerts} == {
        ("Maya", "hip_clunk"), ("Jordan", "back_pain_beyond_a_week"),
    }


def test_an_event_logged_over_http_is_scanned_by_the_worker_whose_log_has_no_warning(running, api):
    person = api.get(f"{running.url}api/v1/persons/", timeout=10).json()["results"][0]
    answer = api.post(
        f"{running.url}api/v1/events/",
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
    # The web process enqueued the scan on the filesystem broker; bin/run's worker runs it.
    done = re.compile(r"Task alerts\.tasks\.scan_person\[[0-9a-f-]+\] succeeded")
    running.started.wait_for(lambda: done.search(running.started.log("worker.log")), "scan_person done")
    for log in ("worker.log", "beat.log"):
        assert "WARNING" not in running.started.log(log), running.started.log(log)
        assert "Warning" not in running.started.log(log), running.started.log(log)


def worker_pid(started):
    """The Celery worker's main process among bin/run's (its pool processes are its children)."""
    group = os.getpgid(started.process.pid)
    processes = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            processes[int(entry.name)] = (int(fields[1]), int(fields[2]), (entry / "cmdline").read_bytes())
        except (ValueError, OSError, IndexError):
            continue  # not a process, or gone meanwhile

    def is_worker(pid):
        return pid in processes and b"celery\0" in processes[pid][2] and b"\0worker\0" in processes[pid][2]

    return next(pid for pid, (parent, pgrp, _) in processes.items() if pgrp == group and is_worker(pid)
                and not is_worker(parent))


def test_a_worker_that_exits_is_started_again_and_scans(running, api):
    os.kill(worker_pid(running.started), signal.SIGTERM)

    restarted = re.compile(r"bin/run: the worker exited \(status \d+\); starting it again in 1s")
    running.started.wait_for(lambda: restarted.search(running.started.output()), "the restart on stderr")
    assert restarted.search(running.started.log("worker.log"))
    running.started.wait_for(lambda: running.started.log("worker.log").count(" ready.") == 2, "the worker again")
    done = re.compile(r"Task alerts\.tasks\.scan_person\[[0-9a-f-]+\] succeeded")
    scans = len(done.findall(running.started.log("worker.log")))
    person = api.get(f"{running.url}api/v1/persons/", timeout=10).json()["results"][0]
    answer = api.post(
        f"{running.url}api/v1/events/",
        json={"person": person["id"], "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
              "body_site": "hip", "sound": "pop"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    running.started.wait_for(lambda: len(done.findall(running.started.log("worker.log"))) > scans, "the new scan")


def test_bin_run_says_so_and_stops_when_the_web_server_cannot_start(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        started = start_bin_run(tmp_path, taken.getsockname()[1])
        try:
            assert started.process.wait(timeout=READY_WITHIN) == 1, started.output()
            with pytest.raises(ProcessLookupError):  # nothing it started is left running
                os.killpg(started.process.pid, 0)
        finally:
            started.stop()
    assert "bin/run: the web server stopped before answering" in started.output()
    assert "Popwatch is running" not in started.output()


# --- bin/setup: switching between bin/run and bin/test installs nothing -------------


@pytest.fixture
def checkout(tmp_path):
    """bin/setup and the requirements in a scratch checkout whose .venv/bin/python records pip's calls."""
    (tmp_path / "bin").mkdir()
    shutil.copy(REPO / "bin" / "setup", tmp_path / "bin" / "setup")
    for requirements in REPO.glob("requirements*.txt"):
        shutil.copy(requirements, tmp_path)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/../../pip-calls"\n')
    python.chmod(0o755)
    return tmp_path


def setup(checkout, *args):
    """Run bin/setup; the requirements files pip was asked to install."""
    calls = checkout / "pip-calls"
    calls.unlink(missing_ok=True)
    done = subprocess.run(
        [checkout / "bin" / "setup", *args], env=clean_env(checkout), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return re.findall(r"-r (\S+)", calls.read_text()) if calls.exists() else []


def test_after_the_test_tools_are_installed_bin_run_installs_nothing(checkout):
    assert setup(checkout, "--dev") == ["requirements-dev.txt"]
    for _ in range(2):
        assert setup(checkout) == []
        assert setup(checkout, "--dev") == []


def test_after_a_runtime_install_the_test_tools_are_added_once(checkout):
    assert setup(checkout) == ["requirements.txt"]
    # pip skips the runtime pins already installed and adds only the test tools.
    assert setup(checkout, "--dev") == ["requirements-dev.txt"]
    for _ in range(2):
        assert setup(checkout) == []
        assert setup(checkout, "--dev") == []


def test_changed_pins_are_installed_again(checkout):
    setup(checkout, "--dev")
    with (checkout / "requirements.txt").open("a") as pins:
        pins.write("# a new pin\n")
    assert setup(checkout) == ["requirements.txt"]
    assert setup(checkout, "--dev") == ["requirements-dev.txt"]
    assert setup(checkout) == []
