"""Alerts pages: the inbox across every person the user may see, and the status actions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from logs import selectors as log_selectors
from logs import vocab

from . import selectors, services
from .models import ACTIVE_STATUSES

PAGE_SIZE = 20
# The inbox's status filters, as links: (words, the statuses shown). The first is the default.
STATUS_FILTERS = (
    ("Open and acknowledged", ACTIVE_STATUSES),
    *((status.label, (status.value,)) for status in vocab.AlertStatus),
    ("All", tuple(vocab.AlertStatus.values)),
)


@login_required
def inbox(request):
    statuses = _statuses_asked(request.GET)
    alerts = selectors.alerts_visible_to(request.user).filter(status__in=statuses).select_related("person")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    writable = set(
        log_selectors.persons_visible_to(request.user)
        .filter(role__in=log_selectors.WRITE_ROLES)
        .values_list("pk", flat=True)
    )
    context = {
        "nav": "alerts",
        "page": page,
        "cards": [(alert, alert.person_id in writable) for alert in page],
        "filters": [
            {"label": label, "query": _query(shown), "current": set(shown) == set(statuses)}
            for label, shown in STATUS_FILTERS
        ],
        "showing": ", ".join(vocab.AlertStatus(status).label for status in statuses),
    }
    return render(request, "alerts/inbox.html", context)


@login_required
@require_POST
def change_status(request, alert_id):
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=alert_id)
    log_selectors.person_for(request.user, alert.person_id, action="write")
    status = request.POST.get("status")
    if status not in vocab.AlertStatus.values:
        return HttpResponseBadRequest("Unknown alert status.")
    try:
        services.change_alert_status(alert=alert, status=status)
    except services.KeyAlreadyActive:
        messages.error(request, services.KeyAlreadyActive.message)
    else:
        messages.success(request, f"Marked as {vocab.AlertStatus(status).label.lower()}: {alert.title}.")
    return HttpResponseRedirect(_safe_next(request) or reverse("alert-inbox"))


def _statuses_asked(query):
    asked = [status for status in query.getlist("status") if status in vocab.AlertStatus.values]
    return tuple(dict.fromkeys(asked)) or ACTIVE_STATUSES


def _query(statuses):
    return urlencode([("status", status) for status in statuses])


def _safe_next(request):
    """The ``next`` page to go back to, if it is on this site (never an open redirect)."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None
