"""The export page /people/{id}/export/ (any caregiver exports; the owner shares) and the public
share pages /share/{token}/ and its PDF: read-only, kept from search engines and the Referer,
and no way into the app."""

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from logs.api.sharing import ShareLinkCreateSerializer
from logs.forms import ShareLinkForm
from logs.models import ShareLink
from logs.reports import sharing
from tests.factories import make_alert, make_event
from tests.logs.page_html import answered_as_allowed, form_with, signed_in, unlabelled_controls

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ROLES = ("owner", "editor", "viewer", "stranger", "anonymous")
DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."


@pytest.fixture
def users(owner, editor, viewer, stranger):
    return {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def export_page(person, query=""):
    return f"/people/{person.pk}/export/{query}"


def made_link(person, owner, **fields):
    fields.setdefault("expires_in_days", 7)
    return sharing.create_share_link(person=person, created_by=owner, **fields)


class Links(HTMLParser):
    """Every address a page leads to or loads: links, form actions, scripts, stylesheets, images."""

    def __init__(self, html):
        super().__init__()
        self.addresses = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src", "action"):
            if attrs.get(name) is not None:
                self.addresses.append(attrs[name])


def downloads_of(answer):
    """(from, to) of each link to the API's export."""
    hrefs = [href for href in Links(answer.content.decode()).addresses if "/export/?" in href]
    queries = [parse_qs(urlsplit(href).query) for href in hrefs]
    return [(query["from"][0], query["to"][0]) for query in queries]


# --- The export page ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_caregiver_exports_and_a_stranger_finds_nothing(person, users, role):
    url = export_page(person)

    answer = signed_in(users[role]).get(url)

    allowed = {"owner": "ok", "editor": "ok", "viewer": "ok", "stranger": 404}
    answered_as_allowed(answer, role=role, url=url, method="get", allowed=allowed)


def test_the_dashboard_links_to_the_export_page(person, viewer):
    assertContains(signed_in(viewer).get(f"/people/{person.pk}/"), f'href="{export_page(person)}"')


def test_the_page_links_to_the_four_formats_of_the_api_for_the_last_six_weeks_by_default(person, owner, now):
    answer = signed_in(owner).get(export_page(person))

    downloads = [href for href in Links(answer.content.decode()).addresses if "/export/?" in href]
    assert [urlsplit(href).path for href in downloads] == [f"/api/v1/persons/{person.pk}/export/"] * 4
    queries = [parse_qs(urlsplit(href).query) for href in downloads]
    assert [query["format"] for query in queries] == [["pdf"], ["csv"], ["json"], ["fhir"]]
    assert all(query["from"] == ["2026-05-05"] and query["to"] == ["2026-06-15"] for query in queries)
    assertContains(answer, "5 May 2026 to 15 Jun 2026")
    assertContains(answer, DISCLAIMER)
    assert "no-store" in answer["Cache-Control"]  # the service worker keeps no copy


def test_a_preset_or_chosen_days_set_the_range_of_every_format(person, owner, now):
    client = signed_in(owner)

    presets = re.findall(r'href="\?(from=[^"]+)"', client.get(export_page(person)).content.decode())
    chosen = client.get(export_page(person, "?from=2026-01-01&to=2026-03-31"))

    assert [parse_qs(query.replace("&amp;", "&")) for query in presets] == [
        {"from": ["2026-05-05"], "to": ["2026-06-15"]},
        {"from": ["2026-03-16"], "to": ["2026-06-15"]},
        {"from": ["2025-06-16"], "to": ["2026-06-15"]},
    ]
    assert downloads_of(chosen) == [("2026-01-01", "2026-03-31")] * 4
    assert form_with(chosen, id="days-form").submitted() == {"from": "2026-01-01", "to": "2026-03-31"}
    assert not unlabelled_controls(chosen)


def test_days_in_the_wrong_order_are_said_and_the_default_range_is_kept(person, owner, now):
    answer = signed_in(owner).get(export_page(person, "?from=2026-06-10&to=2026-06-01"))

    assertContains(answer, "Must be on or before the last day (2026-06-01).")
    assert downloads_of(answer) == [("2026-05-05", "2026-06-15")] * 4


def test_the_share_form_is_named_and_limited_as_the_apis(person, owner):
    form = ShareLinkForm(user=owner)
    serializer = ShareLinkCreateSerializer()

    assert list(form.fields) == list(serializer.fields) == ["expires_in_days", "from", "to"]
    limits = form.fields["expires_in_days"], serializer.fields["expires_in_days"]
    assert {(field.min_value, field.max_value) for field in limits} == {(1, 30)}


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_the_owner_sees_the_share_links(person, owner, users, role):
    made_link(person, owner)

    owners_page = signed_in(owner).get(export_page(person))
    other = signed_in(users[role]).get(export_page(person))

    assertContains(owners_page, "Make a link")
    assertContains(owners_page, 'class="card share-link"', count=1)
    assertNotContains(other, "Make a link")
    assertNotContains(other, "share-link")
    assertContains(other, "Only Robin's owner makes share links.")


@pytest.mark.parametrize("role", ["editor", "viewer", "stranger", "anonymous"])
def test_no_one_but_the_owner_makes_or_revokes_a_link(person, owner, users, role):
    made = made_link(person, owner)
    client = signed_in(users[role])

    made_one = client.post(export_page(person), {"expires_in_days": 7, "from": "2026-06-01", "to": "2026-06-14"})
    revoked = client.post(export_page(person, f"share-links/{made.link.pk}/revoke/"))

    expected = {"editor": 403, "viewer": 403, "stranger": 404, "anonymous": 302}[role]
    assert (made_one.status_code, revoked.status_code) == (expected, expected)
    assert ShareLink.objects.get().revoked_at is None


def test_the_owner_makes_a_link_and_sees_it_once_with_its_qr_code(person, owner, now):
    client = signed_in(owner)
    page = client.get(export_page(person, "?from=2026-06-01&to=2026-06-14"))
    form = form_with(page, id="share-form")
    assert form.submitted()["from"] == "2026-06-01" and form.submitted()["to"] == "2026-06-14"

    answer = client.post(export_page(person), {**form.submitted(), "expires_in_days": "14"}, follow=True)

    link = ShareLink.objects.get()
    assert (link.start, link.end, link.expires_at) == (date(2026, 6, 1), date(2026, 6, 14), NOW + timedelta(days=14))
    [url] = re.findall(r'id="new-link-url" value="([^"]+)"', answer.content.decode())
    token = url.removeprefix("http://testserver/share/").removesuffix("/")
    assert link.token_hash == sharing.hash_of(token)
    assertContains(answer, '<svg role="img" aria-label="QR code of the link"')
    assertContains(answer, 'data-copy="new-link-url"')
    assertContains(answer, "/static/js/copy-link.js")
    assert not re.search(r"<svg[^>]*\sstyle=", answer.content.decode())  # the CSP allows no style attribute
    assert "no-store" in answer["Cache-Control"]
    again = client.get(export_page(person))
    assertNotContains(again, token)
    assertNotContains(again, "Your new link")
    assert Client().get(f"/share/{token}/").status_code == 200


@pytest.mark.parametrize("expires_in_days", ["0", "31", "", "a week"])
def test_a_bad_expiry_is_said_on_the_page_and_makes_nothing(person, owner, expires_in_days):
    answer = signed_in(owner).post(
        export_page(person), {"expires_in_days": expires_in_days, "from": "2026-06-01", "to": "2026-06-14"}
    )

    assert answer.status_code == 200
    assertContains(answer, 'class="errors"')
    assert not ShareLink.objects.exists()


def test_the_list_says_when_a_link_was_last_opened_and_the_owner_revokes_it(person, owner, now):
    made = made_link(person, owner)
    never = made_link(person, owner)
    Client().get(f"/share/{made.token}/")
    client = signed_in(owner)

    listed = client.get(export_page(person))
    revoked = client.post(export_page(person, f"share-links/{made.link.pk}/revoke/"))

    html = listed.content.decode()
    opened = html[html.index(f'id="share-link-{made.link.pk}"'):]
    assert "last opened Mon 15 Jun 2026, 12:00" in opened[: opened.index("</li>")]
    unopened = html[html.index(f'id="share-link-{never.link.pk}"'):]
    assert "never opened" in unopened[: unopened.index("</li>")]
    assert revoked.status_code == 302
    assert Client().get(f"/share/{made.token}/").status_code == 404
    assertContains(client.get(export_page(person)), "revoked Mon 15 Jun 2026, 12:00")


def test_the_page_costs_the_same_few_queries_with_more_links(person, owner, django_assert_max_num_queries):
    client = signed_in(owner)
    made_link(person, owner)
    client.get(export_page(person))
    for _ in range(10):
        made_link(person, owner)

    with django_assert_max_num_queries(10):
        client.get(export_page(person))


# --- The public share pages ----------------------------------------------------------


@pytest.fixture
def shared(person, owner):
    make_event(person, occurred_at=NOW - timedelta(days=2), body_site="knee", side="left", sound="grinding",
               note="<script>alert(1)</script>")
    make_alert(person, title="Grinding at the left knee")
    return made_link(person, owner, start=date(2026, 6, 1), end=date(2026, 6, 15))


def test_the_share_page_shows_the_report_read_only_and_kept_private(shared, now):
    answer = Client().get(f"/share/{shared.token}/")

    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert answer["X-Robots-Tag"] == "noindex, nofollow"
    assert answer["Referrer-Policy"] == "no-referrer"
    assert "no-store" in answer["Cache-Control"]
    assert "Popwatch report: Robin" in html and "1 Jun 2026 to 15 Jun 2026" in html
    assert "Grinding at the left knee" in html and DISCLAIMER in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "csrftoken" not in answer.cookies and "sessionid" not in answer.cookies


def test_the_share_page_leads_nowhere_into_the_app(shared, now):
    html = Client().get(f"/share/{shared.token}/").content.decode()

    addresses = Links(html).addresses
    assert f"/share/{shared.token}/report.pdf" in addresses
    assert [a for a in addresses if not a.startswith((f"/share/{shared.token}/", "/static/"))] == []
    assert not re.search(r"<(script|form|nav)\b", html)


def test_the_shared_pdf_is_the_report(shared, now):
    answer = Client().get(f"/share/{shared.token}/report.pdf")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    assert answer["X-Robots-Tag"] == "noindex, nofollow" and answer["Referrer-Policy"] == "no-referrer"
    assert "no-store" in answer["Cache-Control"]


@pytest.mark.parametrize("path", ["/share/{token}/", "/share/{token}/report.pdf"])
def test_an_expired_revoked_or_wrong_token_is_the_same_404(shared, owner, person, now, path):
    expiring = made_link(person, owner, expires_in_days=1)
    revoked = made_link(person, owner)
    sharing.revoke_share_link(link=revoked.link)
    now.shift(timedelta(days=1))

    answers = [
        Client().get(path.format(token=token))
        for token in (expiring.token, revoked.token, shared.token[:-2] + "xx", "x" * 300)
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert len({answer.content for answer in answers}) == 1
    assert Client().get(path.format(token=shared.token)).status_code == 200


def test_guessing_tokens_is_throttled_without_telling_the_right_one(shared, now):
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(sharing.WRONG_TOKENS_ALLOWED):
        assert guesser.get(f"/share/guess-{n}/").status_code == 404

    wrong, right = guesser.get("/share/one-more/"), guesser.get(f"/share/{shared.token}/report.pdf")

    assert (wrong.status_code, right.status_code) == (429, 429)
    assert wrong.content == right.content and int(right["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="198.51.100.10").get(f"/share/{shared.token}/").status_code == 200


def test_a_share_link_is_not_a_way_into_the_log(shared):
    client = Client()
    client.get(f"/share/{shared.token}/")

    assert client.get(f"/people/{shared.link.person_id}/").status_code == 302  # to log in
    assert client.get(f"/api/v1/persons/{shared.link.person_id}/share-links/").status_code == 401
