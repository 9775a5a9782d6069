"""Events logged with no connection wait on the phone ("Waiting to sync") and are stored exactly once.

Each test opens the quick log online, goes offline, logs three events, and comes
back: plainly, with the first sync's answer lost on the way, and with the session
gone meanwhile (the user logs in again and nothing is lost).
"""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from logs import vocab
from logs.models import Event
from tests.e2e.helpers import choice, log_in_through_the_form, save_button
from tests.factories import make_person, make_user

SITES = (vocab.BodySite.KNEE, vocab.BodySite.HIP, vocab.BodySite.ANKLE)
BULK = "**/api/v1/events/bulk/"


@pytest.fixture
def parent(signed_in):
    return signed_in(make_user("parent"))


@pytest.fixture
def baby(parent):
    return make_person(parent, name="Noa", life_stage=vocab.LifeStage.INFANT)


def waiting(page):
    return page.locator("[data-waiting-list] [data-waiting-items] > li")


def log_three_events_offline(page, context, person):
    page.goto(f"/people/{person.pk}/log/")
    expect(page.locator("form[data-quick-log][data-queue-ready]")).to_be_attached()  # its script has started
    context.set_offline(True)
    for logged, site in enumerate(SITES, start=1):
        choice(page, "body_site", site).tap()
        choice(page, "sound", vocab.Sound.POP).tap()
        save_button(page.locator("form[data-quick-log]")).tap()
        expect(waiting(page)).to_have_count(logged)
    expect(page.locator("[data-waiting-list]")).to_contain_text("Waiting to sync")
    expect(waiting(page).filter(has_text="Waiting to sync")).to_have_count(3)
    assert not Event.objects.filter(person=person).exists()


def expect_queue_sent(page):
    """The device's queue is empty (the offline-queue.js hook reads IndexedDB) and the list is gone."""
    # wait_for_function does not await a promise: each poll starts a read and checks the last one's count.
    page.wait_for_function("""() => {
        window.popwatchQueue.records().then(records => { window.queuedInTest = records.length; });
        return window.queuedInTest === 0;
    }""")
    expect(page.locator("[data-waiting-list]")).to_be_hidden()


def assert_stored_once(person):
    events = Event.objects.filter(person=person)
    assert sorted(events.values_list("body_site", flat=True)) == sorted(SITES)
    assert len({event.client_id for event in events}) == 3 and None not in {event.client_id for event in events}


def test_events_logged_offline_are_stored_once_back_online(page, context, baby):
    log_three_events_offline(page, context, baby)

    context.set_offline(False)
    expect_queue_sent(page)
    expect(waiting(page)).to_have_count(0)
    assert_stored_once(baby)


def test_a_sync_whose_answer_is_lost_is_sent_again_without_doubles(page, context, baby):
    log_three_events_offline(page, context, baby)
    connection = {"flaky": True, "answers_lost": 0, "answered": 0}

    def flaky(route):
        if not connection["flaky"]:
            connection["answered"] += 1
            route.continue_()
            return
        if not connection["answers_lost"]:
            route.fetch()  # the first batch reaches the server and is stored...
        connection["answers_lost"] += 1
        route.abort("connectionreset")  # ...but no answer reaches the phone (nor to any retry meanwhile)

    context.route(BULK, flaky)
    with page.expect_event("requestfailed", lambda request: "/bulk/" in request.url):
        context.set_offline(False)
    assert Event.objects.filter(person=baby).count() == 3
    expect(waiting(page)).to_have_count(3)  # the phone cannot know they arrived

    connection["flaky"] = False
    # The queue may try again by itself; opening the page again always does.
    page.reload()
    expect_queue_sent(page)
    assert connection["answered"] >= 1  # the same three were sent again, and answered "duplicate"
    assert_stored_once(baby)


def test_events_wait_through_a_lost_session_and_sync_after_logging_in(page, context, server, parent, baby):
    log_three_events_offline(page, context, baby)
    Session.objects.all().delete()  # logged out elsewhere, or the session expired

    context.set_offline(False)
    log_in = page.locator("[data-login-link]")
    expect(log_in).to_be_visible()
    expect(log_in).to_contain_text("Log in")
    expect(waiting(page)).to_have_count(3)
    assert not Event.objects.filter(person=baby).exists()

    with page.expect_navigation():
        log_in.tap()
    log_in_through_the_form(page, parent.username, "long enough password 1")  # make_user's password
    expect(page).to_have_url(f"{server}/people/{baby.pk}/log/")  # back where the user was
    expect_queue_sent(page)
    assert_stored_once(baby)
