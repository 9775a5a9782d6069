"""Pages: add, edit and delete a person (only its owner edits or deletes it)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from logs import selectors, services
from logs.forms import PersonForm

@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = PersonForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = services.create_person(owner=request.user, **form.cleaned_data)
        messages.success(request, f"{person.name} is added. Log the first event when it happens.")
        return redirect("person-dashboard", person.pk)
    return render(request, "people/form.html", {"form": form, "nav": "people"})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id):
    person = selectors.person_for(request.user, person_id, action="own")
    form = PersonForm(
        request.POST if request.method == "POST" else None, user=request.user,
        initial={name: getattr(person, name) for name in PersonForm.base_fields},
    )
    if request.method == "POST" and form.is_valid():
        services.update_person(person=person, **form.cleaned_data)
        messages.success(request, f"{person.name} is saved.")
        return redirect("person-dashboard", person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "nav": "people"})


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request, person_id):
    person = selectors.person_for(request.user, person_id, action="own")
    if request.method == "POST":
        services.delete_person(person=person)
        messages.success(request, f"{person.name} and their whole log are deleted.")
        return redirect("home")
    return render(request, "people/confirm_delete.html", {"person": person, "nav": "people"})
