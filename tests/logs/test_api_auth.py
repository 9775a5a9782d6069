"""Accounts over HTTP: register, token (rate-limited) and /me/."""

from datetime import timedelta

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from logs.models import User
from tests.factories import client_for, make_user

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"


def auth_rate():
    """(requests, seconds) allowed by the "auth" throttle scope, from the settings."""
    return ScopedRateThrottle().parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"])


# --- Register -----------------------------------------------------------------


def test_register_creates_the_user_and_answers_a_working_token(db):
    answer = APIClient().post(
        REGISTER, {"username": "nadia", "email": "nadia@example.org", "password": "a long passphrase 42"}
    )

    assert answer.status_code == 201
    user = User.objects.get(username="nadia")
    assert answer.json() == {
        "id": user.pk, "username": "nadia", "email": "nadia@example.org", "token": user.auth_token.key,
    }
    assert user.check_password("a long passphrase 42")
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert me.get(ME).json()["username"] == "nadia"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "olive", "email": "other@example.org", "password": "a long passphrase 42"}, "username"),
        ({"username": "nadia", "email": "nadia@example.org", "password": "password"}, "password"),
        ({"username": "nadia", "email": "nadia@example.org", "password": "73194628"}, "password"),
        ({"username": "nadia", "email": "nadia@example.org", "password": "nadia@example.org"}, "password"),
        ({"username": "nadia", "email": "not an address", "password": "a long passphrase 42"}, "email"),
        ({"username": "nadia", "password": "a long passphrase 42"}, "email"),
        ({"username": "", "email": "nadia@example.org", "password": "a long passphrase 42"}, "username"),
    ],
    ids=["taken", "common", "numeric", "like-email", "bad-email", "no-email", "no-username"],
)
def test_register_refuses_a_taken_name_or_weak_password_and_stores_nothing(owner, writes_nothing, body, field):
    with writes_nothing():
        answer = APIClient().post(REGISTER, body)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


# --- Token ----------------------------------------------------------------------


def test_token_answers_the_users_token(owner):
    answer = APIClient().post(TOKEN, {"username": "olive", "password": "long enough password 1"})

    assert answer.status_code == 200
    assert answer.json() == {"token": Token.objects.get(user=owner).key}


@pytest.mark.parametrize(
    "body",
    [
        {"username": "olive", "password": "wrong password"},
        {"username": "nobody", "password": "long enough password 1"},
        {"username": "olive"},
        {},
    ],
    ids=["wrong-password", "unknown-user", "no-password", "empty"],
)
def test_token_refuses_bad_credentials_with_400(owner, body):
    answer = APIClient().post(TOKEN, body)

    assert answer.status_code == 400
    assert "token" not in answer.json()
    assert not Token.objects.filter(user=owner).exists()


def test_token_ignores_an_inactive_user(owner):
    owner.is_active = False
    owner.save()

    answer = APIClient().post(TOKEN, {"username": "olive", "password": "long enough password 1"})

    assert answer.status_code == 400


def test_auth_endpoints_are_rate_limited_and_recover_after_the_period(owner, time_machine):
    time_machine.move_to("2026-06-15T12:00:00Z", tick=False)
    allowed, period = auth_rate()
    client = APIClient()
    # Other usernames each time: failures per account have their own limit (test_api_hardening.py).
    guesses = [{"username": f"guess{n}", "password": "wrong password"} for n in range(allowed)]

    statuses = [client.post(TOKEN, guess).status_code for guess in guesses]
    throttled = client.post(TOKEN, {"username": "olive", "password": "long enough password 1"})
    register = client.post(REGISTER, {"username": "nadia", "email": "n@example.org", "password": "a long pass 42"})

    assert statuses == [400] * allowed
    assert throttled.status_code == 429
    assert "token" not in throttled.json()
    assert register.status_code == 429  # one budget for all the auth endpoints
    assert not User.objects.filter(username="nadia").exists()

    time_machine.shift(timedelta(seconds=period + 1))
    assert client.post(TOKEN, {"username": "olive", "password": "long enough password 1"}).status_code == 200


# --- Me -------------------------------------------------------------------------


def test_me_shows_the_account(owner, api):
    answer = api.get(ME)

    assert answer.status_code == 200
    assert answer.json() == {
        "id": owner.pk, "username": "olive", "email": "olive@example.org", "timezone": "UTC", "email_alerts": True,
        "temperature_unit": "c",
    }


def test_me_patch_changes_timezone_and_email_alerts_only(owner, api):
    answer = api.patch(
        ME, {"timezone": "Europe/London", "email_alerts": False, "username": "mallory", "email": "m@example.org"}
    )

    assert answer.status_code == 200
    assert answer.json()["timezone"] == "Europe/London"
    owner.refresh_from_db()
    assert (owner.timezone, owner.email_alerts) == ("Europe/London", False)
    assert (owner.username, owner.email) == ("olive", "olive@example.org")


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "europe/london", None, 5])
def test_me_refuses_an_unknown_timezone(api, writes_nothing, timezone):
    with writes_nothing():
        answer = api.patch(ME, {"timezone": timezone})

    assert answer.status_code == 400
    assert list(answer.json()) == ["timezone"]


def test_me_cannot_be_replaced_with_put(api):
    assert api.put(ME, {"timezone": "UTC", "email_alerts": True}).status_code == 405


@pytest.mark.parametrize("method", ["get", "patch"])
def test_me_needs_authentication(db, method):
    answer = getattr(client_for(None), method)(ME, {} if method == "patch" else None)

    assert answer.status_code == 401


def test_a_revoked_token_is_refused(owner, api):
    Token.objects.filter(user=owner).delete()

    assert api.get(ME).status_code == 401


def test_session_writes_need_the_csrf_token(owner):
    other = make_user("nadia")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(other)

    assert client.get(ME).status_code == 200
    assert client.patch(ME, {"timezone": "Europe/Paris"}).status_code == 403
    other.refresh_from_db()
    assert other.timezone == "UTC"
