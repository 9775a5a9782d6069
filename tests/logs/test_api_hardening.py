"""Reliability and security over HTTP: the cache down, rate limits a client cannot dodge,
bodies Python cannot hold (deep nesting, lone surrogates), and events from before 1900."""

import json
from datetime import date, timedelta

import pytest
import redis
from allauth.account import app_settings as allauth_settings
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from logs.api.parsers import MAX_DEPTH
from logs.forms import EventForm
from logs.models import Event, User
from tests.factories import client_for, event_body, make_event, make_person
from tests.redis_server import closed_port_url
from tracker import cache as fail_safe

from .conftest import database_state
from .schema_writes import filled, json_writes, rows_to_write

TOKEN = "/api/v1/auth/token/"
REGISTER = "/api/v1/auth/register/"
LOGIN_PAGE = "/accounts/login/"
PASSWORD = "long enough password 1"  # tests.factories.make_user's
TOO_MANY_ON_THE_PAGE = "Too many failed login attempts"  # allauth's message


def auth_per_address():
    """How many auth/ requests one address may make per period (AUTH_THROTTLE_RATE)."""
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])


def failures_per(per):
    """How many failed log-ins allauth's "login_failed" rate allows per "key" (account) or "ip"."""
    rates = parse_rates(allauth_settings.RATE_LIMITS["login_failed"])
    return next(rate.amount for rate in rates if rate.per == per)


def failures_per_account():
    return failures_per("key")


# --- 3. The cache down ------------------------------------------------------------


def redis_cache_at(url):
    """CACHES as settings.py makes them for REDIS_URL=url (tests/test_settings.py holds it)."""
    return {
        "default": {
            "BACKEND": "tracker.cache.FailSafeRedisCache", "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def no_outage_remembered(monkeypatch):
    monkeypatch.setattr(fail_safe, "_redis_down_until", {})


@pytest.fixture
def cache_down(no_outage_remembered):
    """The cache pointed at a Redis that refuses connections."""
    with override_settings(CACHES=redis_cache_at(closed_port_url())):
        yield


def every_kind_of_request(owner, person, django_capture_on_commit_callbacks):
    """Status codes of the auth endpoints, the log-in page and ordinary API requests."""
    api = client_for(owner)
    page = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the scan request uses the cache too
        logged = api.post("/api/v1/events/", event_body(person))
    return {
        "token": APIClient().post(TOKEN, {"username": "olive", "password": PASSWORD}).status_code,
        "wrong password": APIClient().post(TOKEN, {"username": "olive", "password": "no"}).status_code,
        "register": APIClient().post(
            REGISTER, {"username": "nadia", "email": "n@example.org", "password": "a long passphrase 42"}
        ).status_code,
        "log-in page": page.get(LOGIN_PAGE).status_code,
        "log in": page.post(LOGIN_PAGE, {"login": "olive", "password": PASSWORD}).status_code,
        "signed-in page": page.get("/").status_code,
        "list": api.get("/api/v1/persons/").status_code,
        "log an event": logged.status_code,
    }


EVERYTHING_ANSWERS = {
    "token": 200, "wrong password": 400, "register": 201, "log-in page": 200, "log in": 302,
    "signed-in page": 200, "list": 200, "log an event": 201,
}


def test_with_the_cache_down_every_request_answers_as_usual(
    owner, person, cache_down, django_capture_on_commit_callbacks
):
    assert every_kind_of_request(owner, person, django_capture_on_commit_callbacks) == EVERYTHING_ANSWERS


def test_with_the_cache_down_rate_limits_still_hold_in_each_process(owner, cache_down):
    client = APIClient()
    guesses = [client.post(TOKEN, {"username": f"guess{n}", "password": "no"}) for n in range(auth_per_address() + 1)]
    page_guesses = [  # from another address: failures per address are counted for the API and the page alike
        Client(REMOTE_ADDR="203.0.113.1").post(LOGIN_PAGE, {"login": "olive", "password": f"no {n}"})
        for n in range(failures_per_account() + 1)
    ]

    assert [answer.status_code for answer in guesses[:-1]] == [400] * auth_per_address()
    assert guesses[-1].status_code == 429
    assert TOO_MANY_ON_THE_PAGE not in page_guesses[-2].content.decode()
    assert TOO_MANY_ON_THE_PAGE in page_guesses[-1].content.decode()


@pytest.mark.services
def test_a_redis_that_stops_mid_way_fails_no_request(
    owner, person, redis_server, no_outage_remembered, django_capture_on_commit_callbacks
):
    with override_settings(CACHES=redis_cache_at(redis_server.url)):
        assert every_kind_of_request(owner, person, django_capture_on_commit_callbacks) == EVERYTHING_ANSWERS
        assert redis.Redis.from_url(redis_server.url).keys("*throttle_auth_*")  # counted in Redis while up

        redis_server.stop()
        User.objects.filter(username="nadia").delete()
        assert every_kind_of_request(owner, person, django_capture_on_commit_callbacks) == EVERYTHING_ANSWERS


# --- 4. Rate limits by the real client address, and per account ------------------------


def test_changing_x_forwarded_for_does_not_dodge_the_limit_per_address(owner):
    client = APIClient()
    answers = [
        client.post(
            TOKEN, {"username": f"guess{n}", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(40)
    ]

    assert answers == [400] * auth_per_address() + [429] * (40 - auth_per_address())


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(owner):
    """With NUM_PROXIES=1 the proxy appends the peer's address: only that last entry counts."""
    def guess(n, client_address):
        return APIClient().post(
            TOKEN, {"username": f"guess{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {client_address}", REMOTE_ADDR="10.0.0.2",
        ).status_code

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}):
        attacker = [guess(n, "203.0.113.7") for n in range(auth_per_address() + 5)]
        someone_else = guess(99, "203.0.113.8")

    assert attacker == [400] * auth_per_address() + [429] * 5
    assert someone_else == 400


def test_failed_log_ins_are_limited_per_account_from_any_address(owner, time_machine):
    time_machine.move_to("2026-06-15T12:00:00Z", tick=False)
    allowed = failures_per_account()

    def log_in(n, password, username="olive"):
        return APIClient().post(
            TOKEN, {"username": username, "password": password}, REMOTE_ADDR=f"198.51.100.{n}"
        )

    failures = [log_in(n, "wrong").status_code for n in range(allowed)]
    refused = [log_in(50, PASSWORD), log_in(51, "wrong", username="OLIVE")]

    assert failures == [400] * allowed
    assert [answer.status_code for answer in refused] == [429, 429]
    assert "token" not in refused[0].json()
    assert not Token.objects.filter(user=owner).exists()

    time_machine.shift(timedelta(minutes=5, seconds=1))
    assert log_in(60, PASSWORD).status_code == 200


def test_successful_log_ins_do_not_count_as_failures(owner):
    answers = [
        APIClient().post(TOKEN, {"username": "olive", "password": PASSWORD}, REMOTE_ADDR=f"198.51.100.{n}")
        for n in range(failures_per_account() + 2)
    ]

    assert {answer.status_code for answer in answers} == {200}


def test_the_api_and_the_log_in_page_share_the_count_per_account(owner):
    allowed = failures_per_account()
    for n in range(allowed - 1):
        APIClient().post(TOKEN, {"username": "olive", "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{n}")

    last_allowed = Client(REMOTE_ADDR="203.0.113.1").post(LOGIN_PAGE, {"login": "olive", "password": "wrong"})
    refused = Client(REMOTE_ADDR="203.0.113.2").post(LOGIN_PAGE, {"login": "olive", "password": PASSWORD})

    assert TOO_MANY_ON_THE_PAGE not in last_allowed.content.decode()
    assert refused.status_code == 200
    assert TOO_MANY_ON_THE_PAGE in refused.content.decode()


@pytest.mark.parametrize(
    "varied", [
        {"HTTP_X_FORWARDED_FOR": "198.51.100.{n}"},
        {"HTTP_HOST": "testserver:{n}"},  # allauth's own key holds the Host header, port and all
    ],
    ids=["x-forwarded-for", "host-port"],
)
def test_the_log_in_page_limits_failures_per_account_whatever_the_headers(owner, varied):
    def attempt(n, password):
        headers = {name: value.format(n=n + 1000) for name, value in varied.items()}
        return Client().post(LOGIN_PAGE, {"login": "olive", "password": password}, **headers)

    failures = [attempt(n, "wrong") for n in range(failures_per_account())]
    refused = attempt(99, PASSWORD)

    assert all(TOO_MANY_ON_THE_PAGE not in page.content.decode() for page in failures)
    assert TOO_MANY_ON_THE_PAGE in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_the_log_in_page_limits_failures_per_address_whatever_x_forwarded_for_says(db):
    pages = [
        Client().post(LOGIN_PAGE, {"login": f"guess{n}", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(failures_per("ip") + 1)
    ]

    assert TOO_MANY_ON_THE_PAGE not in pages[-2].content.decode()
    assert TOO_MANY_ON_THE_PAGE in pages[-1].content.decode()


# --- 5 and 6. Bodies Python cannot hold: deep nesting, lone surrogates ---------------


@pytest.fixture
def rows(person):
    return rows_to_write(person)


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("method, path", json_writes())
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 942, 5000])
def test_deeply_nested_json_is_a_400_on_every_endpoint(api, rows, writes_nothing, method, path, depth):
    for body in (nested(depth), '{"note": %s}' % nested(depth)):
        cache.clear()  # the auth endpoints' rate limit
        with writes_nothing():
            answer = getattr(api, method)(filled(path, rows), body, content_type="application/json")

        assert answer.status_code == 400, (path, answer.content)
        assert "nested more than" in answer.json()["detail"]


def test_nesting_as_deep_as_the_api_takes_is_fine(api, person):
    answer = api.post("/api/v1/events/bulk/", [event_body(person, client_id="c0a80101-0000-4000-8000-000000000000",
                                                          signs=["cried"])])

    assert answer.status_code == 200
    assert answer.json()[0]["status"] == "created"


def raw_json(**fields):
    """A JSON body as a client sends it: a lone surrogate written as its \\u escape."""
    return json.dumps(fields)


@pytest.mark.parametrize(
    "method, path, field, value",
    [
        ("post", "/api/v1/events/", "body_site", "\ud800"),
        ("post", "/api/v1/events/", "sound", "\udfff"),
        ("post", "/api/v1/events/", "signs", ["cried", "\ud800"]),
        ("post", "/api/v1/events/", "note", "ok \udbff"),
        ("post", "/api/v1/persons/", "life_stage", "\ud800"),
        ("post", "/api/v1/persons/{id}/caregivers/", "role", "\ud800"),
        ("patch", "/api/v1/me/", "timezone", "\ud800"),
        ("post", TOKEN, "username", "olive\ud800"),
    ],
)
def test_a_lone_surrogate_is_a_400_on_its_field(api, person, writes_nothing, method, path, field, value):
    body = {**event_body(person), "name": "Sam", "life_stage": "adult", "user": "olive", "role": "viewer",
            "password": PASSWORD, "username": "olive", field: value}

    with writes_nothing():
        answer = getattr(api, method)(path.replace("{id}", str(person.pk)), raw_json(**body),
                                      content_type="application/json")

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert answer.json()[field][0].startswith("Surrogate characters are not allowed: U+")


def test_a_lone_surrogate_in_a_batch_or_a_key_says_where(api, person, writes_nothing):
    batch = [event_body(person, client_id="c0a80101-0000-4000-8000-000000000001"), {"note": ["x", "\udc00"]}]
    with writes_nothing():
        in_a_batch = api.post("/api/v1/events/bulk/", json.dumps(batch), content_type="application/json")
        in_a_key = api.post("/api/v1/events/", json.dumps({"\ud800": 1}), content_type="application/json")

    assert in_a_batch.status_code == in_a_key.status_code == 400
    assert in_a_batch.json()["non_field_errors"] == ["Surrogate characters are not allowed: U+DC00 (at [1].note[1])."]
    assert in_a_key.json()["non_field_errors"] == ["Surrogate characters are not allowed: U+D800 (at \\ud800)."]


def test_a_surrogate_pair_is_text(api, person):
    answer = api.post("/api/v1/events/", json.dumps(event_body(person, note="\U0001F600")),
                      content_type="application/json")

    assert answer.status_code == 201
    assert Event.objects.get().note == "\U0001F600"


@pytest.mark.parametrize(
    "path, fields, choices",
    [
        ("/people/{id}/log/", {"body_site": "hip", "sound": "pop", "signs": "cried"}, ["body_site", "sound", "signs"]),
        ("/people/{id}/edit/", {"name": "Sam", "life_stage": "adult", "sex": "unspecified"}, ["life_stage", "sex"]),
        ("/people/{id}/caregivers/", {"user": "olive", "role": "viewer"}, ["role"]),
        ("/settings/", {"timezone": "UTC", "temperature_unit": "c"}, ["timezone", "temperature_unit"]),
    ],
    ids=["quick-log", "person", "caregiver", "settings"],
)
def test_the_pages_forms_take_a_surrogate_as_a_bad_choice(owner, person, path, fields, choices):
    """A form's bytes are decoded with replacement: UTF-8-encoded surrogates arrive as U+FFFD,
    which a choice field's error may echo safely."""
    client = Client()
    client.force_login(owner)
    url = path.replace("{id}", str(person.pk))
    before = database_state()

    for name in choices:
        body = "&".join(f"{key}={'%ED%A0%80' if key == name else value}" for key, value in fields.items())
        page = client.post(url, body, content_type="application/x-www-form-urlencoded")

        assert page.status_code == 200, (name, page.status_code)
        assert "\ufffd" in page.content.decode()  # the refused value, shown back in the error
    assert database_state() == before


# --- 9. Events before 1900 or before the person was born --------------------------------


@pytest.mark.parametrize("occurred_at", ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "1900-01-01T00:00:00+01:00"])
def test_an_event_before_1900_is_refused(api, person, writes_nothing, occurred_at):
    with writes_nothing():
        answer = api.post("/api/v1/events/", event_body(person, occurred_at=occurred_at))

    assert answer.status_code == 400
    assert answer.json() == {"occurred_at": ["Must not be before 1900."]}


def test_an_event_from_1900_is_taken_when_the_birth_date_is_not_known(api, person):
    answer = api.post("/api/v1/events/", event_body(person, occurred_at="1900-01-01T00:00:00Z"))

    assert answer.status_code == 201


def test_a_workout_before_1900_is_refused(api, person):
    answer = api.post("/api/v1/workouts/", {"person": person.pk, "started_at": "0001-01-01T00:00:00Z",
                                            "exercise": "other"})

    assert answer.status_code == 400
    assert list(answer.json()) == ["started_at"]


@pytest.fixture
def baby(owner):
    owner.timezone = "America/New_York"
    owner.save()
    return make_person(owner, name="Maya", life_stage="infant", birth_date=date(2026, 3, 1))


@pytest.mark.parametrize(
    "occurred_at, status",
    [
        ("2026-02-28T23:59:00-05:00", 400),
        ("2026-03-01T02:00:00Z", 400),  # still 28 February in New York, the user's time zone
        ("2026-03-01T00:00:00-05:00", 201),
    ],
)
def test_an_event_before_the_birth_date_in_the_users_time_zone_is_refused(owner, baby, occurred_at, status):
    answer = client_for(owner).post("/api/v1/events/", event_body(baby, occurred_at=occurred_at))

    assert answer.status_code == status
    if status == 400:
        assert answer.json() == {"occurred_at": ["Must not be before the person's birth date (2026-03-01)."]}


def test_moving_a_stored_event_before_birth_is_refused_but_other_edits_are_not(owner, baby):
    event = make_event(baby, occurred_at="2026-03-02T12:00:00Z")
    api = client_for(owner)

    moved = api.patch(f"/api/v1/events/{event.pk}/", {"occurred_at": "2026-02-01T12:00:00Z"})
    noted = api.patch(f"/api/v1/events/{event.pk}/", {"note": "fine"})

    assert moved.status_code == 400
    assert list(moved.json()) == ["occurred_at"]
    assert noted.status_code == 200


def test_a_batch_marks_an_event_before_birth_invalid(owner, baby):
    item = event_body(baby, occurred_at="2026-02-01T12:00:00Z", client_id="c0a80101-0000-4000-8000-000000000002")

    answer = client_for(owner).post("/api/v1/events/bulk/", [item])

    assert answer.json()[0]["status"] == "invalid"
    assert list(answer.json()[0]["errors"]) == ["occurred_at"]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "occurred_at, error",
    [
        ("0001-01-01T00:00", "Must not be before 1900."),
        ("2026-02-28T23:59", "Must not be before the person's birth date (2026-03-01)."),
        ("2026-03-01T00:00", None),
    ],
)
def test_the_event_form_has_the_same_bounds(owner, baby, occurred_at, error):
    form = EventForm({"body_site": "hip", "sound": "click", "occurred_at": occurred_at}, user=owner, person=baby)

    with timezone.override("America/New_York"):  # the user's, as the middleware activates it
        valid = form.is_valid()

    assert valid is (error is None)
    assert form.errors.get("occurred_at", [None]) == [error]
