"""The alerts inbox /alerts/ and its status action /alerts/<id>/status/ (web.md)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from alerts.models import Alert
from alerts.services import KeyAlreadyActive
from logs import vocab
from tests.factories import make_alert, make_person, make_user, share

DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."
INBOX = "/alerts/"


@pytest.fixture
def kim(owner):
    """A second person of the owner's."""
    return make_person(owner, name="Kim", life_stage=vocab.LifeStage.INFANT)


@pytest.fixture
def alert(person):
    return make_alert(person, title="Grinding at the left knee")


def caregiver(person, role):
    user = make_user(f"{role}-of-{person.pk}")
    share(person, user, role)
    return user


def inbox(client, user, query=""):
    client.force_login(user)
    response = client.get(INBOX + query)
    assert response.status_code == 200
    return response.content.decode()


def change(client, user, alert, status, **extra):
    client.force_login(user)
    return client.post(f"/alerts/{alert.pk}/status/", {"status": status, **extra})


# --- The inbox ---------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/alerts/"


def test_every_person_the_user_may_see_and_no_one_else(client, owner, person, kim):
    make_alert(person, title="Robin's grinding")
    make_alert(kim, rule="hip_clunk", title="Kim's hip clunk")
    make_alert(make_person(make_user("someone"), name="Lee"), title="Lee's grinding")

    html = inbox(client, owner)

    assert "Robin&#x27;s grinding" in html and "Kim&#x27;s hip clunk" in html
    assert "Lee" not in html


def test_a_viewer_sees_the_alerts_of_the_people_shared_with_them_only(client, person, kim, alert):
    make_alert(kim, rule="hip_clunk", title="Kim's hip clunk")

    html = inbox(client, caregiver(person, vocab.Role.VIEWER))

    assert "Grinding at the left knee" in html
    assert "Kim&#x27;s hip clunk" not in html


def test_each_card_names_its_person_and_links_to_their_page(client, owner, person, alert):
    html = inbox(client, owner)

    assert f'href="/people/{person.pk}/#alert-{alert.pk}"' in html
    assert "Grinding at the left knee — Robin" in html


def test_the_default_shows_open_and_acknowledged_most_urgent_first(client, owner, person):
    make_alert(person, title="Open soon")
    make_alert(person, rule="joint_locking", urgency="urgent", status="acknowledged", title="Acknowledged urgent")
    make_alert(person, rule="painful_pop", status="dismissed", title="Dismissed one")
    make_alert(person, rule="rising_pain", status="resolved", title="Resolved one")

    html = inbox(client, owner)

    assert html.index("Acknowledged urgent") < html.index("Open soon")
    assert "Dismissed one" not in html and "Resolved one" not in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?status=open", {"Open soon"}),
        ("?status=acknowledged", {"Acknowledged urgent"}),
        ("?status=dismissed", {"Dismissed one"}),
        ("?status=resolved", {"Resolved one"}),
        ("?status=dismissed&status=resolved", {"Dismissed one", "Resolved one"}),
        (
            "?status=open&status=acknowledged&status=dismissed&status=resolved",
            {"Open soon", "Acknowledged urgent", "Dismissed one", "Resolved one"},
        ),
        ("?status=nonsense", {"Open soon", "Acknowledged urgent"}),
    ],
)
def test_the_status_filter(client, owner, person, query, shown):
    titles = {"Open soon", "Acknowledged urgent", "Dismissed one", "Resolved one"}
    make_alert(person, title="Open soon")
    make_alert(person, rule="joint_locking", status="acknowledged", title="Acknowledged urgent")
    make_alert(person, rule="painful_pop", status="dismissed", title="Dismissed one")
    make_alert(person, rule="rising_pain", status="resolved", title="Resolved one")

    html = inbox(client, owner, query)

    assert {title for title in titles if title in html} == shown


def test_the_filters_are_links_marking_the_current_one(client, owner):
    html = inbox(client, owner, "?status=dismissed")

    assert '<a class="button button--quiet" href="?status=dismissed" aria-current="page">Dismissed</a>' in html
    assert 'href="?status=open&amp;status=acknowledged">Open and acknowledged</a>' in html


@pytest.mark.parametrize(("role", "actions"), [(vocab.Role.EDITOR, True), (vocab.Role.VIEWER, False)])
def test_only_owners_and_editors_get_the_actions(client, person, kim, alert, role, actions):
    user = caregiver(person, role)
    share(kim, user, vocab.Role.EDITOR)
    kims = make_alert(kim, rule="hip_clunk")

    html = inbox(client, user)

    assert (f'action="/alerts/{alert.pk}/status/"' in html) is actions
    assert f'action="/alerts/{kims.pk}/status/"' in html


def test_no_alerts_says_so_calmly(client, owner):
    assert "No alerts to show here. Most joint sounds are harmless." in inbox(client, owner)


def test_the_disclaimer_and_the_navigation_mark(client, owner):
    html = inbox(client, owner)

    assert DISCLAIMER in html
    assert '<a href="/alerts/" aria-current="page">Alerts</a>' in html


def test_alerts_come_in_pages_that_keep_the_filter(client, owner, person):
    for n in range(25):
        make_alert(person, rule=f"rule_{n:02}", status="dismissed", title=f"Alert {n:02}")

    first = inbox(client, owner, "?status=dismissed")
    second = inbox(client, owner, "?status=dismissed&page=2")

    assert first.count('class="card alert-card') == 20
    assert second.count('class="card alert-card') == 5
    assert 'href="?status=dismissed&amp;page=2" rel="next">Next</a>' in first
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("count", [3, 40])
def test_the_inbox_costs_the_same_few_queries_whatever_the_count(
    client, owner, person, kim, count, django_assert_max_num_queries
):
    for n in range(count):
        make_alert(person if n % 2 else kim, rule=f"rule_{n:02}")
    client.force_login(owner)

    # Session, user, count, the page of alerts, their evidence, the people the user may change.
    with django_assert_max_num_queries(6):
        assert client.get(INBOX).status_code == 200


# --- Changing an alert's status ------------------------------------------------------


@pytest.mark.parametrize("role", [vocab.Role.OWNER, vocab.Role.EDITOR])
def test_an_owner_or_editor_acknowledges_and_goes_back_to_the_inbox(client, owner, person, alert, role):
    user = owner if role == vocab.Role.OWNER else caregiver(person, role)

    response = change(client, user, alert, "acknowledged")

    assert response.status_code == 302
    assert response["Location"] == INBOX
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Marked as acknowledged: Grinding at the left knee."
    ]


def test_dismissing_records_when_it_was_closed(client, owner, alert):
    change(client, owner, alert, "dismissed")

    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.closed_at is not None


def test_a_viewer_gets_403_and_nothing_changes(client, person, alert):
    response = change(client, caregiver(person, vocab.Role.VIEWER), alert, "dismissed")

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_stranger_gets_404_and_nothing_changes(client, alert):
    response = change(client, make_user("stan"), alert, "dismissed")

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_anonymous_is_sent_to_log_in_and_nothing_changes(client, alert):
    response = client.post(f"/alerts/{alert.pk}/status/", {"status": "dismissed"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    alert.refresh_from_db()
    assert alert.status == "open"


def test_get_is_not_allowed(client, owner, alert):
    client.force_login(owner)

    assert client.get(f"/alerts/{alert.pk}/status/").status_code == 405


def test_an_unknown_status_is_refused(client, owner, alert):
    assert change(client, owner, alert, "gone").status_code == 400
    alert.refresh_from_db()
    assert alert.status == "open"


def test_a_safe_next_is_followed(client, owner, person, alert):
    response = change(client, owner, alert, "acknowledged", next=f"/people/{person.pk}/?raised={alert.pk}")

    assert response["Location"] == f"/people/{person.pk}/?raised={alert.pk}"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/alerts/", "javascript:alert(1)", "http:///evil.example"]
)
def test_an_unsafe_next_is_ignored(client, owner, alert, unsafe):
    response = change(client, owner, alert, "acknowledged", next=unsafe)

    assert response["Location"] == INBOX


def test_reopening_when_the_key_is_active_again_says_so_and_changes_nothing(client, owner, person):
    dismissed = make_alert(person, status="dismissed", title="The first time")
    make_alert(person, title="The second time")

    response = change(client, owner, dismissed, "open")

    assert response.status_code == 302
    dismissed.refresh_from_db()
    assert dismissed.status == "dismissed"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [KeyAlreadyActive.message]
    assert Alert.objects.filter(person=person, status="open").count() == 1


def test_the_action_needs_the_csrf_token(owner, alert):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    refused = browser.post(f"/alerts/{alert.pk}/status/", {"status": "dismissed"})
    assert refused.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"

    browser.get(INBOX)  # sets the CSRF cookie, as the page's form does
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(f"/alerts/{alert.pk}/status/", {"status": "dismissed", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "dismissed"


def test_the_inbox_forms_carry_the_csrf_token_and_come_back_here(client, owner, alert):
    html = inbox(client, owner, "?status=open")

    assert html.count('name="csrfmiddlewaretoken"') >= 2  # acknowledge, dismiss (and log out)
    assert 'name="next" value="/alerts/?status=open"' in html
