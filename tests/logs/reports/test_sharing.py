"""Share links (logs/reports/sharing.py): made, resolved, expired, revoked, and guessing throttled.
A wrong, expired or revoked token is one and the same 404."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.test import RequestFactory

from logs.models import ShareLink
from logs.reports import sharing
from tests.factories import make_event, make_person

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def request_from(address="203.0.113.7"):
    return RequestFactory().get("/share/x/", REMOTE_ADDR=address)


def new_link(person, owner, **fields):
    fields.setdefault("expires_in_days", 7)
    return sharing.create_share_link(person=person, created_by=owner, **fields)


def test_the_token_is_long_random_and_only_its_hash_is_stored(person, owner):
    first, second = new_link(person, owner), new_link(person, owner)

    assert len(first.token) >= 43 and first.token != second.token  # 32 random bytes, URL-safe
    stored = [str(value) for value in ShareLink.objects.values_list(named=False).get(pk=first.link.pk)]
    assert not any(first.token in value for value in stored)
    assert first.link.token_hash == sharing.hash_of(first.token) != first.token


def test_a_link_covers_the_days_asked_for_and_expires_days_from_now(person, owner, now):
    made = new_link(person, owner, expires_in_days=30, start=date(2026, 5, 1), end=date(2026, 5, 31)).link

    assert (made.start, made.end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert made.expires_at == NOW + timedelta(days=30)
    assert made.created_by == owner and made.revoked_at is None and made.last_opened_at is None


def test_by_default_a_link_covers_the_first_logged_day_to_today_in_the_owners_time_zone(person, owner, now):
    owner.timezone = "Pacific/Auckland"  # already the 16th there
    owner.save()
    make_event(person, occurred_at=datetime(2026, 6, 1, 20, 0, tzinfo=UTC))  # the 2nd in Auckland

    made = new_link(person, owner).link

    assert (made.start, made.end) == (date(2026, 6, 2), date(2026, 6, 16))


def test_the_right_token_opens_its_link_and_says_when(person, owner, now):
    made = new_link(person, owner)

    opened = sharing.resolve(request_from(), made.token)

    assert opened == made.link
    made.link.refresh_from_db()
    assert made.link.last_opened_at == NOW


def test_a_wrong_token_is_not_found(person, owner):
    made = new_link(person, owner)

    for wrong in ("", "x", made.token[:-1], made.token + "x", made.link.token_hash):
        with pytest.raises(Http404):
            sharing.resolve(request_from(), wrong)


def test_a_link_stops_at_the_moment_it_expires(person, owner, now):
    made = new_link(person, owner, expires_in_days=1)

    now.shift(timedelta(days=1) - timedelta(seconds=1))
    assert sharing.resolve(request_from(), made.token) == made.link
    now.shift(timedelta(seconds=1))
    with pytest.raises(Http404):
        sharing.resolve(request_from(), made.token)


def test_a_revoked_link_is_not_found_and_revoking_again_changes_nothing(person, owner, now):
    made = new_link(person, owner)

    sharing.revoke_share_link(link=made.link)
    now.shift(timedelta(hours=1))
    sharing.revoke_share_link(link=made.link)

    made.link.refresh_from_db()
    assert made.link.revoked_at == NOW
    with pytest.raises(Http404):
        sharing.resolve(request_from(), made.token)


def test_guessing_is_throttled_per_address_and_then_even_the_right_token_waits(person, owner, now):
    made = new_link(person, owner)
    guesser, reader = request_from("198.51.100.1"), request_from("198.51.100.2")

    for _ in range(sharing.WRONG_TOKENS_ALLOWED):
        with pytest.raises(Http404):
            sharing.resolve(guesser, "a-guess")

    for token in ("another-guess", made.token):  # the answer tells a guesser nothing
        with pytest.raises(sharing.TooManyWrongTokens):
            sharing.resolve(guesser, token)
    assert sharing.resolve(reader, made.token) == made.link  # another address is not held back
    now.shift(sharing.WRONG_TOKENS_WINDOW + timedelta(seconds=1))
    assert sharing.resolve(guesser, made.token) == made.link


def test_opening_a_link_again_and_again_never_locks_its_reader_out(person, owner):
    made = new_link(person, owner)

    for _ in range(sharing.WRONG_TOKENS_ALLOWED * 2):
        assert sharing.resolve(request_from(), made.token) == made.link


def test_the_report_of_a_link_is_its_days_in_its_makers_time_zone(person, owner):
    owner.timezone = "America/New_York"
    owner.save()
    made = new_link(person, owner, start=date(2026, 6, 1), end=date(2026, 6, 14)).link
    make_event(person, occurred_at=datetime(2026, 6, 15, 3, 0, tzinfo=UTC))  # the 14th, 23:00 in New York

    report = sharing.report_of(made)

    assert (report.person, report.start, report.end) == (person, date(2026, 6, 1), date(2026, 6, 14))
    assert report.time_zone == ZoneInfo("America/New_York")
    assert report.event_count == 1


def test_a_link_belongs_to_its_person(person, owner):
    other = make_person(owner, name="Other")
    made = new_link(other, owner)

    with pytest.raises(Http404):
        sharing.share_link_of(person, made.link.pk)
    assert sharing.share_link_of(other, made.link.pk) == made.link
