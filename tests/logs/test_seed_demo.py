"""``manage.py seed_demo``: the demo account, its three stories, and generated people."""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from statistics import mean
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import engine
from alerts.models import Alert
from logs import vocab
from logs.api.serializers import EventSerializer, PersonSerializer, WorkoutSerializer
from logs.histories import generated_histories, store_histories
from logs.models import Event, Person, User, Workout
from tests.factories import make_user

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def frozen_now():
    # The stories fill the whole days before "today": a fixed now makes their dates exact.
    with time_machine.travel(NOW, tick=False):
        yield


def seed_demo(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def owned_by(username):
    persons = Person.objects.filter(caregivers__user__username=username, caregivers__role=vocab.Role.OWNER)
    return {
        "persons": persons.count(),
        "events": Event.objects.filter(person__in=persons).count(),
        "workouts": Workout.objects.filter(person__in=persons).count(),
    }


def demo_person(name):
    return Person.objects.get(name=name, caregivers__user__username="demo")


def days_ago(moment):
    return (TODAY - moment.date()).days


def printed_login(output):
    login = re.search(r"^Demo login: (\S+) / (\S+)$", output, re.MULTILINE)
    assert login is not None, output
    return login.groups()


def test_prints_a_demo_login_that_logs_in():
    username, password = printed_login(seed_demo())
    assert username == "demo"
    assert authenticate(username=username, password=password) is not None


def test_the_printed_login_signs_in_on_the_log_in_page_and_goes_home(client):
    username, password = printed_login(seed_demo())
    answer = client.post("/accounts/login/", {"login": username, "password": password})
    assert answer.status_code == 302
    assert answer["Location"] == "/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="demo").pk)


def test_running_twice_leaves_the_same_demo_and_the_summary_tells_it():
    first = seed_demo()
    counts = owned_by("demo")
    assert seed_demo() == first
    assert owned_by("demo") == counts
    assert counts["persons"] == 3
    assert (
        f"Demo: 3 persons, {counts['events']} events, {counts['workouts']} workouts, "
        f"{Alert.objects.count()} open alerts." in first
    )


def test_every_seeded_row_passes_the_api_validation():
    seed_demo("--persons", "6", "--days", "10")
    for username in ("demo", "bench"):
        user = User.objects.get(username=username)
        # The serializers look up the person and workout ids as this user sees them.
        context = {"request": SimpleNamespace(user=user)}
        persons = Person.objects.filter(caregivers__user=user)
        for model, serializer in (
            (Person, PersonSerializer), (Workout, WorkoutSerializer), (Event, EventSerializer),
        ):
            rows = persons if model is Person else model.objects.filter(person__in=persons)
            assert rows.exists()
            for row in rows:
                check = serializer(data=serializer(row).data, context=context)
                assert check.is_valid(), (model.__name__, row.pk, check.errors)


def test_the_infant_has_six_weeks_of_painless_sounds_and_exactly_one_left_hip_clunk():
    seed_demo()
    infant = demo_person("Maya")
    assert infant.life_stage == vocab.LifeStage.INFANT
    assert 80 <= (TODAY - infant.birth_date).days <= 100  # about three months old
    # No DDH risk factor and sex not female: a painless hip click alone raises nothing.
    assert (infant.sex, infant.risk_factors, infant.hip_check_done) == (vocab.Sex.UNSPECIFIED, [], False)

    events = list(infant.events.all())
    assert {days_ago(e.occurred_at) for e in events} == set(range(1, 43))
    clunks = [e for e in events if e.sound == vocab.Sound.CLUNK]
    assert [(c.body_site, c.side) for c in clunks] == [(vocab.BodySite.HIP, vocab.Side.LEFT)]
    others = [e for e in events if e.sound != vocab.Sound.CLUNK]
    assert {e.sound for e in others} <= {vocab.Sound.CLICK, vocab.Sound.POP, vocab.Sound.CRACK}
    assert {e.body_site for e in others} <= {"hip", "knee", "lower_back", "upper_back"}
    assert {e.activity for e in events} <= {"picked_up", "diaper_change", "feeding"}
    assert any(e.body_site == vocab.BodySite.HIP and e.sound == vocab.Sound.CLICK for e in others)
    assert all(e.pain is None and e.pain_quality is None and e.signs == [] for e in events)
    assert all(e.temperature_c is None for e in events)


def test_the_exerciser_does_leg_raises_over_four_weeks_with_painless_pops_linked_to_them():
    seed_demo()
    exerciser = demo_person("Alex")
    workouts = list(exerciser.workouts.all())
    assert max(days_ago(w.started_at) for w in workouts) == 28
    weeks = [sum(1 for w in workouts if week * 7 < days_ago(w.started_at) <= week * 7 + 7) for week in range(4)]
    assert min(weeks) >= 2, weeks  # several times a week, every week
    leg_raises = {"straight_leg_raise", "bent_knee_leg_raise", "single_leg_raise"}
    assert {w.exercise for w in workouts} <= leg_raises
    assert all(3 <= w.sets <= 4 and 8 <= w.reps <= 15 and w.ended_at > w.started_at for w in workouts)
    full_and_held = [w for w in workouts if w.range_of_motion == "full" and w.pelvic_tilt_held]
    reduced = [w for w in workouts if w.range_of_motion == vocab.RangeOfMotion.REDUCED]
    assert len(full_and_held) > len(workouts) / 2
    assert len(reduced) >= 2

    events = list(exerciser.events.select_related("workout"))
    assert len({e.workout_id for e in events}) >= len(workouts) / 2
    for event in events:
        assert event.workout is not None and event.workout.person_id == exerciser.pk
        assert event.workout.started_at <= event.occurred_at <= event.workout.ended_at
        assert event.activity == vocab.Activity.LEG_RAISE
        assert event.body_site in {"hip", "lower_back"} and event.sound in vocab.POP_SOUNDS
        assert (event.pain, event.pain_quality, event.signs) == (0, None, [])


def test_the_back_pain_lasts_ten_days_without_improving_despite_cracking():
    seed_demo()
    events = list(demo_person("Jordan").events.order_by("occurred_at"))
    assert {(e.body_site, e.side, e.pain_quality) for e in events} == {("lower_back", "midline", "ache")}
    assert all(e.signs == [] and e.radiates == vocab.Radiates.NONE for e in events)

    check_ins = [e for e in events if e.activity == vocab.Activity.GETTING_UP]
    assert [days_ago(e.occurred_at) for e in check_ins] == list(range(10, 0, -1))  # one every day
    assert all(e.sound == vocab.Sound.NONE and 3 <= e.pain <= 6 for e in check_ins)
    attempts = [e for e in events if e.activity == vocab.Activity.SELF_MANIPULATION]
    assert sum(1 for e in attempts if e.sound == vocab.Sound.CRACK) >= 2

    # rules.md "back_pain_beyond_a_week": not improving = the mean of the latest three
    # days is above the mean of the first three minus one (a day's value: its mean pain).
    by_day = {}
    for event in events:
        by_day.setdefault(event.occurred_at.date(), []).append(event.pain)
    day_values = [mean(pains) for _, pains in sorted(by_day.items())]
    assert mean(day_values[-3:]) > mean(day_values[:3]) - 1


def test_the_demo_has_the_alerts_its_stories_are_about_without_waiting_for_the_sweep():
    output = seed_demo()
    raised = {
        (alert.person.name, alert.rule, alert.urgency, alert.status, alert.body_site, alert.side)
        for alert in Alert.objects.select_related("person")
    }
    # The clunk and the week of back pain deserve a look; painless clicks and pops do not.
    assert raised == {
        ("Maya", "hip_clunk", "soon", "open", "hip", "left"),
        ("Jordan", "back_pain_beyond_a_week", "soon", "open", "", ""),
    }
    assert ", 2 open alerts." in output
    # Scanned as the sweep scans: scanning again finds nothing new.
    for name in ("Maya", "Alex", "Jordan"):
        assert engine.scan(demo_person(name).pk) == []


def test_the_sweep_has_the_bench_people_to_scan_and_not_the_demo():
    seed_demo("--persons", "4", "--days", "10")
    bench = Person.objects.filter(caregivers__user__username="bench")
    assert set(engine.due_person_ids()) == set(bench.values_list("pk", flat=True))


def test_generated_people_are_owned_by_bench_and_spread_over_the_days_asked():
    seed_demo()
    output = seed_demo("--persons", "5", "--days", "10")
    assert "Bench login: bench / " in output
    assert owned_by("demo")["persons"] == 3
    bench = Person.objects.filter(caregivers__user__username="bench")
    assert sorted(bench.values_list("name", flat=True)) == [
        "Back pain 3", "Exerciser 2", "Exerciser 5", "Infant 1", "Infant 4",
    ]
    events = Event.objects.filter(person__in=bench)
    assert {days_ago(moment) for moment in events.values_list("occurred_at", flat=True)} == set(range(1, 11))
    assert all(person.events.exists() for person in bench)
    # Marked changed, so the periodic sweep scans people who were never scanned on write.
    assert set(bench.values_list("log_changed_at", flat=True)) == {NOW}

    counts = owned_by("bench")
    seed_demo("--persons", "5", "--days", "10")
    assert owned_by("bench") == counts


def test_storing_many_people_takes_fewer_queries_than_people():
    owner = make_user("bulk")
    with CaptureQueriesContext(connection) as queries:
        stored = store_histories(generated_histories(count=60, days=5, now=NOW), owner=owner, changed_at=NOW)
    assert stored.persons == 60 and stored.events > 200
    assert len(queries) < stored.persons


def test_the_same_seed_and_now_give_the_same_history_and_a_different_seed_another():
    def events_of(seed):
        return [h.events for h in generated_histories(count=3, days=7, now=NOW, seed=seed)]

    assert events_of(1) == events_of(1)
    assert events_of(1) != events_of(2)


def test_nothing_is_in_the_future_whatever_the_time_of_day():
    just_after_midnight = datetime(2026, 6, 15, 0, 1, tzinfo=UTC)
    for history in generated_histories(count=3, days=3, now=just_after_midnight):
        moments = [e["occurred_at"] for e in history.events] + [w["ended_at"] for w in history.workouts]
        assert max(moments) < just_after_midnight - timedelta(minutes=1)
