"""The alert lifecycle of rules.md, through the engine and the database."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from alerts import engine, tasks
from alerts.models import Alert
from logs import services
from tests.factories import client_for, event_body, make_event, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent():
    return make_user("parent", timezone="Europe/London")


@pytest.fixture
def baby(parent):
    return make_person(parent, name="Ada", life_stage="infant", birth_date=timezone.localdate() - timedelta(days=120))


def clunk(baby, hours_ago=2, side="left"):
    return make_event(
        baby, body_site="hip", side=side, sound="clunk", activity="diaper_change",
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
    )


def cried(baby, hours_ago, side="right"):
    return make_event(
        baby, body_site="knee", side=side, sound="click", signs=["cried"],
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
    )


def active_alerts(person):
    return list(Alert.objects.filter(person=person, status__in=["open", "acknowledged"]))


def test_a_rescan_changes_nothing(baby):
    event = clunk(baby)
    [change] = engine.scan(baby.pk)
    assert change.kind == "created"
    alert = Alert.objects.get(person=baby)
    before = (alert.updated_at, alert.message, list(alert.evidence.all()))

    assert engine.scan(baby.pk) == []
    assert engine.scan(baby.pk) == []
    alert.refresh_from_db()
    assert (alert.updated_at, alert.message, list(alert.evidence.all())) == before
    assert list(alert.evidence.values_list("id", flat=True)) == [event.pk]
    assert Alert.objects.count() == 1


def test_new_evidence_joins_the_alert_and_raises_its_tier(baby):
    first = cried(baby, hours_ago=30)
    engine.scan(baby.pk)
    alert = Alert.objects.get(person=baby, rule="pain_after_sound")
    assert alert.urgency == "soon"

    second = cried(baby, hours_ago=1)
    [change] = [c for c in engine.scan(baby.pk) if c.alert.rule == "pain_after_sound"]
    assert (change.kind, change.alert.pk) == ("raised", alert.pk)
    alert.refresh_from_db()
    assert alert.urgency == "urgent"
    assert set(alert.evidence.values_list("id", flat=True)) == {first.pk, second.pk}
    assert Alert.objects.filter(person=baby, rule="pain_after_sound").count() == 1


def test_the_tier_never_drops(baby):
    first = cried(baby, hours_ago=30)
    cried(baby, hours_ago=1)
    engine.scan(baby.pk)
    alert = Alert.objects.get(rule="pain_after_sound")
    assert alert.urgency == "urgent"

    # The parent corrects the older entry: the baby did not cry then.
    services.update_event(event=first, signs=[])
    engine.scan(baby.pk)
    alert.refresh_from_db()
    assert alert.urgency == "urgent"
    assert alert.status == "open"
    assert first.pk not in set(alert.evidence.values_list("id", flat=True))


def test_a_dismissed_alert_returns_only_for_evidence_logged_after_it_was_closed(baby, parent):
    clunk(baby, hours_ago=5)
    engine.scan(baby.pk)
    alert = Alert.objects.get(rule="hip_clunk")
    answer = client_for(parent).patch(f"/api/v1/alerts/{alert.pk}/", {"status": "dismissed"}, format="json")
    assert answer.status_code == 200

    assert engine.scan(baby.pk) == []
    assert active_alerts(baby) == []

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        newer = clunk(baby, hours_ago=0)
        [change] = engine.scan(baby.pk)
    assert change.kind == "created" and change.alert.pk != alert.pk
    assert newer.pk in set(change.alert.evidence.values_list("id", flat=True))
    alert.refresh_from_db()
    assert alert.status == "dismissed"


def test_an_alert_whose_evidence_is_deleted_is_resolved(baby):
    event = clunk(baby)
    engine.scan(baby.pk)
    services.delete_event(event=event)
    engine.scan(baby.pk)
    alert = Alert.objects.get(rule="hip_clunk")
    assert alert.status == "resolved"
    assert alert.closed_at is not None


def test_an_alert_whose_evidence_is_edited_away_is_resolved(baby):
    event = clunk(baby)
    engine.scan(baby.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        services.update_event(event=event, sound="click")  # it was a click after all
        engine.scan(baby.pk)
    assert Alert.objects.get(rule="hip_clunk").status == "resolved"


def test_the_passing_of_time_alone_never_closes_an_alert(baby):
    clunk(baby)
    engine.scan(baby.pk)
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        assert engine.scan(baby.pk) == []
    assert Alert.objects.get(rule="hip_clunk").status == "open"


def test_events_older_than_the_window_are_not_read(db):
    owner = make_user("runner")
    runner = make_person(owner, life_stage="adult")
    for days_ago in (25, 3, 1):  # 3 grinding days, but one is outside the 21-day window
        make_event(runner, body_site="knee", side="left", sound="grinding",
                   occurred_at=timezone.now() - timedelta(days=days_ago))
    assert engine.scan(runner.pk) == []
    make_event(runner, body_site="knee", side="left", sound="grinding", occurred_at=timezone.now() - timedelta(days=2))
    [change] = engine.scan(runner.pk)
    assert change.alert.rule == "persistent_crepitus"
    assert change.alert.evidence.count() == 3


def test_an_urgent_single_event_rule_answers_in_the_create_response(baby, parent):
    client = client_for(parent)
    body = event_body(baby, body_site="elbow", side="right", sound="pop", signs=["limb_not_moving"])
    answer = client.post("/api/v1/events/", body, format="json")
    assert answer.status_code == 201
    [alert] = answer.json()["alerts"]
    assert (alert["rule"], alert["urgency"], alert["body_site"], alert["side"]) == (
        "limb_not_moving", "urgent", "elbow", "right",
    )
    assert alert["evidence"] == [answer.json()["id"]]

    # The background scan finds the same alert: no duplicate, nothing new.
    assert [c for c in engine.scan(baby.pk) if c.alert.rule == "limb_not_moving"] == []
    assert Alert.objects.filter(rule="limb_not_moving").count() == 1

    # A fever logged within 48 h raises the same alert to emergency, at once.
    fever = client.post("/api/v1/events/", event_body(baby, body_site="other", sound="none", temperature_c=38.6),
                        format="json")
    assert {(a["rule"], a["urgency"], a["id"]) for a in fever.json()["alerts"]} >= {
        ("limb_not_moving", "emergency", alert["id"]),
    }


def test_a_background_only_rule_is_not_in_the_create_response(baby, parent):
    answer = client_for(parent).post(
        "/api/v1/events/", event_body(baby, body_site="hip", side="left", sound="clunk"), format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["alerts"] == []
    assert not Alert.objects.exists()


def test_the_sweep_scans_changed_people_and_active_people_due_a_rescan(baby, db):
    owner = make_user("quiet")
    quiet = make_person(owner, name="Quiet", life_stage="adult")
    make_event(quiet, occurred_at=timezone.now() - timedelta(days=40))  # only old history,
    engine.scan(quiet.pk)  # scanned since it was logged (any insert marks the log changed)
    services.log_event(person=baby, created_by=None, occurred_at=timezone.now(), body_site="knee", sound="pop")
    assert set(engine.due_person_ids()) == {baby.pk}

    engine.scan(baby.pk)
    assert list(engine.due_person_ids()) == []

    later = timezone.now() + engine.RESCAN_ACTIVE_EVERY + timedelta(minutes=1)
    assert list(engine.due_person_ids(now=later)) == [baby.pk]  # time-based rules may have come due


def test_notifications_are_enqueued_for_new_and_raised_alerts_at_soon_and_above(
    baby, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.send_alert_emails_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        cried(baby, hours_ago=30)
        engine.scan(baby.pk)
    alert = Alert.objects.get(rule="pain_after_sound")
    assert sent == [alert.pk]

    with django_capture_on_commit_callbacks(execute=True):
        cried(baby, hours_ago=1)
        engine.scan(baby.pk)  # raised to urgent
    assert sent == [alert.pk, alert.pk]

    with django_capture_on_commit_callbacks(execute=True):
        cried(baby, hours_ago=0)
        engine.scan(baby.pk)  # joins at the same tier: no new e-mail
    assert sent == [alert.pk, alert.pk]


def test_a_tip_sends_no_notification(db, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.send_alert_emails_task, "delay", sent.append)
    owner = make_user("lifter")
    lifter = make_person(owner, life_stage="adult")
    make_event(lifter, body_site="hip", side="left", sound="pop", pain=5, pain_quality="sharp")
    with django_capture_on_commit_callbacks(execute=True):
        [change] = engine.scan(lifter.pk)
    assert (change.alert.rule, change.alert.urgency) == ("painful_pop", "tip")
    assert sent == []


def test_writes_in_a_burst_enqueue_one_scan_until_it_starts(baby, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.scan_person, "delay", queued.append)
    assert [tasks.request_scan(baby.pk) for _ in range(5)] == [True, False, False, False, False]
    assert queued == [baby.pk]

    tasks.scan_person(baby.pk)  # the scan starts: later writes must enqueue again
    assert tasks.request_scan(baby.pk) is True
    assert queued == [baby.pk, baby.pk]


def test_a_failed_enqueue_does_not_block_the_next_one(baby, monkeypatch):
    def broker_down(person_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.scan_person, "delay", broker_down)
    with pytest.raises(ConnectionError):
        tasks.request_scan(baby.pk)
    queued = []
    monkeypatch.setattr(tasks.scan_person, "delay", queued.append)
    assert tasks.request_scan(baby.pk) is True
    assert queued == [baby.pk]


@pytest.mark.parametrize("zone, fires", [("Pacific/Auckland", True), ("UTC", False)])
def test_days_are_counted_in_the_owners_time_zone(db, zone, fires):
    # Auckland is UTC+13 in January: 10:30 and 11:30 UTC on the 13th are 23:30 on
    # the 13th and 00:30 on the 14th there. Three grinding days in Auckland, two in UTC.
    owner = make_user(f"owner-{zone.replace('/', '-')}", timezone=zone)
    runner = make_person(owner, life_stage="adult")
    utc = timezone.get_fixed_timezone(0)
    for at in (datetime(2026, 1, 10, 10, 30), datetime(2026, 1, 13, 10, 30), datetime(2026, 1, 13, 11, 30)):
        make_event(runner, body_site="knee", side="left", sound="grinding", occurred_at=at.replace(tzinfo=utc))
    with time_machine.travel(datetime(2026, 1, 15, 12, 0, tzinfo=utc)):
        fired = [c.alert.rule for c in engine.scan(runner.pk)]
    assert fired == (["persistent_crepitus"] if fires else [])
