"""The served OpenAPI schema and the API agree: schemathesis with every check, against a real server.

Schemathesis reads /api/v1/schema/ from pytest-django's live server, then sends what the
schema allows (every answer documented, of the documented shape, accepted) and what it
forbids (refused with a 4xx), through every operation and in sequences that create and
then use rows. Bounded (the fuzzing and stateful phases, a few examples per operation, a
fixed seed, one worker) so it stays well under a minute; README "The API" gives the long
run, with the coverage phase too (thousands of requests).
tests/logs/schemathesis.toml names the few rules a schema cannot state.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import make_event, make_person, make_user, make_workout

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.django_db(transaction=True)
def test_every_schemathesis_check_passes_against_the_served_schema(live_server, tmp_path):
    user = make_user("fuzz")
    person = make_person(user, name="Robin")
    make_event(person)  # logged by no one (an author who left): "created_by" is null
    make_workout(person)
    token = Token.objects.create(user=user)

    run = subprocess.run(
        [
            SCHEMATHESIS, "--config-file", CONFIG, "run", f"{live_server.url}/api/v1/schema/",
            "--header", f"Authorization: Token {token.key}",
            "--checks", "all",
            # The coverage phase alone sends some 3,000 requests: the long run keeps it.
            "--phases", "fuzzing,stateful", "--max-examples", "6", "--seed", "1", "--generation-database", "none",
            "--workers", "1", "--request-timeout", "30", "--no-color",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )

    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    generated, passed = map(int, re.search(r"(\d+) generated, (\d+) passed", run.stdout).groups())
    assert generated == passed >= 200  # every operation was called, many times
