"""Pages: the quick log, the timeline, and editing or deleting an event."""

from uuid import uuid4

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alerts.selectors import alerts_raised
from logs import selectors, services, vocab
from logs.forms import EventForm, TimelineFilter
from logs.templatetags.popwatch import local

EVENTS_PER_PAGE = 50


@login_required
def quick_log(request, person_id):
    """The three-tap form: body site, sound, Save; everything else is pre-filled or one tap away."""
    person = selectors.person_for(request.user, person_id, action="write")
    last = _last_event(request.user, person)
    if request.method == "POST":
        form = EventForm(request.POST, user=request.user, person=person, carry_over_from=last)
        if form.is_valid():
            logged = services.log_event(person=person, created_by=request.user, **form.cleaned_data)
            saved = "Saved" if logged.created else "Saved already"
            messages.success(request, f"{saved}: {in_words(logged.event)}, {local(logged.event.occurred_at)}.")
            return redirect(with_raised(reverse("person-dashboard", args=[person.pk]), logged.alerts))
    else:
        initial = EventForm.initial_after(last)
        if request.GET.get("workout", "").isdigit():  # "Log a pop" from a workout's page
            initial["workout"] = request.GET["workout"]
        form = EventForm(user=request.user, person=person, initial={**initial, "client_id": uuid4()})
    return render(request, "events/quick_log.html", {
        "nav": "people", "person": person, "form": form,
        "same_as_last": _same_as(last), "same_as_last_client_id": uuid4(), "last_in_words": last and in_words(last),
    })


@login_required
def timeline(request, person_id):
    person = selectors.person_for(request.user, person_id)
    events = selectors.events_visible_to(request.user).filter(person=person)
    filters = TimelineFilter(request.GET, queryset=events, request=request)
    page = Paginator(filters.qs, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/timeline.html", {
        "nav": "people", "person": person, "filters": filters, "page": page,
        "can_write": person.role in selectors.WRITE_ROLES,
        "raised_alerts": alerts_raised(request.user, request.GET.get("raised")),
    })


@login_required
def event_edit(request, event_id):
    event = _event_for(request.user, event_id)
    person = event.person
    if request.method == "POST":
        form = EventForm(request.POST, user=request.user, person=person, editing=True)
        if form.is_valid():
            logged = services.update_event(event=event, **form.cleaned_data)
            messages.success(request, f"Saved: {in_words(logged.event)}, {local(logged.event.occurred_at)}.")
            return redirect(with_raised(reverse("timeline", args=[person.pk]), logged.alerts))
    else:
        initial = EventForm.initial_of(event, request.user)
        form = EventForm(user=request.user, person=person, editing=True, initial=initial)
    return render(request, "events/edit.html", {"nav": "people", "person": person, "event": event, "form": form})


@login_required
@require_POST
def event_delete(request, event_id):
    event = _event_for(request.user, event_id)
    person_id, what = event.person_id, f"{in_words(event)}, {local(event.occurred_at)}"
    services.delete_event(event=event)
    messages.success(request, f"Deleted: {what}.")
    return redirect("timeline", person_id)


def _event_for(user, event_id):
    """An event the user may change: 404 if they cannot see it, 403 for a viewer."""
    event = get_object_or_404(selectors.events_visible_to(user).select_related("person", "created_by"), pk=event_id)
    selectors.require_role(event.role, "write")
    return event


def _last_event(user, person):
    """The person's newest event (with its workout): what the quick log pre-fills from."""
    return selectors.events_visible_to(user).filter(person=person).select_related("workout").first()


def _same_as(last):
    """The fields the "Same as last" button posts: the last event's site and sound, and what a new one carries over."""
    if last is None:
        return None
    return {"body_site": last.body_site, "sound": last.sound, **EventForm.initial_after(last)}


def in_words(event):
    """ "click at the hip (left)": what an event was, for messages and buttons."""
    side = f" ({event.get_side_display().lower()})" if event.side != vocab.Side.UNKNOWN else ""
    return f"{event.get_sound_display().lower()} at the {event.get_body_site_display().lower()}{side}"


def with_raised(url, alerts):
    """``url`` naming the alerts a write raised at once, for the next page's role="alert" box."""
    if not alerts:
        return url
    return f"{url}?raised={','.join(str(alert.pk) for alert in alerts)}"
