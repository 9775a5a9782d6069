"""Alert e-mails to caregivers: who gets one, what it says, and never twice for a tier."""

from datetime import UTC, datetime
from smtplib import SMTPException

import pytest
from django.core import mail

from alerts import notify
from alerts.models import AlertNotification
from logs import vocab
from tests.factories import make_alert, make_event, make_person, make_user, share

DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."
SEEN = datetime(2026, 6, 15, 12, 5, tzinfo=UTC)


@pytest.fixture
def alert(person):
    grinding = make_event(person, occurred_at=SEEN, side="left", sound="grinding", pain=3, signs=["swelling"])
    return make_alert(person, [grinding], advice="Book an appointment with a physiotherapist.")


@pytest.fixture
def household(owner, person):
    """Owner, editor and viewer who want e-mails; and three who must not get one."""
    owner.timezone = "Europe/London"
    owner.save()
    editor = make_user("eddie", timezone="America/New_York")
    viewer = make_user("vera")
    share(person, editor, vocab.Role.EDITOR)
    share(person, viewer, vocab.Role.VIEWER)
    share(person, make_user("quiet", email_alerts=False), vocab.Role.EDITOR)
    share(person, make_user("no_address", email=""), vocab.Role.VIEWER)
    make_person(make_user("stranger"))
    return {"olive": owner, "eddie": editor, "vera": viewer}


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def test_each_caregiver_who_wants_alerts_gets_one_message_of_their_own(alert, household):
    assert notify.send_alert_emails(alert.pk) == 3

    assert sent_to() == ["eddie@example.org", "olive@example.org", "vera@example.org"]
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)
    assert AlertNotification.objects.filter(alert=alert, urgency="soon").count() == 3


def test_the_message_says_what_when_how_soon_and_why(alert, household):
    notify.send_alert_emails(alert.pk)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    message = by_recipient["olive@example.org"]
    html, mimetype = message.alternatives[0]
    assert message.subject == "[Popwatch] Soon: Grinding at the left knee — Robin"
    assert mimetype == "text/html"
    # 12:05 UTC is 13:05 in London (summer time).
    evidence = "Mon 15 Jun 2026, 13:05 · Knee (left) · Grinding · pain 3/10 · signs: swelling"
    for body in (message.body, html):
        assert "Robin" in body
        assert "Grinding at the left knee on 3 days." in body
        assert vocab.Urgency.SOON.label in body
        assert "Book an appointment with a physiotherapist." in body
        assert evidence in body
        assert "seed 000" in body
        assert DISCLAIMER in body
    assert "Mon 15 Jun 2026, 08:05 · Knee (left)" in by_recipient["eddie@example.org"].body  # New York


def test_the_person_name_is_escaped_in_html_only_and_kept_out_of_headers(owner, alert):
    alert.person.name = 'Jo "JJ" <O\'Brien>\nBcc: x@example.org'
    alert.person.save()

    notify.send_alert_emails(alert.pk)

    (message,) = mail.outbox
    assert message.subject == "[Popwatch] Soon: Grinding at the left knee — Jo \"JJ\" <O'Brien> Bcc: x@example.org"
    assert "Jo \"JJ\" <O'Brien>" in message.body
    assert "Jo &quot;JJ&quot; &lt;O&#x27;Brien&gt;" in message.alternatives[0][0]
    assert message.bcc == []


def test_calling_again_sends_nothing_more(alert, household):
    notify.send_alert_emails(alert.pk)

    assert notify.send_alert_emails(alert.pk) == 0
    assert len(mail.outbox) == 3


def test_a_raised_tier_sends_again_once(alert, household):
    notify.send_alert_emails(alert.pk)
    alert.urgency = vocab.Urgency.URGENT
    alert.save()

    assert notify.send_alert_emails(alert.pk) == 3
    assert notify.send_alert_emails(alert.pk) == 0
    assert len(mail.outbox) == 6
    assert all(message.subject.startswith("[Popwatch] Urgent: ") for message in mail.outbox[3:])


def test_a_tip_sends_nothing(person, household):
    tip = make_alert(person, rule="hip_click_risk_factors", urgency="tip")

    assert notify.send_alert_emails(tip.pk) == 0
    assert mail.outbox == []
    assert not AlertNotification.objects.exists()


@pytest.mark.parametrize("status", [vocab.AlertStatus.DISMISSED, vocab.AlertStatus.RESOLVED])
def test_an_alert_closed_before_sending_sends_nothing(alert, household, status):
    alert.status = status
    alert.save()

    assert notify.send_alert_emails(alert.pk) == 0
    assert mail.outbox == []


def test_a_failed_send_leaves_no_row_so_a_retry_sends(alert, owner, monkeypatch):
    def refuse(message, fail_silently=False):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(notify.EmailMultiAlternatives, "send", refuse)
        with pytest.raises(SMTPException):
            notify.send_alert_emails(alert.pk)
    assert not AlertNotification.objects.exists()

    assert notify.send_alert_emails(alert.pk) == 1
    assert sent_to() == ["olive@example.org"]


def test_a_deleted_alert_sends_nothing(alert):
    alert_id = alert.pk
    alert.delete()

    assert notify.send_alert_emails(alert_id) == 0
    assert mail.outbox == []


def test_the_message_links_to_the_alert_on_the_persons_page(alert, owner, settings):
    settings.SITE_URL = "https://popwatch.example"

    notify.send_alert_emails(alert.pk)

    (message,) = mail.outbox
    link = f"https://popwatch.example/people/{alert.person_id}/#alert-{alert.pk}"
    assert f"See it on Robin's page: {link}" in message.body
    assert f'<a href="{link}">See it on Robin’s page</a>' in message.alternatives[0][0]
