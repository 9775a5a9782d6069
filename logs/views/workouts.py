"""Pages: a person's workouts (list, start one) and one workout (its events, finish, edit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from logs import selectors, services, vocab
from logs.forms import FinishWorkoutForm, WorkoutForm

WORKOUTS_PER_PAGE = 50
EVENTS_SHOWN = 50  # a workout's page lists its newest; the timeline, filtered to it, has them all


@login_required
def workout_list(request, person_id):
    writing = request.method == "POST"
    person = selectors.person_for(request.user, person_id, action="write" if writing else "read")
    form = WorkoutForm(request.POST if writing else None)
    if form.is_valid():
        workout = services.create_workout(person=person, created_by=request.user, **form.cleaned_data)
        messages.success(request, f"Started: {workout.get_exercise_display().lower()}. Log pops into it from here.")
        return redirect("workout", workout.pk)
    workouts = selectors.workouts_visible_to(request.user).filter(person=person)
    return render(request, "workouts/list.html", {
        "nav": "people", "person": person, "form": form,
        "page": Paginator(workouts, WORKOUTS_PER_PAGE).get_page(request.GET.get("page")),
        "can_write": person.role in selectors.WRITE_ROLES,
    })


@login_required
def workout_detail(request, workout_id):
    workout = get_object_or_404(selectors.workouts_visible_to(request.user).select_related("person"), pk=workout_id)
    edit_form = WorkoutForm(editing=True, initial=WorkoutForm.initial_of(workout))
    finish_form = FinishWorkoutForm(workout=workout)
    if request.method == "POST":
        selectors.require_role(workout.role, "write")
        if "finish" in request.POST:
            form = finish_form = FinishWorkoutForm(request.POST, workout=workout)
        else:
            form = edit_form = WorkoutForm(request.POST, editing=True)
        if form.is_valid():
            services.update_workout(workout=workout, **form.cleaned_data)
            messages.success(request, "Finished." if form is finish_form else "Saved.")
            return redirect("workout", workout.pk)
    events = selectors.events_visible_to(request.user).filter(workout=workout)[:EVENTS_SHOWN]
    return render(request, "workouts/detail.html", {
        "nav": "people", "workout": workout, "person": workout.person, "events": events,
        "edit_form": edit_form, "finish_form": finish_form,
        "can_write": workout.role in selectors.WRITE_ROLES,
        "is_leg_raise": workout.exercise in vocab.LEG_RAISE_EXERCISES,
    })
