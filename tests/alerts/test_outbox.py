"""Alert e-mails are owed in the database with the alert, and sent once the broker can take them (issue 8, item 2).

Before the outbox, an alert raised while the broker was down logged "Could not
enqueue the e-mails" and nothing ever sent them.
"""

import logging
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from alerts import engine, notify, tasks
from alerts.models import Alert, AlertNotification, OwedEmail
from logs import vocab
from tests.alerts.workers import WorkerProcess, use_broker, wait_until
from tests.factories import client_for, event_body, make_event, make_person, make_user, share
from tracker.celery import app

BACK_WITHIN = 60  # seconds after the broker's return (issue 8: "within a minute")


@pytest.fixture
def parent(db):
    return make_user("parent")


@pytest.fixture
def baby(parent):
    """An infant of two months whose two caregivers want alert e-mails."""
    baby = make_person(parent, name="Ada", life_stage="infant", birth_date=timezone.localdate() - timedelta(days=60))
    share(baby, make_user("grandma"), vocab.Role.EDITOR)
    return baby


def cried(baby, hours_ago):
    """Crying right after a click at the right knee: pain_after_sound, `soon`; twice within 48 h, `urgent`."""
    return make_event(
        baby, body_site="knee", side="right", sound="click", signs=["cried"],
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
    )


def owed():
    return sorted(OwedEmail.objects.values_list("alert__rule", "urgency"))


def told():
    return sorted(AlertNotification.objects.values_list("alert__rule", "user__username", "urgency"))


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does with Redis gone."""

    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (tasks.send_alert_emails_task, tasks.scan_person, tasks.scan_people):
        monkeypatch.setattr(task, "delay", refuse)


# --- The outbox, without a broker ------------------------------------------------------


def test_the_alert_and_the_emails_it_owes_commit_together(baby, django_capture_on_commit_callbacks):
    cried(baby, hours_ago=3)
    with django_capture_on_commit_callbacks() as enqueued:
        engine.scan(baby.pk)

    assert owed() == [("pain_after_sound", "soon")]
    assert len(enqueued) == 1  # and the task is enqueued once it commits

    cried(baby, hours_ago=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        engine.scan(baby.pk)  # would raise the tier to urgent ...
        raise RuntimeError("... but the transaction rolls back")
    assert Alert.objects.get().urgency == "soon"
    assert owed() == [("pain_after_sound", "soon")]


def test_emails_the_broker_could_not_take_stay_owed_and_the_sweep_sends_them_once(
    baby, broker_down, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    cried(baby, hours_ago=3)
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR, logger="alerts.notify"):
        engine.scan(baby.pk)
    alert = Alert.objects.get()
    assert [r.getMessage() for r in caplog.records] == [
        f"Could not enqueue the e-mails for alert {alert.pk}; the sweep will send them"
    ]
    assert owed() == [("pain_after_sound", "soon")]
    assert mail.outbox == []

    for task in (tasks.send_alert_emails_task, tasks.scan_people):  # the broker is back
        monkeypatch.setattr(task, "delay", task)
    tasks.sweep()
    tasks.sweep()

    assert sorted(message.to[0] for message in mail.outbox) == ["grandma@example.org", "parent@example.org"]
    assert told() == [("pain_after_sound", "grandma", "soon"), ("pain_after_sound", "parent", "soon")]
    assert owed() == []


def test_the_sweep_enqueues_one_email_task_per_alert_still_owing_emails(parent, baby, monkeypatch):
    cried(baby, hours_ago=3)
    engine.scan(baby.pk)
    notify.send_alert_emails(Alert.objects.get(person=baby).pk)  # sent: owes nothing
    twin = make_person(parent, name="Bo", life_stage="infant", birth_date=baby.birth_date)
    cried(twin, hours_ago=3)
    engine.scan(twin.pk)  # owed: its task was lost with the broker
    enqueued = []
    monkeypatch.setattr(tasks.send_alert_emails_task, "delay", enqueued.append)
    monkeypatch.setattr(tasks.scan_people, "delay", lambda person_ids: None)

    tasks.sweep()

    assert enqueued == [Alert.objects.get(person=twin).pk]


def test_a_failed_send_keeps_the_emails_owed_until_a_retry_sends_them(baby, monkeypatch):
    cried(baby, hours_ago=3)
    engine.scan(baby.pk)
    alert_id = Alert.objects.get().pk
    with monkeypatch.context() as patched:
        patched.setattr(notify.EmailMultiAlternatives, "send", _refuse)
        with pytest.raises(SMTPServerDisconnected):
            notify.send_alert_emails(alert_id)
    assert owed() == [("pain_after_sound", "soon")]
    assert told() == []

    assert notify.send_alert_emails(alert_id) == 2
    assert owed() == []


def _refuse(message, fail_silently=False):
    raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_tier_raised_while_sending_stays_owed(baby, monkeypatch):
    cried(baby, hours_ago=30)
    engine.scan(baby.pk)  # soon, owed
    send = notify.EmailMultiAlternatives.send

    def raise_the_tier_meanwhile(message, fail_silently=False):
        if not Alert.objects.filter(urgency="urgent").exists():
            cried(baby, hours_ago=1)
            engine.scan(baby.pk)  # another worker raises it to urgent
        return send(message, fail_silently)

    monkeypatch.setattr(notify.EmailMultiAlternatives, "send", raise_the_tier_meanwhile)
    assert notify.send_alert_emails(Alert.objects.get().pk) == 2

    assert owed() == [("pain_after_sound", "urgent")]
    assert notify.send_alert_emails(Alert.objects.get().pk) == 2
    assert owed() == []
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["[Popwatch] Soon"] * 2 + ["[Popwatch] Urgent"] * 2


def test_an_alert_raised_twice_before_sending_sends_the_higher_tier_once(baby):
    cried(baby, hours_ago=30)
    engine.scan(baby.pk)
    cried(baby, hours_ago=1)
    engine.scan(baby.pk)
    assert owed() == [("pain_after_sound", "soon"), ("pain_after_sound", "urgent")]

    alert_id = Alert.objects.get().pk
    assert notify.send_alert_emails(alert_id) == 2
    assert notify.send_alert_emails(alert_id) == 0
    assert owed() == []
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"[Popwatch] Urgent"}


@pytest.mark.parametrize("status", [vocab.AlertStatus.DISMISSED, vocab.AlertStatus.RESOLVED])
def test_an_alert_closed_before_sending_owes_nothing(baby, status):
    cried(baby, hours_ago=3)
    engine.scan(baby.pk)
    Alert.objects.update(status=status, closed_at=timezone.now())

    assert notify.send_alert_emails(Alert.objects.get().pk) == 0
    assert owed() == []
    assert mail.outbox == []


def test_a_tip_owes_no_email(db):
    lifter = make_person(make_user("lifter"), life_stage="adult")
    make_event(lifter, body_site="hip", side="left", sound="pop", pain=5, pain_quality="sharp")
    [change] = engine.scan(lifter.pk)

    assert change.alert.urgency == "tip"
    assert owed() == []


# --- A real outage: Redis stopped under a real worker -----------------------------------


@pytest.fixture
def web_publishes_to(redis_server):
    """This process (the web side: the API's writes) publishes to the test's own Redis."""
    saved = (app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_transport_options)
    use_broker(url=redis_server.url)
    yield
    use_broker(url=saved[0], write_url=saved[1])
    app.conf.broker_transport_options = saved[2]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_emails_owed_during_an_outage_are_sent_once_when_the_broker_is_back(
    redis_server, web_publishes_to, parent, baby, tmp_path, caplog
):
    worker = WorkerProcess(redis_server.url, tmp_path).start()
    try:
        redis_server.stop()
        api = client_for(parent)
        limb = event_body(baby, body_site="knee", side="left", sound="none", signs=["limb_not_moving"])
        stuck = api.post("/api/v1/events/", limb, format="json")
        clunk = api.post("/api/v1/events/", event_body(baby, body_site="hip", side="left", sound="clunk"),
                         format="json")

        # The writes stand; the urgent alert is raised in the request; nothing could be enqueued.
        assert (stuck.status_code, clunk.status_code) == (201, 201)
        assert [a["rule"] for a in stuck.json()["alerts"]] == ["limb_not_moving"]
        assert "Could not enqueue the e-mails" in caplog.text
        assert owed() == [("limb_not_moving", "urgent")]

        redis_server.start()  # nobody touches the worker from here on
        wait_until(lambda: len(told()) == 4 and not owed(), "the e-mails to be sent", seconds=BACK_WITHIN,
                   explain=worker.log)
        assert told() == [
            ("hip_clunk", "grandma", "soon"), ("hip_clunk", "parent", "soon"),
            ("limb_not_moving", "grandma", "urgent"), ("limb_not_moving", "parent", "urgent"),
        ]
        # The console backend prints each message to the worker's log: each once.
        assert sorted(line for line in worker.log().splitlines() if line.startswith("To: ")) == [
            "To: grandma@example.org", "To: grandma@example.org", "To: parent@example.org", "To: parent@example.org",
        ]
        assert worker.alive()
    finally:
        worker.stop()
