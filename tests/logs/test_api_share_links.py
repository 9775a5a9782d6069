"""POST/GET /api/v1/persons/{id}/share-links/ and DELETE .../share-links/{id}/: the owner's alone
(an editor or a viewer 403, a stranger 404, as api.md says), and the link works until revoked."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from logs.models import ShareLink
from logs.reports import sharing
from tests.factories import make_person

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ROLES = ("owner", "editor", "viewer", "stranger", "anonymous")
NOT_OWNER = {"editor": 403, "viewer": 403, "stranger": 404, "anonymous": 401}


def links_of(person):
    return f"/api/v1/persons/{person.pk}/share-links/"


def as_json(moment):
    return moment.isoformat().replace("+00:00", "Z")


def made_link(person, owner, **fields):
    return sharing.create_share_link(person=person, created_by=owner, expires_in_days=7, **fields)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_makes_a_link(clients, person, role):
    answer = clients[role].post(links_of(person), {"expires_in_days": 7}, format="json")

    assert answer.status_code == {"owner": 201, **NOT_OWNER}[role]
    assert ShareLink.objects.count() == (1 if role == "owner" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_lists_and_revokes_links(clients, person, owner, role):
    made = made_link(person, owner)

    listed = clients[role].get(links_of(person))
    revoked = clients[role].delete(f"{links_of(person)}{made.link.pk}/")

    assert listed.status_code == {"owner": 200, **NOT_OWNER}[role]
    assert revoked.status_code == {"owner": 204, **NOT_OWNER}[role]
    made.link.refresh_from_db()
    assert (made.link.revoked_at is not None) == (role == "owner")


def test_an_unknown_person_is_not_found_as_another_users_is(api, person):
    assert api.post("/api/v1/persons/999999/share-links/", {"expires_in_days": 7}, format="json").status_code == 404
    assert api.get("/api/v1/persons/999999/share-links/").status_code == 404


def test_the_new_link_is_answered_once_and_opens_the_report(api, person, now):
    answer = api.post(
        links_of(person), {"expires_in_days": 30, "from": "2026-05-01", "to": "2026-05-31"}, format="json"
    )

    body = answer.json()
    assert answer.status_code == 201
    assert list(body) == ["id", "url", "from", "to", "created_at", "expires_at", "last_opened_at", "revoked"]
    assert (body["from"], body["to"], body["revoked"], body["last_opened_at"]) == (
        "2026-05-01", "2026-05-31", False, None
    )
    assert datetime.fromisoformat(body["expires_at"]) == NOW + timedelta(days=30)
    token = body["url"].removeprefix("http://testserver/share/").removesuffix("/")
    assert body["url"] == f"http://testserver/share/{token}/" and len(token) >= 43
    assert ShareLink.objects.get(pk=body["id"]).token_hash == sharing.hash_of(token)
    assert APIClient().get(f"/share/{token}/").status_code == 200


def test_without_days_a_link_covers_the_whole_log_to_today(api, person, now):
    body = api.post(links_of(person), {"expires_in_days": 1}, format="json").json()

    assert (body["from"], body["to"]) == ("2026-06-15", "2026-06-15")


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({}, "expires_in_days"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 31}, "expires_in_days"),
        ({"expires_in_days": "soon"}, "expires_in_days"),
        ({"expires_in_days": "7"}, "expires_in_days"),  # JSON's number, as the schema says
        ({"expires_in_days": None}, "expires_in_days"),
        ({"expires_in_days": 7, "from": "2026-06-10", "to": "2026-06-01"}, "from"),
        ({"expires_in_days": 7, "from": "2026-07-01"}, "from"),  # after today, the default "to"
        ({"expires_in_days": 7, "to": "15/06/2026"}, "to"),
        ({"expires_in_days": 7, "from": "1850-01-01"}, "from"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_makes_nothing(api, person, now, sent, field):
    answer = api.post(links_of(person), sent, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert ShareLink.objects.count() == 0


def test_the_list_is_newest_first_says_when_each_was_opened_and_never_shows_a_link(api, person, owner, now):
    older = made_link(person, owner, start=date(2026, 6, 1), end=date(2026, 6, 7))
    now.shift(timedelta(minutes=1))
    newer = made_link(person, owner)
    sharing.revoke_share_link(link=older.link)
    now.shift(timedelta(minutes=1))
    APIClient().get(f"/share/{newer.token}/")
    made_link(make_person(owner, name="Someone else"), owner)

    answer = api.get(links_of(person))

    body = answer.json()
    assert body["count"] == 2
    assert [link["id"] for link in body["results"]] == [newer.link.pk, older.link.pk]
    assert body["results"][0]["last_opened_at"] == as_json(NOW + timedelta(minutes=2))
    assert body["results"][1] == {
        "id": older.link.pk, "from": "2026-06-01", "to": "2026-06-07", "created_at": as_json(NOW),
        "expires_at": as_json(NOW + timedelta(days=7)), "last_opened_at": None, "revoked": True,
    }
    text = answer.content.decode()
    assert newer.token not in text and older.token not in text and "url" not in body["results"][0]


def test_revoking_stops_the_link_at_once_and_again_is_harmless(api, person, owner):
    made = made_link(person, owner)
    assert APIClient().get(f"/share/{made.token}/").status_code == 200

    first = api.delete(f"{links_of(person)}{made.link.pk}/")
    again = api.delete(f"{links_of(person)}{made.link.pk}/")

    assert (first.status_code, again.status_code) == (204, 204)
    assert APIClient().get(f"/share/{made.token}/").status_code == 404
    assert APIClient().get(f"/share/{made.token}/report.pdf").status_code == 404


def test_a_link_of_another_person_is_not_found_under_this_one(api, person, owner):
    other = made_link(make_person(owner, name="Other"), owner)

    assert api.delete(f"{links_of(person)}{other.link.pk}/").status_code == 404
    assert api.delete(f"{links_of(person)}999999/").status_code == 404
    other.link.refresh_from_db()
    assert other.link.revoked_at is None


def test_the_schema_documents_the_share_link_paths(api):
    schema = json.loads(api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)

    assert set(schema["paths"]["/api/v1/persons/{id}/share-links/"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/persons/{id}/share-links/{link_id}/"]) == {"delete"}
    created = schema["paths"]["/api/v1/persons/{id}/share-links/"]["post"]["responses"]["201"]
    ref = created["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"id", "url", "expires_at"} <= set(schema["components"]["schemas"][ref]["properties"])
