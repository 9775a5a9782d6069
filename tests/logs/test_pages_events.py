"""The quick log, the timeline and the edit page, against web.md's contract.

Three taps (site, sound, Save), the rest pre-filled from the last event but never its
signs, temperature or note; the time in the user's zone; °F read and °C stored; one
event per client_id; the alerts a save raised named in the redirect; the role matrix,
CSRF, escaping and constant query counts.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from alerts.models import Alert
from alerts.rules import DISCLAIMER
from logs import vocab
from logs.models import Event
from tests.factories import make_alert, make_event, make_person, make_workout

from .conftest import database_state
from .page_html import answered_as_allowed, form_with, forms_of, signed_in, unlabelled_controls

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
MORE_DETAILS = ("side", "activity", "pain", "pain_quality", "radiates", "signs", "temperature", "workout", "note")
QUICK_LOG_QUERIES = 5  # session, user, person, last event, the person's workouts
TIMELINE_QUERIES = 5  # session, user, person, count, page


def log_url(person):
    return f"/people/{person.pk}/log/"


def timeline_url(person):
    return f"/people/{person.pk}/events/"


def edit_url(event):
    return f"/events/{event.pk}/edit/"


def delete_url(event):
    return f"/events/{event.pk}/delete/"


def newest_event(person):
    return Event.objects.filter(person=person).order_by("-created_at", "-pk").first()


def quick_log_form(answer):
    return form_with(answer, data_quick_log=True)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def baby(owner):
    return make_person(owner, name="Ada", life_stage=vocab.LifeStage.INFANT)


# --- The quick log: what it offers --------------------------------------------------


def test_site_and_sound_are_one_tap_radio_choices_with_the_apis_values(owner, person):
    answer = signed_in(owner).get(log_url(person))

    assert answer.status_code == 200
    form = quick_log_form(answer)
    for name, vocabulary in (("body_site", vocab.BodySite), ("sound", vocab.Sound)):
        assert form.values(name) == vocabulary.values
        assert {control.type for control in form.named(name)} == {"radio"}
        assert {control.details_depth for control in form.named(name)} == {0}  # shown at once
    assert form.buttons == ["Save event"]
    assert unlabelled_controls(answer) == []


def test_everything_else_sits_one_tap_away_with_the_apis_values(owner, person):
    form = quick_log_form(signed_in(owner).get(log_url(person)))

    for name in MORE_DETAILS:
        assert form.named(name) and {c.details_depth for c in form.named(name)} >= {1}, name
        assert 0 not in {c.details_depth for c in form.named(name)}, name
    assert form.values("side") == vocab.Side.values
    assert form.values("activity") == vocab.Activity.values
    assert form.values("pain") == [str(n) for n in range(vocab.PAIN_MIN, vocab.PAIN_MAX + 1)] + [""]
    assert form.values("pain_quality") == [*vocab.PainQuality.values, ""]
    assert form.values("radiates") == vocab.Radiates.values
    assert sorted(form.values("signs")) == sorted(vocab.Sign.values)
    assert {c.type for c in form.named("signs")} == {"checkbox"}


def test_the_time_is_now_unless_a_chip_or_the_picker_says_otherwise(owner, person):
    form = quick_log_form(signed_in(owner).get(log_url(person)))

    assert form.values("when") == ["0", "5", "60"]
    assert [c.value for c in form.named("when") if c.checked] == ["0"]
    (picker,) = form.named("occurred_at")
    assert (picker.type, picker.value) == ("datetime-local", "")


def test_both_log_forms_carry_what_the_offline_queue_needs(owner, person):
    owner.timezone, owner.temperature_unit = "Europe/Paris", "f"
    owner.save()
    make_event(person, body_site="hip", side="left", sound="click")

    answer = signed_in(owner).get(log_url(person))

    queued = [form for form in forms_of(answer) if "data-offline-queue" in form.attrs]
    assert len(queued) == 2
    client_ids = set()
    for form in queued:
        assert form.attrs["method"] == "post"
        assert (form.attrs["data-person"], form.attrs["data-temperature-unit"], form.attrs["data-timezone"]) == (
            str(person.pk), "f", "Europe/Paris",
        )
        (client_id,) = form.values("client_id")
        assert UUID(client_id).version == 4
        client_ids.add(client_id)
    assert len(client_ids) == 2
    content = answer.content.decode()
    assert "data-waiting-list" in content
    assert '<script type="module" src="/static/js/offline-queue.js"></script>' in content


def test_the_form_is_prefilled_from_the_last_event_but_never_its_signs_temperature_or_note(owner, person, now):
    workout = make_workout(person, started_at=NOW - timedelta(minutes=30))
    make_event(
        person, occurred_at=NOW - timedelta(minutes=10), body_site="knee", side="left", sound="pop",
        activity="leg_raise", pain=3, pain_quality="ache", radiates="one_leg", signs=["swelling"],
        temperature_c=Decimal("38.5"), note="sore afterwards", workout=workout,
    )

    sent = quick_log_form(signed_in(owner).get(log_url(person))).submitted()

    assert {name: sent.get(name) for name in ("side", "activity", "pain", "pain_quality", "radiates", "workout")} == {
        "side": "left", "activity": "leg_raise", "pain": "3", "pain_quality": "ache", "radiates": "one_leg",
        "workout": str(workout.pk),
    }
    assert "body_site" not in sent and "sound" not in sent  # the two taps
    assert "signs" not in sent
    assert (sent["temperature"], sent["note"]) == ("", "")


def test_a_finished_workout_is_not_carried_over(owner, person, now):
    workout = make_workout(person, started_at=NOW - timedelta(hours=3), ended_at=NOW - timedelta(hours=2))
    make_event(person, workout=workout, occurred_at=NOW - timedelta(hours=2, minutes=30))

    client = signed_in(owner)
    assert quick_log_form(client.get(log_url(person))).submitted()["workout"] == ""
    client.post(log_url(person), {"body_site": "hip", "sound": "pop"})
    assert newest_event(person).workout is None


def test_an_infants_form_offers_the_signs_a_parent_sees_first(owner, baby):
    form = quick_log_form(signed_in(owner).get(log_url(baby)))

    depth = {control.value: control.details_depth for control in form.named("signs")}
    assert {depth[sign] for sign in vocab.INFANT_SIGNS_FIRST} == {1}
    assert {depth[sign] for sign in set(vocab.Sign) - set(vocab.INFANT_SIGNS_FIRST)} == {2}  # "More signs"
    names = [control.name for control in form.controls]
    assert names.index("signs") < names.index("pain")


def test_an_adults_form_offers_pain_spreading_and_nerve_signs_first(owner, person):
    answer = signed_in(owner).get(log_url(person))

    form = quick_log_form(answer)
    depth = {control.value: control.details_depth for control in form.named("signs")}
    assert {depth[sign] for sign in vocab.ADULT_SIGNS_FIRST} == {1}
    assert {depth[sign] for sign in set(vocab.Sign) - set(vocab.ADULT_SIGNS_FIRST)} == {2}
    names = [control.name for control in form.controls]
    assert names.index("pain") < names.index("radiates") < names.index("signs") < names.index("side")
    assert "More signs" in answer.content.decode()


def test_the_temperature_is_asked_in_the_users_unit(owner, person):
    owner.temperature_unit = "f"
    owner.save()

    answer = signed_in(owner).get(log_url(person))

    assert "Temperature (°F)" in answer.content.decode()


# --- The quick log: saving ------------------------------------------------------------


def test_site_and_sound_alone_store_an_event_now_with_the_last_events_defaults(owner, person, now):
    workout = make_workout(person, started_at=NOW - timedelta(minutes=30))
    make_event(
        person, occurred_at=NOW - timedelta(hours=1), body_site="knee", side="left", activity="leg_raise",
        pain=3, pain_quality="ache", radiates="one_leg", signs=["swelling"], temperature_c=Decimal("38.5"),
        note="sore", workout=workout,
    )

    answer = signed_in(owner).post(log_url(person), {"body_site": "hip", "sound": "click"})

    assert answer.status_code == 302
    assert answer["Location"] == f"/people/{person.pk}/"
    event = newest_event(person)
    assert (event.body_site, event.sound, event.occurred_at, event.created_by) == ("hip", "click", NOW, owner)
    assert (event.side, event.activity, event.pain, event.pain_quality, event.radiates, event.workout) == (
        "left", "leg_raise", 3, "ache", "one_leg", workout,
    )
    assert (event.signs, event.temperature_c, event.note) == ([], None, "")
    [message] = get_messages(answer.wsgi_request)
    assert str(message).startswith("Saved: click at the hip (left)")


def test_a_first_event_gets_the_apis_defaults(owner, person, now):
    signed_in(owner).post(log_url(person), {"body_site": "jaw", "sound": "click"})

    event = newest_event(person)
    assert (event.side, event.activity, event.pain, event.pain_quality, event.radiates, event.workout) == (
        "unknown", "other", None, None, "none", None,
    )


def test_what_the_page_sends_untouched_is_the_last_event_at_a_new_site(owner, person, now):
    make_event(person, occurred_at=NOW - timedelta(hours=1), side="right", activity="walking", pain=0)
    client = signed_in(owner)
    sent = quick_log_form(client.get(log_url(person))).submitted()

    client.post(log_url(person), {**sent, "body_site": "ankle", "sound": "crack"})

    event = newest_event(person)
    assert (event.body_site, event.sound, event.side, event.activity, event.pain, event.occurred_at) == (
        "ankle", "crack", "right", "walking", 0, NOW,
    )
    assert event.client_id == UUID(sent["client_id"])


def test_same_as_last_logs_the_last_events_site_side_and_sound_again_now(owner, person, now):
    make_event(
        person, occurred_at=NOW - timedelta(hours=2), body_site="hip", side="left", sound="click",
        activity="diaper_change", pain=0, signs=["cried"], note="first one",
    )
    client = signed_in(owner)
    [same] = [form for form in forms_of(client.get(log_url(person))) if form.buttons[0].startswith("Same as last")]
    assert same.buttons == ["Same as last: click at the hip (left)"]
    assert "data-offline-queue" in same.attrs

    answer = client.post(log_url(person), same.submitted())

    assert answer.status_code == 302
    event = newest_event(person)
    assert (event.body_site, event.side, event.sound, event.activity, event.pain, event.occurred_at) == (
        "hip", "left", "click", "diaper_change", 0, NOW,
    )
    assert (event.signs, event.note) == ([], "")
    assert Event.objects.filter(person=person).count() == 2


def test_there_is_no_same_as_last_before_a_first_event(owner, person):
    forms = forms_of(signed_in(owner).get(log_url(person)))
    assert not any(button.startswith("Same as last") for form in forms for button in form.buttons)


@pytest.mark.parametrize("when", [0, 5, 60])
def test_a_when_chip_logs_that_many_minutes_ago(owner, person, now, when):
    signed_in(owner).post(log_url(person), {"body_site": "knee", "sound": "pop", "when": str(when)})

    assert newest_event(person).occurred_at == NOW - timedelta(minutes=when)


def test_an_exact_time_is_read_in_the_users_time_zone_and_wins_over_the_chip(owner, person, now):
    owner.timezone = "Europe/Paris"  # UTC+2 in June
    owner.save()

    signed_in(owner).post(
        log_url(person), {"body_site": "knee", "sound": "pop", "when": "60", "occurred_at": "2026-06-15T10:30"}
    )

    assert newest_event(person).occurred_at == datetime(2026, 6, 15, 8, 30, tzinfo=UTC)


def test_a_temperature_in_fahrenheit_is_stored_in_celsius(owner, person, now):
    owner.temperature_unit = "f"
    owner.save()

    signed_in(owner).post(log_url(person), {"body_site": "knee", "sound": "pop", "temperature": "100.4"})

    assert newest_event(person).temperature_c == Decimal("38.0")


@pytest.mark.parametrize(
    "field, value",
    [
        ("body_site", "elbowz"),
        ("sound", ""),
        ("side", "up"),
        ("pain", "11"),
        ("pain_quality", "dull"),
        ("signs", ["cried", "cried"]),
        ("signs", ["tired"]),
        ("temperature", "50"),
        ("temperature", "warm"),
        ("occurred_at", "2026-06-15T12:10"),
        ("occurred_at", "yesterday"),
        ("when", "7"),
        ("workout", "999999"),
        ("note", "x" * (vocab.NOTE_MAX_LENGTH + 1)),
        ("client_id", "not-a-uuid"),
    ],
)
def test_invalid_input_comes_back_with_its_error_and_writes_nothing(owner, person, now, writes_nothing, field, value):
    client = signed_in(owner)
    with writes_nothing():
        answer = client.post(log_url(person), {"body_site": "knee", "sound": "pop", field: value})

    assert answer.status_code == 200
    assert list(answer.context["form"].errors) == [field]
    assert 'class="errors"' in answer.content.decode()


def test_a_field_with_an_error_is_not_left_hidden(owner, person, now):
    answer = signed_in(owner).post(log_url(person), {"body_site": "knee", "sound": "pop", "temperature": "50"})

    assert '<details class="more" open>' in answer.content.decode()


def test_a_workout_of_another_person_is_refused(owner, person, now, writes_nothing):
    other = make_workout(make_person(owner, name="Other"))

    client = signed_in(owner)
    with writes_nothing():
        answer = client.post(log_url(person), {"body_site": "knee", "sound": "pop", "workout": other.pk})

    assert "workout" in answer.context["form"].errors


def test_a_double_submit_stores_one_event(owner, person, now):
    client = signed_in(owner)
    body = {"body_site": "knee", "sound": "pop", "client_id": str(uuid4())}

    first, second = client.post(log_url(person), body), client.post(log_url(person), body)

    assert Event.objects.filter(person=person).count() == 1
    assert first["Location"] == second["Location"] == f"/people/{person.pk}/"
    assert str(list(get_messages(second.wsgi_request))[-1]).startswith("Saved already")


def test_an_infant_not_moving_a_limb_shows_the_urgent_alert_on_the_next_page(owner, baby, now):
    client = signed_in(owner)

    answer = client.post(
        log_url(baby), {"body_site": "hip", "side": "left", "sound": "click", "signs": "limb_not_moving"}
    )

    alert = Alert.objects.get(person=baby, rule="limb_not_moving")
    assert alert.urgency == vocab.Urgency.URGENT
    assert answer["Location"] == f"/people/{baby.pk}/?raised={alert.pk}"
    shown = client.get(f"{timeline_url(baby)}?raised={alert.pk}")
    assert 'role="alert"' in shown.content.decode()
    assert "Have a doctor look today." in shown.content.decode()
    assert DISCLAIMER in shown.content.decode()


def test_the_timeline_names_no_alert_the_user_may_not_see(owner, person, stranger):
    theirs = make_alert(make_person(stranger), urgency="urgent", title="Someone else's alert")

    answer = signed_in(owner).get(f"{timeline_url(person)}?raised={theirs.pk}")

    assert "Someone else" not in answer.content.decode()
    assert 'role="alert"' not in answer.content.decode()


# --- The timeline -------------------------------------------------------------------------


def test_the_timeline_pages_through_the_history_newest_first(owner, person, now):
    Event.objects.bulk_create(
        Event(person=person, occurred_at=NOW - timedelta(hours=i), body_site="knee", sound="pop") for i in range(120)
    )
    client = signed_in(owner)

    first = client.get(timeline_url(person), {"sound": "pop"})
    last = client.get(timeline_url(person), {"sound": "pop", "page": 3})

    assert len(first.context["page"].object_list) == 50
    assert first.context["page"][0].occurred_at == NOW
    assert len(last.context["page"].object_list) == 20
    assert "?sound=pop&amp;page=2" in first.content.decode()  # the next page keeps the filters


def test_the_timeline_filters_by_site_sound_activity_and_pain(owner, person, now):
    wanted = make_event(person, body_site="hip", sound="click", activity="walking", pain=5)
    make_event(person, body_site="hip", sound="click", activity="walking", pain=3)
    make_event(person, body_site="hip", sound="pop", activity="walking", pain=6)
    make_event(person, body_site="knee", sound="click", activity="walking", pain=6)
    make_event(person, body_site="hip", sound="click", activity="at_rest", pain=6)

    answer = signed_in(owner).get(
        timeline_url(person), {"body_site": "hip", "sound": "click", "activity": "walking", "min_pain": 4}
    )

    assert list(answer.context["page"].object_list) == [wanted]
    assert '<details class="more filters" open>' in answer.content.decode()


def test_the_timeline_reads_its_dates_as_days_in_the_users_time_zone(owner, person, now):
    owner.timezone = "Pacific/Auckland"  # UTC+12 in June
    owner.save()
    late_on_the_15th = make_event(person, occurred_at=datetime(2026, 6, 15, 11, 30, tzinfo=UTC))
    early_on_the_15th = make_event(person, occurred_at=datetime(2026, 6, 14, 12, 30, tzinfo=UTC))
    make_event(person, occurred_at=datetime(2026, 6, 14, 11, 30, tzinfo=UTC))  # 23:30 on the 14th
    make_event(person, occurred_at=datetime(2026, 6, 15, 12, 0, tzinfo=UTC))  # midnight starting the 16th

    answer = signed_in(owner).get(timeline_url(person), {"date_from": "2026-06-15", "date_to": "2026-06-15"})

    assert list(answer.context["page"].object_list) == [late_on_the_15th, early_on_the_15th]


def test_an_invalid_filter_is_shown_not_obeyed(owner, person, event):
    answer = signed_in(owner).get(timeline_url(person), {"min_pain": "11", "date_from": "someday"})

    assert answer.status_code == 200
    assert list(answer.context["page"].object_list) == [event]
    assert set(answer.context["filters"].errors) == {"min_pain", "date_from"}


def test_the_timeline_links_each_event_to_its_edit_page_for_those_who_may_edit(owner, viewer, person, event):
    assert f'href="{edit_url(event)}"' in signed_in(owner).get(timeline_url(person)).content.decode()
    assert f'href="{edit_url(event)}"' not in signed_in(viewer).get(timeline_url(person)).content.decode()


def test_notes_are_shown_escaped(owner, person, now):
    event = make_event(person, note='<script>alert("pop")</script>')

    for url in (timeline_url(person), edit_url(event)):
        content = signed_in(owner).get(url).content.decode()
        assert "<script>alert(" not in content
        assert "&lt;script&gt;alert(" in content


@pytest.mark.parametrize("size", [5, 200])
def test_the_quick_log_and_the_timeline_cost_the_same_for_any_history(
    owner, person, now, django_assert_max_num_queries, size
):
    workouts = [make_workout(person, started_at=NOW - timedelta(days=d)) for d in range(size // 10 + 1)]
    Event.objects.bulk_create(
        Event(
            person=person, occurred_at=NOW - timedelta(hours=i + 1), body_site="knee", sound="pop", pain=i % 11,
            signs=["swelling"], workout=workouts[i % len(workouts)], created_by=owner,
        )
        for i in range(size)
    )
    raised = make_alert(person, urgency="urgent")
    client = signed_in(owner)
    client.get("/")  # the session's first use is not the page's cost

    with django_assert_max_num_queries(QUICK_LOG_QUERIES):
        assert client.get(log_url(person)).status_code == 200
    with django_assert_max_num_queries(TIMELINE_QUERIES):
        assert client.get(timeline_url(person), {"sound": "pop", "min_pain": 0}).status_code == 200
    with django_assert_max_num_queries(TIMELINE_QUERIES + 2):  # the raised alert and its evidence
        assert client.get(timeline_url(person), {"raised": raised.pk}).status_code == 200


# --- Editing and deleting -------------------------------------------------------------------


def test_the_edit_page_shows_the_stored_event_in_the_users_zone_and_unit(owner, person, now):
    owner.timezone, owner.temperature_unit = "Europe/Paris", "f"
    owner.save()
    event = make_event(
        person, occurred_at=datetime(2026, 6, 15, 8, 30, tzinfo=UTC), body_site="hip", side="left",
        sound="click", signs=["night_pain", "cried"], temperature_c=Decimal("38.0"), note="as logged",
    )

    answer = signed_in(owner).get(edit_url(event))

    form = form_with(answer, method="post", **{"class": "event-edit"})
    sent = form.submitted()
    assert sent["occurred_at"] == "2026-06-15T10:30"
    assert (sent["body_site"], sent["side"], sent["sound"], sent["temperature"], sent["note"]) == (
        "hip", "left", "click", "100.4", "as logged",
    )
    assert sorted(c.value for c in form.named("signs") if c.checked) == ["cried", "night_pain"]
    assert form.buttons == ["Save changes"]
    assert "when" not in sent and "client_id" not in sent
    assert form_with(answer, action=delete_url(event)).buttons == ["Delete event"]


def test_saving_an_edit_rescans_and_names_what_it_raised(
    now, owner, person, event, scans, django_capture_on_commit_callbacks
):
    client = signed_in(owner)
    sent = form_with(client.get(edit_url(event)), **{"class": "event-edit"}).submitted()

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(edit_url(event), {**sent, "signs": ["locking"], "note": "stuck"})

    event.refresh_from_db()
    assert (event.signs, event.note, event.occurred_at) == (["locking"], "stuck", NOW - timedelta(hours=1))
    assert scans == [person.pk]
    alert = Alert.objects.get(person=person, rule="joint_locking")
    assert answer["Location"] == f"{timeline_url(person)}?raised={alert.pk}"


def test_an_edit_needs_a_time(owner, person, event, writes_nothing):
    client = signed_in(owner)
    sent = form_with(client.get(edit_url(event)), **{"class": "event-edit"}).submitted()

    with writes_nothing():
        answer = client.post(edit_url(event), {**sent, "occurred_at": ""})

    assert list(answer.context["form"].errors) == ["occurred_at"]


def test_deleting_an_event_rescans_and_returns_to_the_timeline(
    owner, person, event, scans, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(owner).post(delete_url(event))

    assert answer["Location"] == timeline_url(person)
    assert not Event.objects.filter(pk=event.pk).exists()
    assert scans == [person.pk]


def test_deleting_takes_a_post(owner, event):
    assert signed_in(owner).get(delete_url(event)).status_code == 405
    assert Event.objects.filter(pk=event.pk).exists()


# --- Who may do what ---------------------------------------------------------------------------

LOGGERS = {"owner": "ok", "editor": "ok", "viewer": 403, "stranger": 404}
READERS = {"owner": "ok", "editor": "ok", "viewer": "ok", "stranger": 404}
PAGES = {
    "quick log": ("get", lambda person, event: log_url(person), None, LOGGERS),
    "log an event": ("post", lambda person, event: log_url(person), {"body_site": "knee", "sound": "pop"}, LOGGERS),
    "timeline": ("get", lambda person, event: timeline_url(person), None, READERS),
    "edit page": ("get", lambda person, event: edit_url(event), None, LOGGERS),
    "save an edit": (
        "post", lambda person, event: edit_url(event),
        {"body_site": "hip", "sound": "pop", "occurred_at": "2026-06-15T10:00"}, LOGGERS,
    ),
    "delete": ("post", lambda person, event: delete_url(event), {}, LOGGERS),
}


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "stranger", "anonymous"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_each_role_as_the_api_does(now, owner, editor, viewer, stranger, person, event, page, role):
    method, url_of, body, allowed = PAGES[page]
    url = url_of(person, event)
    user = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}[role]
    client = signed_in(user)
    before = database_state()

    answer = getattr(client, method)(url, body)

    if answered_as_allowed(answer, role=role, url=url, method=method, allowed=allowed):
        return
    assert database_state() == before


@pytest.mark.parametrize("page", ["log an event", "save an edit", "delete"])
def test_every_write_needs_the_csrf_token(now, owner, person, event, page):
    method, url_of, body, _ = PAGES[page]
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    before = database_state()

    assert client.post(url_of(person, event), body).status_code == 403
    assert database_state() == before

    token_page = client.get(log_url(person) if page == "log an event" else edit_url(event))
    token = forms_of(token_page)[-1].values("csrfmiddlewaretoken")[0]
    assert client.post(url_of(person, event), {**body, "csrfmiddlewaretoken": token}).status_code == 302


def test_a_stranger_cannot_tell_a_hidden_event_from_a_missing_one(stranger, event):
    client = signed_in(stranger)
    assert client.get(edit_url(event)).status_code == client.get("/events/999999/edit/").status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()
