"""Site-wide pages: home and settings (the installed app's files are in pwa.py)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from logs import selectors, services
from logs.forms import DeleteAccountForm, SettingsForm
from logs.reports import exports


def home(request):
    """Signed out: what Popwatch is. Signed in: my people, the most urgent open alerts first."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    persons = selectors.persons_for_home(request.user)
    return render(request, "home.html", {"persons": persons, "nav": "people"})


@login_required
def settings_page(request):
    user = request.user
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=_preferences(user))
    if request.method == "POST" and form.is_valid():
        services.update_settings(user=user, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("settings")
    return _settings(request, settings_form=form, delete_form=DeleteAccountForm(user=user))


@login_required
@require_GET
def export_everything(request):
    """Everything the user owns as one JSON file, streamed (a long log never sits in memory)."""
    return exports.everything_response(request.user)


@login_required
@require_POST
def delete_account(request):
    user = request.user
    form = DeleteAccountForm(request.POST, user=user)
    if not form.is_valid():
        return _settings(request, settings_form=SettingsForm(initial=_preferences(user)), delete_form=form)
    logout(request)
    services.delete_account(user=user)
    messages.success(request, "Your account and the people you owned are deleted.")
    return redirect("home")


def _preferences(user):
    return {"timezone": user.timezone, "email_alerts": user.email_alerts, "temperature_unit": user.temperature_unit}


def _settings(request, *, settings_form, delete_form):
    return render(
        request, "account/settings.html",
        {"form": settings_form, "delete_form": delete_form, "nav": "settings"},
    )
