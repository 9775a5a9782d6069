"""A task that stays in flight until its test lets it go; loaded into a real worker with ``-I``.

tests/alerts/test_broker_outage.py stops Redis while the worker runs it.
"""

import time
from pathlib import Path

from celery import shared_task

HOLD_AT_MOST = 60  # seconds: a test that never lets go does not keep the worker busy for ever


@shared_task(name="tests.held")
def held(started, release):
    """Touch ``started``, then wait until the file ``release`` exists."""
    Path(started).touch()
    deadline = time.monotonic() + HOLD_AT_MOST
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
