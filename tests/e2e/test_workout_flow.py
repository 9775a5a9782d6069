"""An exerciser starts a workout, logs a pop into it and finishes it."""

import re

from playwright.sync_api import expect

from logs import vocab
from logs.models import Event, Workout
from tests.e2e.helpers import choice, reveal, save_button
from tests.factories import make_person, make_user


def test_start_a_workout_log_a_pop_into_it_and_finish_it(page, signed_in):
    exerciser = signed_in(make_user("lifter"))
    me = make_person(exerciser, name="Kim", life_stage=vocab.LifeStage.ADULT)

    page.goto(f"/people/{me.pk}/workouts/")
    reveal(page, "exercise")
    start = page.locator("form", has=page.locator('[name="exercise"]'))
    choice(start, "exercise", vocab.Exercise.STRAIGHT_LEG_RAISE).tap()
    start.locator('input[name="sets"]').fill("3")
    start.locator('input[name="reps"]').fill("12")
    with page.expect_navigation():
        save_button(start).tap()
    workout = Workout.objects.get(person=me)
    expect(page).to_have_url(re.compile(rf"/workouts/{workout.pk}/$"))
    assert (workout.exercise, workout.sets, workout.reps, workout.ended_at) == ("straight_leg_raise", 3, 12, None)

    page.get_by_role("link", name=re.compile("log a pop", re.IGNORECASE)).tap()
    choice(page, "body_site", vocab.BodySite.HIP).tap()
    choice(page, "sound", vocab.Sound.POP).tap()
    with page.expect_navigation():
        save_button(page).tap()
    event = Event.objects.get(person=me)
    assert (event.body_site, event.sound, event.workout_id) == ("hip", "pop", workout.pk)

    page.goto(f"/workouts/{workout.pk}/")
    expect(page.locator(f'a[href="/events/{event.pk}/edit/"]')).to_be_visible()  # the pop is listed in it
    with page.expect_navigation():
        page.get_by_role("button", name="Finish").tap()
    workout.refresh_from_db()
    assert workout.ended_at is not None and workout.ended_at >= workout.started_at
    expect(page.get_by_role("button", name="Finish")).to_have_count(0)  # once finished, it cannot be again
