"""Every main page on a phone: 320 px without sideways scrolling, 44 px tap targets, no serious axe
violation (light and dark), nothing refused by the Content-Security-Policy, and screenshots at
390 px, light and dark, in test-output/screenshots/."""

import pytest

from logs import vocab
from logs.reports import sharing
from tests.e2e import helpers

SMALLEST_PHONE = {"width": 320, "height": 640}

# (name, path for the demo world, signed in as the demo user?)
PAGES = [
    ("welcome", lambda demo: "/", False),
    ("signup", lambda demo: "/accounts/signup/", False),
    ("login", lambda demo: "/accounts/login/", False),
    ("password-reset", lambda demo: "/accounts/password/reset/", False),
    ("home", lambda demo: "/", True),
    ("person-new", lambda demo: "/people/new/", True),
    ("dashboard", lambda demo: f"/people/{demo.infant.pk}/", True),
    ("person-edit", lambda demo: f"/people/{demo.infant.pk}/edit/", True),
    ("quick-log", lambda demo: f"/people/{demo.infant.pk}/log/", True),
    ("timeline", lambda demo: f"/people/{demo.infant.pk}/events/", True),
    ("event-edit", lambda demo: f"/events/{demo.infant.events.get(sound=vocab.Sound.CLUNK).pk}/edit/", True),
    ("workouts", lambda demo: f"/people/{demo.exerciser.pk}/workouts/", True),
    ("workout", lambda demo: f"/workouts/{demo.exerciser.workouts.latest('started_at').pk}/", True),
    ("caregivers", lambda demo: f"/people/{demo.infant.pk}/caregivers/", True),
    ("alerts", lambda demo: "/alerts/", True),
    ("settings", lambda demo: "/settings/", True),
    ("offline", lambda demo: "/offline/", False),
    ("export", lambda demo: f"/people/{demo.infant.pk}/export/", True),
    ("share", lambda demo: f"/share/{new_share_link(demo)}/", False),
]


def new_share_link(demo):
    return sharing.create_share_link(person=demo.infant, created_by=demo.user, expires_in_days=7).token


@pytest.mark.parametrize(("name", "path", "signed_in_as_demo"), PAGES, ids=[page[0] for page in PAGES])
def test_main_page_on_a_phone(page, signed_in, axe_source, name, path, signed_in_as_demo):
    demo = helpers.seed_demo()
    if signed_in_as_demo:
        signed_in(demo.user)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    response = page.goto(path(demo))
    assert response.ok, f"{name}: {response.status} at {response.url}"

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        helpers.screenshot(page, f"{name}-{scheme}")

    page.set_viewport_size(SMALLEST_PHONE)
    page.emulate_media(color_scheme="light")
    # Controls inside closed "more" details count too.
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")
    problems = {}
    if refused:
        problems["refused by the Content-Security-Policy"] = refused
    if too_wide := helpers.overflow(page):
        problems["scrolls sideways at 320 px"] = too_wide
    if small := helpers.small_tap_targets(page):
        problems[f"tap targets under {helpers.MIN_TARGET}x{helpers.MIN_TARGET} px"] = small
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        if violations := helpers.axe_violations(page, axe_source):
            problems[f"axe, {scheme}"] = violations
    assert not problems, f"{name} ({path(demo)}):\n{helpers.readable(problems)}"
