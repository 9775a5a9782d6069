"""The person dashboard /people/<id>/: alerts first, then recent events, then charts (web.md)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from logs import vocab
from logs.models import Event
from tests.factories import make_alert, make_event, make_person, make_user, share

DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."
CALM = "No alerts. Most joint sounds are harmless."


def url(person, query=""):
    return f"/people/{person.pk}/{query}"


def page(client, user, person, query=""):
    client.force_login(user)
    response = client.get(url(person, query))
    assert response.status_code == 200
    return response.content.decode()


SECTIONS = ("raised-heading", "alerts-heading", "events-heading", "charts-heading")


def section(html, heading_id):
    """The markup from the heading ``heading_id`` to the next section's heading (or the page's end)."""
    start = html.index(f'id="{heading_id}"')
    following = [html.index(f'id="{other}"') for other in SECTIONS if f'id="{other}"' in html]
    return html[start:min([at for at in following if at > start] or [html.index("</main>")])]


# --- Who may see it ------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_every_caregiver_sees_the_dashboard(client, person, role, request):
    html = page(client, request.getfixturevalue(role), person)

    assert "<h1>Robin</h1>" in html


def test_a_stranger_gets_404(client, person, stranger):
    client.force_login(stranger)

    assert client.get(url(person)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, person):
    response = client.get(url(person))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/people/{person.pk}/"


def test_an_unknown_person_is_404(client, owner):
    client.force_login(owner)

    assert client.get("/people/999999/").status_code == 404


def test_the_owner_gets_every_link(client, owner, person, assert_links):
    html = page(client, owner, person)

    assert_links(html, person, log=True, owner=True)


def test_an_editor_logs_but_does_not_manage(client, editor, person, assert_links):
    assert_links(page(client, editor, person), person, log=True, owner=False)


def test_a_viewer_only_reads(client, viewer, person, assert_links):
    assert_links(page(client, viewer, person), person, log=False, owner=False)


@pytest.fixture
def assert_links():
    def check(html, person, *, log, owner):
        base = f"/people/{person.pk}"
        assert (f'href="{base}/log/"' in html) is log
        assert f'href="{base}/events/"' in html
        assert f'href="{base}/workouts/"' in html
        assert (f'href="{base}/caregivers/"' in html) is owner
        assert (f'href="{base}/edit/"' in html) is owner

    return check


# --- What it shows, in order -----------------------------------------------------


@time_machine.travel(datetime(2026, 6, 15, 12, tzinfo=UTC))
def test_the_header_names_the_person_life_stage_and_age(client, owner):
    baby = make_person(owner, name="Ada", life_stage=vocab.LifeStage.INFANT, birth_date=date(2026, 4, 1))

    html = page(client, owner, baby)

    assert "<h1>Ada</h1>" in html
    assert "Infant · 2\xa0months, 2\xa0weeks old" in html


def test_the_age_is_left_out_when_the_birth_date_is_unknown(client, owner, person):
    assert "Adult</p>" in page(client, owner, person)


def test_alerts_come_before_events_before_charts(client, owner, person):
    make_event(person, note="the latest event")
    make_alert(person, title="Grinding at the left knee")

    html = page(client, owner, person)

    alert = html.index("Grinding at the left knee")
    event = html.index("the latest event")
    chart = html.index("<figure")
    assert alert < event < chart


def test_open_and_acknowledged_alerts_show_most_urgent_first_with_their_evidence(client, owner, person):
    evidence = make_event(person, sound="grinding")
    make_alert(person, [evidence], title="Grinding at the left knee", urgency="soon")
    make_alert(person, rule="joint_locking", urgency="urgent", status="acknowledged", title="The knee locked")
    make_alert(person, rule="painful_pop", urgency="tip", status="dismissed", title="A painful pop")
    make_alert(person, rule="rising_pain", status="resolved", title="Pain is rising")

    alerts = section(page(client, owner, person), "alerts-heading")

    assert alerts.index("The knee locked") < alerts.index("Grinding at the left knee")
    assert "A painful pop" not in alerts and "Pain is rising" not in alerts
    assert f'href="/events/{evidence.pk}/edit/"' in alerts
    assert vocab.Urgency.URGENT.label in alerts
    assert CALM not in alerts


def test_no_alerts_says_so_calmly(client, owner, person):
    html = page(client, owner, person)

    assert CALM in section(html, "alerts-heading")


@pytest.mark.parametrize(("role", "actions"), [("owner", True), ("editor", True), ("viewer", False)])
def test_only_owners_and_editors_get_the_alert_actions(client, person, role, actions, request):
    alert = make_alert(person)

    html = page(client, request.getfixturevalue(role), person)

    assert (f'action="/alerts/{alert.pk}/status/"' in html) is actions
    assert ('value="acknowledged"' in html) is actions


def test_recent_events_are_the_last_ten_newest_first_with_notes_escaped(client, owner, person):
    now = timezone.now()
    for n in range(12):
        make_event(person, occurred_at=now - timedelta(hours=n + 1), note=f"event number {n}.")
    make_event(person, occurred_at=now - timedelta(minutes=5), note="<script>alert(1)</script>")

    events = section(page(client, owner, person), "events-heading")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in events
    assert "<script>alert(1)" not in events
    shown = [n for n in range(12) if f"event number {n}." in events]
    assert shown == list(range(9))
    assert events.index("&lt;script&gt;") < events.index("event number 0.") < events.index("event number 8.")


def test_the_offline_queue_shows_its_waiting_events_here_too(client, owner, person):
    html = page(client, owner, person)

    assert '<script type="module" src="/static/js/offline-queue.js"></script>' in html
    assert "data-waiting-list" in section(html, "events-heading")
    assert "Waiting to sync" in html


def test_three_charts_each_with_an_image_role_a_title_and_their_numbers(client, owner, person):
    make_event(person, body_site="knee", sound="pop", pain=3)
    make_event(person, body_site="hip", sound="click")

    charts = section(page(client, owner, person), "charts-heading")

    assert charts.count("<figure") == 3
    assert charts.count('role="img"') == 3
    for title in ("Events per week by body site", "Events per week by sound", "Pain by body site"):
        assert f">{title}</title>" in charts
    assert charts.count("<table") == 3
    assert "2 events in the 12 weeks" in charts


def test_an_empty_log_draws_clear_empty_charts(client, owner, person):
    charts = section(page(client, owner, person), "charts-heading")

    assert charts.count("No events in this period.") >= 2
    assert "No pain scores in this period." in charts
    assert "<table" not in charts


def test_the_disclaimer_is_shown(client, owner, person):
    assert DISCLAIMER in page(client, owner, person)


# --- Alerts a write just raised (?raised=) ------------------------------------------


def test_raised_alerts_are_announced_first_with_the_tier_meaning(client, owner, person):
    urgent = make_alert(person, rule="joint_locking", urgency="urgent", title="The knee locked",
                        message="Your knee locked during a squat.")

    html = page(client, owner, person, f"?raised={urgent.pk}")

    raised = section(html, "raised-heading")
    assert 'role="alert"' in raised
    assert "Have a doctor look today." in raised
    assert "Your knee locked during a squat." in raised
    assert html.index('id="raised-heading"') < html.index('id="alerts-heading"')
    # Shown once: not a second time in the list below, nor the calm line.
    assert "The knee locked" not in section(html, "alerts-heading")
    assert CALM not in html


def test_an_alert_of_another_person_is_never_shown_through_raised(client, owner, person):
    # The owner may see both people, but this page is Robin's.
    other_of_mine = make_alert(make_person(owner, name="Kim"), rule="joint_locking", urgency="urgent",
                               title="Kim's knee locked")
    strangers = make_alert(make_person(make_user("someone"), name="Lee"), rule="joint_locking",
                           urgency="urgent", title="Lee's knee locked")

    html = page(client, owner, person, f"?raised={other_of_mine.pk},{strangers.pk}")

    assert "Kim's knee locked" not in html and "Kim&#x27;s knee locked" not in html
    assert "Lee&#x27;s knee locked" not in html
    assert 'role="alert"' not in html
    assert 'id="raised-heading"' not in html


def test_a_malformed_raised_list_is_ignored(client, owner, person):
    html = page(client, owner, person, "?raised=abc,,-1")

    assert 'id="raised-heading"' not in html


# --- Cost --------------------------------------------------------------------------


@pytest.mark.parametrize("history", [10, 500])
def test_the_dashboard_costs_the_same_few_queries_whatever_the_history(
    client, owner, person, history, django_assert_max_num_queries
):
    now = timezone.now()
    sites, sounds = vocab.BodySite.values, vocab.Sound.values
    Event.objects.bulk_create(
        Event(person=person, occurred_at=now - timedelta(hours=3 * n), body_site=sites[n % len(sites)],
              sound=sounds[n % len(sounds)], pain=n % 11 if n % 2 else None)
        for n in range(history)
    )
    events = list(Event.objects.filter(person=person)[:3])
    raised = make_alert(person, events, rule="joint_locking", urgency="urgent")
    make_alert(person, events, rule="persistent_crepitus")
    share(person, make_user("helper"), vocab.Role.EDITOR)
    client.force_login(owner)

    # Session, user, person, raised alerts and their evidence, the report's alerts and
    # their evidence, weekly counts, daily pain, recent events.
    with django_assert_max_num_queries(10):
        response = client.get(url(person, f"?raised={raised.pk}"))

    assert response.status_code == 200
