"""Every page goes out with a Content-Security-Policy that allows no inline script or style,
and no page carries one inline: the policy would refuse it in the browser."""

import re

import pytest

from logs import vocab
from logs.reports import sharing
from tests.factories import make_event, make_person, make_user, make_workout

PAGES = [
    "/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/people/new/",
    "/people/{person}/", "/people/{person}/log/", "/people/{person}/events/", "/people/{person}/edit/",
    "/people/{person}/caregivers/", "/people/{person}/workouts/", "/workouts/{workout}/",
    "/events/{event}/edit/", "/alerts/", "/settings/", "/offline/", "/people/{person}/export/", "/share/{share}/",
]


@pytest.fixture
def world(db):
    user = make_user("csp")
    person = make_person(user, name="Maya", life_stage=vocab.LifeStage.INFANT)
    workout = make_workout(person)
    event = make_event(person, workout=workout, note="<script>alert(1)</script>")
    share = sharing.create_share_link(person=person, created_by=user, expires_in_days=1).token
    return user, {"person": person.pk, "workout": workout.pk, "event": event.pk, "share": share}


@pytest.mark.parametrize("path", PAGES)
def test_pages_allow_no_inline_script_or_style(client, world, path):
    user, ids = world
    if not path.startswith("/accounts/"):  # signed in, allauth sends these pages home
        client.force_login(user)
    answer = client.get(path.format(**ids))

    assert answer.status_code == 200
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    html = answer.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
    assert not re.search(r"<style\b", html), "a <style> block"
    assert not re.search(r"\sstyle=", html), "a style attribute"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
