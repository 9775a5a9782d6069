"""Workouts: start one, log pops into it, finish it; its page shows seed 001's technique advice."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from logs import vocab
from logs.models import Event, Workout
from tests.factories import make_event, make_person, make_workout

from .conftest import database_state
from .page_html import answered_as_allowed, form_with, forms_of, signed_in, unlabelled_controls

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
LIST_QUERIES = 5  # session, user, person, count, page
DETAIL_QUERIES = 4  # session, user, workout (with its person), its events


def list_url(person):
    return f"/people/{person.pk}/workouts/"


def detail_url(workout):
    return f"/workouts/{workout.pk}/"


def start_form(answer):
    return form_with(answer, **{"class": "workout-start"})


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def test_the_start_form_offers_the_apis_fields_and_values(owner, person):
    answer = signed_in(owner).get(list_url(person))

    form = start_form(answer)
    assert form.values("exercise") == vocab.Exercise.values
    assert form.values("range_of_motion") == vocab.RangeOfMotion.values
    assert form.values("pelvic_tilt_held") == ["true", "false", ""]
    assert [c.value for c in form.named("pelvic_tilt_held") if c.checked] == [""]  # not noted
    assert {c.type for c in form.named("started_at")} == {"datetime-local"}
    assert {name for name in form.submitted()} >= {"sets", "reps", "started_at", "ended_at", "note"}
    assert form.buttons[-1].startswith("Save")
    assert unlabelled_controls(answer) == []


def test_start_log_into_and_finish_a_workout(owner, person, now, time_machine):
    client = signed_in(owner)

    started = client.post(list_url(person), {
        "exercise": "straight_leg_raise", "sets": "3", "reps": "12", "range_of_motion": "reduced",
        "pelvic_tilt_held": "false",
    })

    workout = Workout.objects.get(person=person)
    assert started["Location"] == detail_url(workout)
    assert (workout.started_at, workout.ended_at, workout.sets, workout.reps) == (NOW, None, 3, 12)
    assert (workout.range_of_motion, workout.pelvic_tilt_held, workout.created_by) == ("reduced", False, owner)

    page = client.get(detail_url(workout))
    log_link = f'href="/people/{person.pk}/log/?workout={workout.pk}"'
    assert log_link in page.content.decode()
    quick_log = form_with(client.get(f"/people/{person.pk}/log/?workout={workout.pk}"), data_quick_log=True)
    assert quick_log.submitted()["workout"] == str(workout.pk)

    client.post(f"/people/{person.pk}/log/", {**quick_log.submitted(), "body_site": "lower_back", "sound": "pop"})
    event = Event.objects.get(person=person)
    assert event.workout == workout
    assert "Pop · Lower Back" in client.get(detail_url(workout)).content.decode()
    # The next pop during the same workout needs no more than site, sound and Save.
    client.post(f"/people/{person.pk}/log/", {"body_site": "hip", "sound": "click"})
    assert Event.objects.filter(workout=workout).count() == 2

    finish = [form for form in forms_of(page) if "Finish" in form.buttons]
    assert len(finish) == 1
    time_machine.shift(timedelta(minutes=20))
    finished = client.post(detail_url(workout), finish[0].submitted() | {"finish": "1"})

    workout.refresh_from_db()
    assert finished["Location"] == detail_url(workout)
    assert workout.ended_at == NOW + timedelta(minutes=20)
    after = client.get(detail_url(workout))
    assert not [form for form in forms_of(after) if "Finish" in form.buttons]
    client.post(f"/people/{person.pk}/log/", {"body_site": "hip", "sound": "click"})
    assert Event.objects.filter(person=person).order_by("-pk").first().workout is None  # it has ended


def test_a_typed_start_and_end_are_read_in_the_users_zone(owner, person, now):
    owner.timezone = "Europe/Paris"
    owner.save()
    client = signed_in(owner)

    client.post(
        list_url(person), {"exercise": "other", "started_at": "2026-06-15T09:00", "ended_at": "2026-06-15T09:40"}
    )

    workout = Workout.objects.get()
    assert (workout.started_at, workout.ended_at) == (
        datetime(2026, 6, 15, 7, 0, tzinfo=UTC), datetime(2026, 6, 15, 7, 40, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"exercise": "plank"}, "exercise"),
        ({"exercise": "other", "sets": "101"}, "sets"),
        ({"exercise": "other", "reps": "-1"}, "reps"),
        ({"exercise": "other", "range_of_motion": "huge"}, "range_of_motion"),
        ({"exercise": "other", "pelvic_tilt_held": "maybe"}, "pelvic_tilt_held"),
        ({"exercise": "other", "started_at": "2026-06-15T12:30"}, "started_at"),
        ({"exercise": "other", "started_at": "2026-06-15T11:00", "ended_at": "2026-06-15T10:00"}, "ended_at"),
    ],
)
def test_an_invalid_workout_comes_back_with_its_error_and_writes_nothing(
    owner, person, now, writes_nothing, body, field
):
    client = signed_in(owner)
    with writes_nothing():
        answer = client.post(list_url(person), body)

    assert answer.status_code == 200
    assert list(answer.context["form"].errors) == [field]


def test_editing_a_workout_keeps_it_ending_after_it_starts(owner, person, now, writes_nothing):
    workout = make_workout(person, started_at=NOW - timedelta(hours=1))
    client = signed_in(owner)
    edit = form_with(client.get(detail_url(workout)), **{"class": "workout-edit"})
    sent = edit.submitted()
    assert sent["started_at"] == "2026-06-15T11:00"

    with writes_nothing():
        refused = client.post(detail_url(workout), {**sent, "ended_at": "2026-06-15T10:00"})
    saved = client.post(detail_url(workout), {**sent, "reps": "8", "pelvic_tilt_held": "true"})

    assert list(refused.context["edit_form"].errors) == ["ended_at"]
    assert saved["Location"] == detail_url(workout)
    workout.refresh_from_db()
    assert (workout.reps, workout.pelvic_tilt_held, workout.started_at) == (8, True, NOW - timedelta(hours=1))


def test_a_finished_workout_cannot_be_finished_again(owner, person, now, writes_nothing):
    workout = make_workout(person, started_at=NOW - timedelta(hours=1), ended_at=NOW - timedelta(minutes=5))
    client = signed_in(owner)

    with writes_nothing():
        answer = client.post(detail_url(workout), {"finish": "1"})

    assert answer.status_code == 200
    assert "finished already" in answer.content.decode()


@pytest.mark.parametrize("exercise", sorted(vocab.LEG_RAISE_EXERCISES))
def test_a_leg_raise_workout_shows_the_seeds_technique_advice(owner, person, exercise):
    content = signed_in(owner).get(detail_url(make_workout(person, exercise=exercise))).content.decode()

    for words in ("posterior pelvic tilt", "transverse abdominis", "shorter range", "Bent-knee", "single-leg"):
        assert words.lower() in content.lower(), words
    assert "seed 001" in content


def test_other_workouts_show_no_leg_raise_advice(owner, person):
    content = signed_in(owner).get(detail_url(make_workout(person, exercise="other"))).content.decode()

    assert "seed 001" not in content


def test_the_list_shows_each_workout_with_its_event_count(owner, person, now):
    workout = make_workout(person, started_at=NOW - timedelta(hours=1))
    make_event(person, workout=workout)
    make_event(person, workout=workout)

    answer = signed_in(owner).get(list_url(person))

    assert f'href="{detail_url(workout)}"' in answer.content.decode()
    assert "2 events" in answer.content.decode()


def test_a_viewer_reads_the_workouts_without_a_way_to_change_them(viewer, person, now):
    workout = make_workout(person, started_at=NOW - timedelta(hours=1))
    client = signed_in(viewer)

    listing, detail = client.get(list_url(person)), client.get(detail_url(workout))

    assert listing.status_code == detail.status_code == 200
    assert [form for form in forms_of(listing) if form.attrs.get("method") == "post"] == forms_of(listing)[-1:]
    assert not any("Finish" in form.buttons for form in forms_of(detail))
    assert "?workout=" not in detail.content.decode()


def test_notes_are_shown_escaped(owner, person):
    workout = make_workout(person, note="<b>heavy</b>")
    make_event(person, workout=workout, note="<i>ouch</i>")

    content = signed_in(owner).get(detail_url(workout)).content.decode()

    assert "<b>heavy" not in content and "&lt;b&gt;heavy" in content
    assert "<i>ouch" not in content and "&lt;i&gt;ouch" in content


@pytest.mark.parametrize("size", [5, 80])
def test_the_workout_pages_cost_the_same_for_any_history(
    owner, person, now, django_assert_max_num_queries, size
):
    workouts = [make_workout(person, started_at=NOW - timedelta(days=d, hours=1)) for d in range(size)]
    Event.objects.bulk_create(
        Event(
            person=person, occurred_at=NOW - timedelta(hours=i + 1), body_site="hip", sound="pop", workout=workouts[0]
        )
        for i in range(size)
    )
    client = signed_in(owner)
    client.get("/")

    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(list_url(person)).status_code == 200
    with django_assert_max_num_queries(DETAIL_QUERIES):
        assert client.get(detail_url(workouts[0])).status_code == 200


# --- Who may do what ---------------------------------------------------------------------------

LOGGERS = {"owner": "ok", "editor": "ok", "viewer": 403, "stranger": 404}
READERS = {"owner": "ok", "editor": "ok", "viewer": "ok", "stranger": 404}
PAGES = {
    "workouts": ("get", lambda w: list_url(w.person), None, READERS),
    "start a workout": ("post", lambda w: list_url(w.person), {"exercise": "other"}, LOGGERS),
    "workout": ("get", lambda w: detail_url(w), None, READERS),
    "finish": ("post", lambda w: detail_url(w), {"finish": "1"}, LOGGERS),
    "edit": (
        "post", lambda w: detail_url(w), {"exercise": "single_leg_raise", "started_at": "2026-06-15T11:00"}, LOGGERS,
    ),
}


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "stranger", "anonymous"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_each_role_as_the_api_does(now, owner, editor, viewer, stranger, person, page, role):
    method, url_of, body, allowed = PAGES[page]
    workout = make_workout(person, started_at=NOW - timedelta(hours=2))
    url = url_of(workout)
    user = {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}[role]
    client = signed_in(user)
    before = database_state()

    answer = getattr(client, method)(url, body)

    if answered_as_allowed(answer, role=role, url=url, method=method, allowed=allowed):
        return
    assert database_state() == before


@pytest.mark.parametrize("page", ["start a workout", "finish", "edit"])
def test_every_write_needs_the_csrf_token(now, owner, person, page):
    method, url_of, body, _ = PAGES[page]
    workout = make_workout(person, started_at=NOW - timedelta(hours=2))
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    before = database_state()

    assert client.post(url_of(workout), body).status_code == 403
    assert database_state() == before

    token = forms_of(client.get(url_of(workout)))[-1].values("csrfmiddlewaretoken")[0]
    assert client.post(url_of(workout), {**body, "csrfmiddlewaretoken": token}).status_code == 302


def test_a_stranger_cannot_tell_a_hidden_workout_from_a_missing_one(stranger, person):
    workout = make_workout(make_person(stranger, name="Theirs"))
    hidden = make_workout(person)
    client = signed_in(stranger)

    assert client.get(detail_url(workout)).status_code == 200
    assert client.get(detail_url(hidden)).status_code == client.get("/workouts/999999/").status_code == 404
