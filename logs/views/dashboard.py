"""Pages: a person's dashboard: alerts first, then recent events, then charts (web.md)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from alerts.selectors import alerts_raised
from logs import selectors, vocab
from logs.reports import charts
from logs.reports.data import last_weeks, report_for

CHART_WEEKS = 12
RECENT_EVENTS = 10


@login_required
def person_dashboard(request, person_id):
    person = selectors.person_for(request.user, person_id)
    start, end = last_weeks(timezone.localdate(), CHART_WEEKS)
    report = report_for(person, start=start, end=end, time_zone=timezone.get_current_timezone())
    # The ids come from the URL, and the user may see other people's alerts: keep this person's.
    raised = [alert for alert in alerts_raised(request.user, request.GET.get("raised")) if alert.person_id == person.pk]
    raised_ids = {alert.pk for alert in raised}
    context = {
        "nav": "people",
        "person": person,
        "can_write": person.role in selectors.WRITE_ROLES,
        "is_owner": person.role == vocab.Role.OWNER,
        "raised_alerts": raised,
        # A just-raised alert is shown once, in the box above the list.
        "alerts": [alert for alert in report.active_alerts if alert.pk not in raised_ids],
        "recent_events": selectors.events_visible_to(request.user).filter(person=person)[:RECENT_EVENTS],
        "chart_weeks": CHART_WEEKS,
        "charts": [
            charts.stacked_bars(report.weekly_by_site, chart_id="chart-sites", title="Events per week by body site"),
            charts.stacked_bars(report.weekly_by_sound, chart_id="chart-sounds", title="Events per week by sound"),
            charts.pain_lines(report.daily_pain_by_site, chart_id="chart-pain", title="Pain by body site"),
        ],
    }
    return render(request, "people/dashboard.html", context)
