"""Pages: who shares a person (its owner shares, changes roles, removes) and leaving a shared person.

The rules "the owner keeps their role" and "the owner cannot be removed" live in
services.share_person / unshare_person, so this page and the API decide alike.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from logs import selectors, services
from logs.forms import CaregiverForm


@login_required
@require_http_methods(["GET", "POST"])
def caregiver_list(request, person_id):
    """The owner's page: everyone with their role; POST shares, or changes a role (as the API's POST)."""
    person = selectors.person_for(request.user, person_id, action="own")
    form = CaregiverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            caregiver, created = services.share_person(person=person, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            username, role = caregiver.user.username, caregiver.get_role_display().lower()
            if created:
                messages.success(request, f"Shared {person.name} with {username} ({role}).")
            else:
                messages.success(request, f"{username}'s role for {person.name} is now {role}.")
            return redirect("caregivers", person.pk)
    return render(
        request, "people/caregivers.html",
        {
            "person": person, "form": form, "caregivers": selectors.caregivers_of(person),
            "role_choices": CaregiverForm.base_fields["role"].choices, "nav": "people",
        },
    )


@login_required
@require_POST
def caregiver_remove(request, person_id, username):
    person = selectors.person_for(request.user, person_id, action="own")
    caregiver = get_object_or_404(selectors.caregivers_of(person), user__username=username)
    if _unshared(request, caregiver):
        messages.success(request, f"{username} no longer sees {person.name}.")
    return redirect("caregivers", person.pk)


@login_required
@require_POST
def person_leave(request, person_id):
    """A caregiver stops seeing a person someone else shared with them."""
    person = selectors.person_for(request.user, person_id)
    caregiver = selectors.caregivers_of(person).get(user=request.user)
    if not _unshared(request, caregiver):
        return redirect("person-dashboard", person.pk)
    messages.success(request, f"You no longer see {person.name}.")
    return redirect("home")


def _unshared(request, caregiver):
    """Stop sharing; when the service refuses (the owner), say why and answer False."""
    try:
        services.unshare_person(caregiver=caregiver)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True
