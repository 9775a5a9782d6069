"""Accounts, home and settings pages: sign up, log in and out, password reset, settings,
download everything, delete the account (web.md "Pages")."""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects
from rest_framework.authtoken.models import Token

from alerts.models import Alert
from alerts.rules import DISCLAIMER
from logs import vocab
from logs.api.serializers import AlertSerializer, EventSerializer, MeSerializer, PersonSerializer, WorkoutSerializer
from logs.forms import SettingsForm
from logs.models import Caregiver, Event, Person, User, Workout
from tests.factories import make_alert, make_event, make_person, make_user, make_workout, share
from tests.logs.page_html import form_with, forms_of, signed_in, unlabelled_controls

PASSWORD = "long enough password 1"  # tests.factories.make_user's


def signed_in_user(client):
    return client.get("/settings/").wsgi_request.user


# --- Sign up, log in, log out, password reset ---------------------------------


def test_the_signup_page_asks_for_username_email_and_password(db):
    page = Client().get("/accounts/signup/")

    assert page.status_code == 200
    form = form_with(page, action="/accounts/signup/")
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "username", "email", "password1"}
    assert unlabelled_controls(page) == []
    assertContains(page, '<button type="submit">Sign up</button>', html=True)
    assertContains(page, '<label for="id_email">Email</label>', html=True)
    assertContains(page, 'href="/static/css/app.css"')  # the app's own page (base.html), not allauth's


def test_signing_up_creates_the_user_with_an_api_token_and_signs_them_in(db):
    client = Client()

    answer = client.post(
        "/accounts/signup/", {"username": "nadia", "email": "nadia@example.org", "password1": "a calm long passphrase"}
    )

    assertRedirects(answer, "/", fetch_redirect_response=False)
    user = User.objects.get(username="nadia")
    assert user.email == "nadia@example.org"
    assert Token.objects.filter(user=user).exists()
    assert signed_in_user(client) == user


def test_a_refused_signup_shows_the_errors_and_creates_no_one(db):
    make_user("nadia")

    page = Client().post("/accounts/signup/", {"username": "nadia", "email": "x@example.org", "password1": "123"})

    assert page.status_code == 200
    assertContains(page, 'class="errors"')
    assert User.objects.filter(username="nadia").count() == 1


@pytest.mark.parametrize("login", ["olive", "olive@example.org"])
def test_logging_in_by_username_or_email_honours_next(owner, login):
    client = Client()

    answer = client.post("/accounts/login/?next=/settings/", {"login": login, "password": PASSWORD})

    assertRedirects(answer, "/settings/", fetch_redirect_response=False)
    assert signed_in_user(client) == owner


def test_the_login_page_keeps_next_and_labels_its_fields(db):
    page = Client().get("/accounts/login/?next=/people/new/")

    form = form_with(page, action="/accounts/login/")
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "login", "password", "next"}
    assert form.values("next") == ["/people/new/"]
    assert form.buttons == ["Log in"]
    assert unlabelled_controls(page) == []
    assertContains(page, '<label for="id_login">Username or e-mail</label>', html=True)
    assertContains(page, '<a class="help-link" href="/accounts/password/reset/">Forgot your password?</a>', html=True)


def test_a_wrong_password_does_not_log_in(owner):
    client = Client()

    page = client.post("/accounts/login/", {"login": "olive", "password": "not it"})

    assert page.status_code == 200
    assert not signed_in_user(client).is_authenticated


def test_log_out_is_a_post(owner):
    client = signed_in(owner)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assertContains(page, '<button type="submit">Log out</button>', html=True)
    assert signed_in_user(client) == owner

    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302
    assert not signed_in_user(client).is_authenticated


def test_every_page_offers_log_out_as_a_form(owner):
    page = signed_in(owner).get("/")

    assert form_with(page, action="/accounts/logout/").buttons == ["Log out"]


def test_a_password_reset_emails_a_link_that_sets_a_new_password(owner):
    client = Client()

    answer = client.post("/accounts/password/reset/", {"email": "olive@example.org"})

    assertRedirects(answer, "/accounts/password/reset/done/", fetch_redirect_response=False)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olive@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assertContains(form_page, "Choose a new password")
    [form] = [form for form in forms_of(form_page) if form.named("password1")]
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "password1", "password2"}
    assert form.buttons == ["Save password"]
    new_password = {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    done = client.post(form.attrs["action"], new_password)

    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")
    # The link works once.
    assertContains(client.get(link, follow=True), "This link no longer works")


def test_a_password_reset_for_an_unknown_address_sends_no_link(db):
    answer = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert answer.status_code == 302
    assert not any("/accounts/password/reset/key/" in message.body for message in mail.outbox)


def test_the_password_change_page_is_the_apps(owner):
    page = signed_in(owner).get("/accounts/password/change/")

    form = form_with(page, action="/accounts/password/change/")
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "oldpassword", "password1", "password2"}
    assert form.buttons == ["Save password"]
    assert unlabelled_controls(page) == []


# --- Home -----------------------------------------------------------------------


def test_home_signed_out_says_what_popwatch_is_and_offers_sign_up_and_log_in(db):
    page = Client().get("/")

    assert page.status_code == 200
    assertContains(page, "Most joint sounds are harmless.")
    assertContains(page, '<a class="button" href="/accounts/signup/">Sign up</a>', html=True)
    assertContains(page, '<a class="button button--quiet" href="/accounts/login/">Log in</a>', html=True)
    assertContains(page, DISCLAIMER)


def test_home_lists_my_people_with_links_to_their_dashboard_and_quick_log(owner, person):
    page = signed_in(owner).get("/")

    assertContains(page, f'href="/people/{person.pk}/"')
    log_link = f'<a class="button button--big person-log" href="/people/{person.pk}/log/" aria-label="Log for Robin">'
    assertContains(page, f"{log_link}Log</a>", html=True)
    assertContains(page, '<a class="button button--quiet" href="/people/new/">Add a person</a>', html=True)
    assertContains(page, '<a href="/" aria-current="page">People</a>', html=True)


def test_home_without_people_invites_to_add_one(owner):
    page = signed_in(owner).get("/")

    assertContains(page, "No one yet.")
    assertContains(page, '<a class="button" href="/people/new/">Add a person</a>', html=True)


def test_a_viewer_sees_a_shared_person_without_a_log_button(person):
    viewer = make_user("victor")
    share(person, viewer, vocab.Role.VIEWER)

    page = signed_in(viewer).get("/")

    assertContains(page, "shared with you (viewer)")
    assertNotContains(page, f"/people/{person.pk}/log/")


def test_home_counts_open_alerts_coloured_by_the_most_urgent_tier(owner, person):
    make_alert(person, urgency="soon")
    make_alert(person, rule="joint_locking", urgency="urgent")
    make_alert(person, rule="hip_clunk", urgency="emergency", status=vocab.AlertStatus.DISMISSED)

    page = signed_in(owner).get("/")

    assertContains(page, '<span class="badge badge--urgent">2 open alerts (urgent)</span>', html=True)


def test_home_puts_the_most_urgent_open_alerts_first(owner):
    calm = make_person(owner, name="Ada")
    tip = make_person(owner, name="Bo")
    urgent = make_person(owner, name="Cy")
    soon = make_person(owner, name="Di")
    closed = make_person(owner, name="Ed")
    make_alert(tip, urgency="tip")
    make_alert(urgent, urgency="soon", rule="persistent_crepitus")
    make_alert(urgent, urgency="urgent", rule="joint_locking")
    make_alert(soon, urgency="soon")
    make_alert(closed, urgency="emergency", status=vocab.AlertStatus.ACKNOWLEDGED)

    page = signed_in(owner).get("/")

    links = re.findall(r'href="/people/(\d+)/"', page.content.decode())
    assert [int(pk) for pk in links] == [p.pk for p in (urgent, soon, tip, calm, closed)]


def test_home_escapes_names(owner):
    make_person(owner, name="<script>alert(1)</script>")

    page = signed_in(owner).get("/")

    assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(page, "<script>alert(1)</script>")


def test_home_shows_no_one_elses_people(owner, person):
    other = make_user("stan")
    make_person(other, name="Someone Else")

    page = signed_in(owner).get("/")

    assertNotContains(page, "Someone Else")


@pytest.mark.parametrize("people", [1, 20])
def test_home_costs_the_same_queries_for_1_or_20_people(owner, django_assert_max_num_queries, people):
    for n in range(people):
        person = make_person(owner, name=f"P{n}")
        make_alert(person, urgency="soon")
    client = signed_in(owner)

    # session, user, the people with their counts and tiers
    with django_assert_max_num_queries(3):
        page = client.get("/")

    assert page.content.decode().count('class="badge badge--soon"') == people


# --- Settings -------------------------------------------------------------------


def test_settings_form_is_named_and_valued_as_the_apis_me():
    me = MeSerializer()
    form = SettingsForm()
    writable = [name for name, field in me.fields.items() if not field.read_only]

    assert list(form.fields) == writable
    for name in ["timezone", "temperature_unit"]:
        assert [value for value, _ in form.fields[name].choices] == list(me.fields[name].choices)


def test_the_settings_page_shows_the_users_preferences(owner):
    owner.timezone = "Europe/Paris"
    owner.save()

    page = signed_in(owner).get("/settings/")

    assert page.status_code == 200
    form = form_with(page, action="/settings/")
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "timezone", "email_alerts", "temperature_unit"}
    assert form.values("temperature_unit") == ["c", "f"]
    assert form.values("timezone") == vocab.TIME_ZONES
    assert form.submitted()["timezone"] == "Europe/Paris"
    assert form.buttons == ["Save settings"]
    assert unlabelled_controls(page) == []
    assertContains(page, '<option value="Europe/Paris" selected>Europe/Paris</option>', html=True)
    assertContains(page, '<a href="/settings/" aria-current="page">Settings</a>', html=True)
    assertContains(page, 'href="/settings/export/"')
    assertContains(page, "/static/js/timezone-suggest.js")
    assert "<script>" not in page.content.decode()  # CSP: scripts are files


def test_saving_settings_changes_time_zone_unit_and_email_alerts(owner):
    client = signed_in(owner)

    answer = client.post("/settings/", {"timezone": "America/New_York", "temperature_unit": "f"})

    assertRedirects(answer, "/settings/", fetch_redirect_response=False)
    owner.refresh_from_db()
    assert (owner.timezone, owner.temperature_unit, owner.email_alerts) == ("America/New_York", "f", False)
    client.post("/settings/", {"timezone": "UTC", "temperature_unit": "c", "email_alerts": "on"})
    owner.refresh_from_db()
    assert (owner.timezone, owner.temperature_unit, owner.email_alerts) == ("UTC", "c", True)


@pytest.mark.parametrize(
    "body", [{"timezone": "Mars/Olympus", "temperature_unit": "c"}, {"timezone": "UTC", "temperature_unit": "k"}]
)
def test_bad_settings_are_refused_and_change_nothing(owner, body):
    page = signed_in(owner).post("/settings/", body)

    assert page.status_code == 200
    assertContains(page, 'class="errors"')
    owner.refresh_from_db()
    assert (owner.timezone, owner.temperature_unit) == ("UTC", "c")


@pytest.mark.parametrize(
    "method, path", [("get", "/settings/"), ("get", "/settings/export/"), ("post", "/settings/delete-account/")]
)
def test_the_account_pages_send_anonymous_users_to_log_in(db, method, path):
    answer = getattr(Client(), method)(path)

    assertRedirects(answer, f"/accounts/login/?next={path}", fetch_redirect_response=False)


@pytest.mark.parametrize("path", ["/settings/", "/settings/delete-account/", "/accounts/logout/"])
def test_posts_need_the_csrf_token(owner, path):
    client = signed_in(owner, enforce_csrf_checks=True)

    answer = client.post(path, {"timezone": "UTC", "temperature_unit": "c", "password": PASSWORD})

    assert answer.status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()


# --- Delete the account -----------------------------------------------------------


@pytest.fixture
def two_households(owner, person):
    """olive owns Robin (a full log) and is an editor of Nora, whom nadia owns."""
    nadia = make_user("nadia")
    nora = make_person(nadia, name="Nora", life_stage="infant")
    share(nora, owner, vocab.Role.EDITOR)
    workout = make_workout(person)
    make_alert(person, [make_event(person, workout=workout, created_by=owner)])
    make_alert(nora, [make_event(nora, created_by=owner), make_event(nora, created_by=nadia)])
    return nadia, nora


def test_deleting_the_account_with_a_wrong_password_deletes_nothing(owner, two_households):
    client = signed_in(owner)
    before = _rows()

    page = client.post("/settings/delete-account/", {"password": "not my password"})

    assert page.status_code == 200
    assertContains(page, "This is not your password.")
    assert _rows() == before


def test_deleting_the_account_removes_what_it_owns_and_keeps_what_others_shared(owner, person, two_households):
    nadia, nora = two_households
    client = signed_in(owner)

    answer = client.post("/settings/delete-account/", {"password": PASSWORD})

    assertRedirects(answer, "/", fetch_redirect_response=False)
    assert not User.objects.filter(username="olive").exists()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Event.objects.filter(person_id=person.pk).exists()
    assert not Workout.objects.filter(person_id=person.pk).exists()
    assert not Alert.objects.filter(person_id=person.pk).exists()
    # Nora stays with nadia, her whole log and alert; olive's events there lose their author only.
    assert list(Caregiver.objects.filter(person=nora).values_list("user__username", "role")) == [("nadia", "owner")]
    assert Event.objects.filter(person=nora).count() == 2
    assert Alert.objects.get(person=nora).evidence.count() == 2
    assert not signed_in_user(client).is_authenticated


def test_the_delete_form_asks_for_the_password(owner):
    page = signed_in(owner).get("/settings/")

    form = form_with(page, action="/settings/delete-account/")
    assert {c.name for c in form.controls} == {"csrfmiddlewaretoken", "password"}
    assertContains(page, '<button type="submit" class="button--danger">Delete my account</button>', html=True)


def test_delete_account_is_a_post(owner):
    assert signed_in(owner).get("/settings/delete-account/").status_code == 405


# --- Download everything --------------------------------------------------------


def _export(user):
    answer = signed_in(user).get("/settings/export/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert answer["Content-Disposition"].startswith('attachment; filename="popwatch-')
    return json.loads(b"".join(answer.streaming_content))


def test_the_export_holds_the_account_and_exactly_the_people_it_owns(owner, person, two_households):
    nadia, nora = two_households
    owner.timezone = "Europe/Paris"
    owner.save()
    stranger = make_user("stan")
    make_event(make_person(stranger, name="Stranger's"), note="not olive's")

    data = _export(owner)

    assert set(data) == {"exported_at", "account", "persons"}
    assert data["account"] == {
        "id": owner.pk, "username": "olive", "email": "olive@example.org", "timezone": "Europe/Paris",
        "email_alerts": True, "temperature_unit": "c",
    }
    assert [p["name"] for p in data["persons"]] == ["Robin"]
    robin = data["persons"][0]
    assert set(robin) == set(PersonSerializer().fields) | {"events", "workouts", "alerts"}
    assert [set(e) for e in robin["events"]] == [set(EventSerializer().fields)]
    assert [set(w) for w in robin["workouts"]] == [set(WorkoutSerializer().fields)]
    assert [set(a) for a in robin["alerts"]] == [set(AlertSerializer().fields)]
    event = Event.objects.get(person=person)
    assert robin["events"][0]["id"] == event.pk
    assert robin["alerts"][0]["evidence"] == [event.pk]
    assert robin["events"][0]["occurred_at"].endswith(("+01:00", "+02:00"))  # the user's time zone
    text = json.dumps(data)
    for others in ("Nora", "nadia", "Stranger's", "not olive's"):
        assert others not in text


def test_the_export_of_another_user_shows_none_of_mine(owner, person, two_households):
    nadia, nora = two_households

    data = _export(nadia)

    assert [p["name"] for p in data["persons"]] == ["Nora"]
    assert "Robin" not in json.dumps(data)


def test_the_export_reads_a_few_queries_per_person_whatever_the_log_length(owner, django_assert_max_num_queries):
    for n, events in enumerate([1, 40]):
        person = make_person(owner, name=f"P{n}")
        for hours in range(events):
            make_event(person, occurred_at=timezone.now() - timedelta(hours=hours + 1))
        make_alert(person)
    client = signed_in(owner)

    # session and user; the people; per person: events, workouts, alerts and their evidence
    with django_assert_max_num_queries(3 + 2 * 4):
        answer = client.get("/settings/export/")
        data = json.loads(b"".join(answer.streaming_content))

    assert [len(p["events"]) for p in data["persons"]] == [2, 41]


# --- helpers -----------------------------------------------------------------------


def _rows():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (User, Person, Caregiver, Workout, Event, Alert)
    }
