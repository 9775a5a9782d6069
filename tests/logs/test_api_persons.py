"""People and their caregivers over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert
from logs import vocab
from logs.models import Caregiver, Event, Person, Workout
from tests.factories import client_for, make_event, make_person, make_user, make_workout, share

PERSONS = "/api/v1/persons/"


def person_url(person, suffix=""):
    return f"{PERSONS}{person.pk}/{suffix}"


def caregivers_of(person):
    return {(c.user.username, c.role) for c in Caregiver.objects.filter(person=person).select_related("user")}


# --- Create, read, update, delete ---------------------------------------------


def test_create_makes_the_caller_owner_with_the_contract_defaults(owner, api):
    answer = api.post(PERSONS, {"name": "Mia", "life_stage": "infant", "birth_date": "2026-01-02"})

    assert answer.status_code == 201
    person = Person.objects.get(name="Mia")
    body = answer.json()
    body.pop("created_at")
    assert body == {
        "id": person.pk, "name": "Mia", "life_stage": "infant", "birth_date": "2026-01-02", "sex": "unspecified",
        "risk_factors": [], "hip_check_done": False, "role": "owner", "open_alerts": 0,
    }
    assert caregivers_of(person) == {("olive", "owner")}


def test_create_stores_every_field(api):
    answer = api.post(
        PERSONS,
        {
            "name": "Noor", "life_stage": "infant", "sex": "female", "hip_check_done": True,
            "risk_factors": ["breech", "first_born"],
        },
    )

    assert answer.status_code == 201
    person = Person.objects.get(pk=answer.json()["id"])
    assert (person.sex, person.hip_check_done, person.risk_factors) == ("female", True, ["breech", "first_born"])


def test_role_and_open_alerts_are_read_only(owner, api, person):
    created = api.post(PERSONS, {"name": "Mia", "life_stage": "adult", "role": "viewer", "open_alerts": 7})
    patched = api.patch(person_url(person), {"role": "viewer", "open_alerts": 7})

    assert (created.json()["role"], created.json()["open_alerts"]) == ("owner", 0)
    assert (patched.json()["role"], patched.json()["open_alerts"]) == ("owner", 0)
    assert caregivers_of(person) == {("olive", "owner")}


def test_open_alerts_counts_the_open_alerts_only(api, person):
    now = timezone.now()
    for status in ["open", "open", "acknowledged", "dismissed", "resolved"]:
        Alert.objects.create(
            person=person, rule=f"rule_{status}_{Alert.objects.count()}", urgency="soon", title="t", message="m",
            status=status, first_seen_at=now, last_evidence_at=now,
        )

    assert api.get(person_url(person)).json()["open_alerts"] == 2
    assert api.get(PERSONS).json()["results"][0]["open_alerts"] == 2


def test_list_shows_the_callers_people_by_name_with_their_role(owner, api, person):
    other_owner = make_user("otto")
    shared = make_person(other_owner, name="Ada")
    share(shared, owner, vocab.Role.VIEWER)
    make_person(other_owner, name="Zed")  # not shared with olive

    answer = api.get(PERSONS)

    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    assert [(p["name"], p["role"]) for p in answer.json()["results"]] == [("Ada", "viewer"), ("Robin", "owner")]


def test_patch_and_put_update_the_person(api, person):
    patched = api.patch(person_url(person), {"hip_check_done": True})
    put = api.put(person_url(person), {"name": "Robin B", "life_stage": "child", "risk_factors": ["breech"]})

    assert (patched.status_code, put.status_code) == (200, 200)
    person.refresh_from_db()
    assert (person.name, person.life_stage, person.risk_factors, person.hip_check_done) == (
        "Robin B", "child", ["breech"], True,
    )
    assert put.json()["name"] == "Robin B"


def test_delete_removes_the_person_and_their_log(api, person):
    make_event(person, workout=make_workout(person))

    answer = api.delete(person_url(person))

    assert answer.status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()
    assert (Event.objects.count(), Workout.objects.count(), Caregiver.objects.count()) == (0, 0, 0)


# --- Validation -----------------------------------------------------------------


VALID_PERSON = {"name": "Mia", "life_stage": "infant"}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"life_stage": "elder"}, "life_stage"),
        ({"life_stage": None}, "life_stage"),
        ({"sex": "other"}, "sex"),
        ({"birth_date": "2026-13-01"}, "birth_date"),
        ({"risk_factors": ["breech", "breech"]}, "risk_factors"),
        ({"risk_factors": ["left_handed"]}, "risk_factors"),
        ({"risk_factors": "breech"}, "risk_factors"),
        ({"risk_factors": [["breech"]]}, "risk_factors"),
        ({"hip_check_done": "maybe"}, "hip_check_done"),
    ],
)
def test_create_refuses_invalid_fields_and_stores_nothing(api, writes_nothing, change, field):
    with writes_nothing():
        answer = api.post(PERSONS, {**VALID_PERSON, **change})

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_duplicated_risk_factors_are_named(api):
    answer = api.post(PERSONS, {**VALID_PERSON, "risk_factors": ["breech", "first_born", "breech"]})

    assert answer.json() == {"risk_factors": ["Listed more than once: breech."]}


@pytest.mark.parametrize("field", ["name", "life_stage"])
def test_create_requires_name_and_life_stage(api, writes_nothing, field):
    body = dict(VALID_PERSON)
    del body[field]
    with writes_nothing():
        answer = api.post(PERSONS, body)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_a_name_of_100_characters_is_accepted(api):
    assert api.post(PERSONS, {**VALID_PERSON, "name": "x" * 100}).status_code == 201


@pytest.mark.parametrize(
    "user_timezone, status",
    [("Pacific/Kiritimati", 201), ("UTC", 400), ("America/Los_Angeles", 400)],
)
def test_birth_date_must_not_be_in_the_future_of_the_users_day(owner, api, time_machine, user_timezone, status):
    # 12:00 UTC on 15 June is already 16 June at UTC+14.
    time_machine.move_to(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), tick=False)
    owner.timezone = user_timezone
    owner.save()

    answer = api.post(PERSONS, {**VALID_PERSON, "birth_date": "2026-06-16"})

    assert answer.status_code == status
    assert Person.objects.filter(name="Mia").exists() == (status == 201)


def test_birth_date_today_is_accepted_and_tomorrow_refused_on_update(api, person, writes_nothing):
    today = timezone.localdate()

    assert api.patch(person_url(person), {"birth_date": today.isoformat()}).status_code == 200
    with writes_nothing():
        answer = api.patch(person_url(person), {"birth_date": (today + timedelta(days=1)).isoformat()})
    assert answer.json() == {"birth_date": ["Must not be in the future."]}


# --- Caregivers -----------------------------------------------------------------


def test_caregivers_lists_everyone_with_their_role(api, person, editor, viewer):
    answer = api.get(person_url(person, "caregivers/"))

    assert answer.status_code == 200
    assert answer.json() == [
        {"user": "olive", "role": "owner"},
        {"user": "edith", "role": "editor"},
        {"user": "victor", "role": "viewer"},
    ]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_owner_shares_with_a_role_and_posting_again_changes_it(api, person, role):
    make_user("nadia")
    other_role = "viewer" if role == "editor" else "editor"

    first = api.post(person_url(person, "caregivers/"), {"user": "nadia", "role": role})
    again = api.post(person_url(person, "caregivers/"), {"user": "nadia", "role": other_role})

    assert (first.status_code, first.json()) == (201, {"user": "nadia", "role": role})
    assert (again.status_code, again.json()) == (200, {"user": "nadia", "role": other_role})
    assert caregivers_of(person) == {("olive", "owner"), ("nadia", other_role)}


def test_a_shared_person_appears_for_the_new_caregiver(api, person):
    nadia = make_user("nadia")
    api.post(person_url(person, "caregivers/"), {"user": "nadia", "role": "viewer"})

    answer = client_for(nadia).get(PERSONS)

    assert [(p["id"], p["role"]) for p in answer.json()["results"]] == [(person.pk, "viewer")]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"user": "nobody", "role": "viewer"}, "user"),
        ({"user": "olive", "role": "viewer"}, "user"),
        ({"user": "inactive", "role": "viewer"}, "user"),
        ({"user": "nadia", "role": "owner"}, "role"),
        ({"user": "nadia", "role": "admin"}, "role"),
        ({"user": "nadia"}, "role"),
        ({"role": "viewer"}, "user"),
    ],
    ids=["unknown", "self", "inactive", "owner-role", "unknown-role", "no-role", "no-user"],
)
def test_sharing_refuses_bad_grants_and_stores_nothing(api, person, writes_nothing, body, field):
    make_user("nadia")
    make_user("inactive", is_active=False)

    with writes_nothing():
        answer = api.post(person_url(person, "caregivers/"), body)

    assert answer.status_code == 400
    assert list(answer.json()) == [field]


def test_owner_removes_a_caregiver(api, person, viewer):
    answer = api.delete(person_url(person, "caregivers/victor/"))

    assert answer.status_code == 204
    assert caregivers_of(person) == {("olive", "owner")}
    assert client_for(viewer).get(person_url(person)).status_code == 404


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_a_caregiver_can_leave(person, editor, viewer, role):
    user = {"editor": editor, "viewer": viewer}[role]

    answer = client_for(user).delete(person_url(person, f"caregivers/{user.username}/"))

    assert answer.status_code == 204
    assert user.username not in {name for name, _ in caregivers_of(person)}


@pytest.mark.parametrize("remover", ["owner", "editor"])
def test_the_owner_cannot_be_removed(owner, person, editor, writes_nothing, remover):
    with writes_nothing():
        answer = client_for({"owner": owner, "editor": editor}[remover]).delete(
            person_url(person, "caregivers/olive/")
        )

    assert answer.status_code == {"owner": 400, "editor": 403}[remover]


def test_removing_someone_who_is_not_a_caregiver_answers_404(api, person, stranger, writes_nothing):
    with writes_nothing():
        answers = [api.delete(person_url(person, f"caregivers/{name}/")).status_code for name in ["stan", "nobody"]]

    assert answers == [404, 404]


def test_an_editor_cannot_remove_another_caregiver(person, editor, viewer, writes_nothing):
    with writes_nothing():
        answer = client_for(editor).delete(person_url(person, "caregivers/victor/"))

    assert answer.status_code == 403
