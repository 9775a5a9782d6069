"""The browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the session, a new phone-sized context per test. Without
/usr/bin/chromium or node_modules/axe-core (bin/test installs both) every test
here is skipped with the reason, or fails under POPWATCH_REQUIRE_SERVICES=1.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import services
from tests.e2e import helpers

# Playwright's sync API runs an event loop in this thread: Django would refuse ORM
# calls from the tests ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# Flags for a machine without a screen, a sandbox or the Internet: without the
# background-networking ones Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# Pages come from this machine: a control or an answer this late means a bug, not a slow network.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        services.unavailable(f"needs Chromium at {CHROMIUM} (bin/test installs it as root: apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    # http://localhost:<port> is a secure context: service workers and the offline queue run there.
    assert live_server.url.startswith("http://localhost:"), live_server.url
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        # Users are created in UTC (the default): the browser's clock agrees with their day.
        "timezone_id": "UTC",
        "locale": "en-GB",
    }


@pytest.fixture(scope="session")
def axe_source():
    path = helpers.REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        services.unavailable(f"needs {path.relative_to(helpers.REPO)}: run `npm ci` (bin/test does)")
    return path.read_text()


@pytest.fixture
def context(context):
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def server(live_server):
    """The live server's base URL (the tests' pages also resolve relative paths against it)."""
    return live_server.url


@pytest.fixture
def signed_in(context, server):
    """``signed_in(user)``: the test's browser context now carries a session of ``user``."""

    def sign_in(user):
        helpers.sign_in(context, server, user)
        return user

    return sign_in
