"""Pages: a person's export page (web.md ``/people/{id}/export/``), and the public share pages.

Any caregiver exports: the page links to the API's export with the chosen days (the session
signs the download in). Only the owner makes, lists and revokes share links. A new link is
shown once, on the page the POST redirects to: only its hash is stored, so the link itself
waits in the session for that one page and is gone from it once shown.

The share pages (``/share/{token}/`` and its PDF) need no account: a wrong, expired or revoked
token is a 404, guessing is throttled (logs/reports/sharing.py), and the answer is kept from
search engines, caches and the Referer header of any link followed from it.
"""

from calendar import monthrange
from datetime import timedelta
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from logs import selectors, vocab
from logs.forms import ReportDaysForm, ShareLinkForm
from logs.reports import document, exports, sharing
from logs.reports.data import days_to_report

NEW_LINK = "popwatch-new-share-link"  # the session key holding a new link until its page shows it
# The formats of the API's export, in the order the page offers them, with what each is for.
DOWNLOADS = (
    ("pdf", "PDF doctor report", "A summary page and the full timeline, to print or send."),
    ("csv", "CSV", "One row per event, for a spreadsheet."),
    ("json", "JSON", "Everything in the range, as the API gives it."),
    ("fhir", "FHIR R4 bundle", "For health record systems."),
)


def _presets(today):
    """The ranges a person picks in one tap: (label, first day, last day), each ending today."""
    return (
        ("Last 6 weeks", today - timedelta(weeks=6) + timedelta(days=1), today),
        ("Last 3 months", _months_before(today, 3) + timedelta(days=1), today),
        ("Last year", _months_before(today, 12) + timedelta(days=1), today),
    )


def _months_before(day, months):
    """The same day ``months`` months earlier, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))


@login_required
@never_cache  # the page may hold a new link: no cache, the service worker's included, keeps it
@require_http_methods(["GET", "POST"])
def person_export(request, person_id):
    person = selectors.person_for(request.user, person_id)
    is_owner = person.role == vocab.Role.OWNER
    today = timezone.localdate()
    presets = _presets(today)
    days = ReportDaysForm(request.GET or None, user=request.user)
    chosen = days.cleaned_data if days.is_valid() else {"from": presets[0][1], "to": presets[0][2]}
    start, end = days_to_report(
        person, time_zone=timezone.get_current_timezone(), start=chosen["from"], end=chosen["to"]
    )
    if not days.is_bound:
        days = ReportDaysForm(user=request.user, initial={"from": start, "to": end})
    share_form = ShareLinkForm(request.POST or None, user=request.user, auto_id="share-%s")
    if request.method == "POST":
        selectors.require_role(person.role, "own")
        if share_form.is_valid():
            return _link_made(request, person, share_form.cleaned_data)
    range_query = urlencode({"from": start.isoformat(), "to": end.isoformat()})
    context = {
        "nav": "people",
        "person": person,
        "is_owner": is_owner,
        "days": days,
        "start": start,
        "end": end,
        "range_words": document.range_words(start, end),
        "presets": [
            {"label": label, "query": urlencode({"from": first.isoformat(), "to": last.isoformat()}),
             "current": (first, last) == (start, end)}
            for label, first, last in presets
        ],
        "downloads": [
            {"label": label, "help": help_text,
             "url": f"{reverse('api-person-export', kwargs={'id': person.pk})}?format={fmt}&{range_query}"}
            for fmt, label, help_text in DOWNLOADS
        ],
        "share_form": share_form,
        "links": _links_of(person) if is_owner else [],
        "new_link": _new_link(request, person) if is_owner else None,
    }
    return render(request, "reports/export.html", context)


def _link_made(request, person, cleaned):
    new = sharing.create_share_link(
        person=person, created_by=request.user, expires_in_days=cleaned["expires_in_days"],
        start=cleaned["from"], end=cleaned["to"],
    )
    request.session[NEW_LINK] = {
        "person": person.pk, "id": new.link.pk,
        "url": request.build_absolute_uri(reverse("shared-report", args=[new.token])),
    }
    messages.success(request, f"A link to {person.name}'s report is ready: copy it now, it is shown only once.")
    query = urlencode({"from": new.link.start.isoformat(), "to": new.link.end.isoformat()})
    return redirect(f"{reverse('person-export', args=[person.pk])}?{query}#new-link")


def _new_link(request, person):
    """The link made just before this page, once: with its QR code, for a phone across the desk."""
    new = request.session.get(NEW_LINK)
    if not new or new["person"] != person.pk:
        return None
    del request.session[NEW_LINK]
    link = sharing.share_links_of(person).filter(pk=new["id"]).first()
    return {"link": link, "url": new["url"], "qr": _qr_svg(new["url"])} if link else None


def _qr_svg(url):
    """The link as a QR code: inline SVG markup (segno), with no style attribute for the CSP."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, light="#fff", omitsize=True, svgclass="qr-code", title="QR code of the link",
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code of the link" ', 1))


def _links_of(person):
    now = timezone.now()
    return [{"link": link, "live": sharing.is_live(link, now)} for link in sharing.share_links_of(person)]


@login_required
@require_POST
def share_link_revoke(request, person_id, link_id):
    person = selectors.person_for(request.user, person_id, action="own")
    link = sharing.share_link_of(person, link_id)
    sharing.revoke_share_link(link=link)
    messages.success(request, "The link is revoked: it no longer opens the report.")
    return redirect("person-export", person.pk)


# --- The public share pages ------------------------------------------------------------


@require_safe
def shared_report(request, token):
    """The report a share link shows, as a page: read-only, with nothing that leads into the app."""
    try:
        link = sharing.resolve(request, token)
    except sharing.TooManyWrongTokens:
        return _too_many_wrong_tokens()
    html = document.render_html(sharing.report_of(link), pdf_url=reverse("shared-report-pdf", args=[token]))
    return _kept_private(HttpResponse(html))


@require_safe
def shared_report_pdf(request, token):
    try:
        link = sharing.resolve(request, token)
    except sharing.TooManyWrongTokens:
        return _too_many_wrong_tokens()
    return _kept_private(exports.export_response(sharing.report_of(link), "pdf"))


def _too_many_wrong_tokens():
    answer = HttpResponse(
        "Too many wrong links were tried from this address. Try again later.",
        status=429, content_type="text/plain; charset=utf-8",
    )
    answer["Retry-After"] = str(int(sharing.WRONG_TOKENS_WINDOW.total_seconds()))
    return _kept_private(answer)


def _kept_private(response):
    """No index, no cache, and no Referer (which would carry the token) from any link followed."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response
