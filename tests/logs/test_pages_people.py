"""Pages to add, edit and delete a person (web.md "Pages", "Forms")."""

from datetime import timedelta

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from logs import validators, vocab
from logs.api.serializers import PersonSerializer
from logs.forms import PersonForm
from logs.models import Caregiver, Event, Person
from tests.factories import make_event, make_person
from tests.logs.page_html import form_with, signed_in, unlabelled_controls

ROLES = ("owner", "editor", "viewer", "stranger", "anonymous")


@pytest.fixture
def users(owner, editor, viewer, stranger):
    return {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}


def writable_fields(serializer):
    return {name: field for name, field in serializer.fields.items() if not field.read_only}


def test_the_person_form_is_named_and_valued_as_the_apis_person(rf, owner):
    request = rf.get("/")
    request.user = owner
    serializer = writable_fields(PersonSerializer(context={"request": request}))
    form = PersonForm(user=owner)

    assert list(form.fields) == list(serializer)
    for name in ["life_stage", "sex"]:
        assert [value for value, _ in form.fields[name].choices] == list(serializer[name].choices)
    assert [value for value, _ in form.fields["risk_factors"].choices] == list(serializer["risk_factors"].child.choices)


def test_the_add_page_offers_the_apis_fields_and_values(owner):
    page = signed_in(owner).get("/people/new/")

    assert page.status_code == 200
    form = form_with(page, action="/people/new/")
    assert [c.name for c in form.controls if c.type != "hidden"] == [
        "name", "life_stage", "life_stage", "life_stage", "birth_date", "sex", "sex", "sex",
        "risk_factors", "risk_factors", "risk_factors", "hip_check_done",
    ]
    assert form.values("life_stage") == vocab.LifeStage.values
    assert form.values("sex") == vocab.Sex.values
    assert form.values("risk_factors") == vocab.RiskFactor.values
    assert form.buttons == ["Save"]
    assert unlabelled_controls(page) == []
    assertContains(page, '<label for="id_name">Name</label>', html=True)
    assertContains(page, "<legend>Life stage</legend>", html=True)


def test_adding_a_person_makes_me_its_owner_and_opens_its_page(owner):
    answer = signed_in(owner).post(
        "/people/new/",
        {"name": "Mia", "life_stage": "infant", "birth_date": "2026-01-02", "sex": "female",
         "risk_factors": ["breech", "first_born"]},
    )

    person = Person.objects.get(name="Mia")
    assertRedirects(answer, f"/people/{person.pk}/", fetch_redirect_response=False)
    assert (person.life_stage, str(person.birth_date), person.sex, person.risk_factors, person.hip_check_done) == (
        "infant", "2026-01-02", "female", ["breech", "first_born"], False,
    )
    assert list(Caregiver.objects.filter(person=person).values_list("user__username", "role")) == [("olive", "owner")]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"life_stage": "adult", "sex": "unspecified"}, "name"),
        ({"name": "Mia", "life_stage": "toddler", "sex": "unspecified"}, "life_stage"),
        ({"name": "Mia", "life_stage": "adult", "sex": "unspecified", "risk_factors": ["tall"]}, "risk_factors"),
        ({"name": "Mia", "life_stage": "infant", "sex": "unspecified", "birth_date": "tomorrow"}, "birth_date"),
    ],
    ids=["no-name", "unknown-life-stage", "unknown-risk-factor", "future-birth-date"],
)
def test_a_refused_person_shows_the_error_at_its_field_and_stores_nothing(owner, writes_nothing, body, field):
    client = signed_in(owner)
    if body.get("birth_date") == "tomorrow":
        body["birth_date"] = (validators.users_today(owner) + timedelta(days=1)).isoformat()

    with writes_nothing():
        page = client.post("/people/new/", body)

    assert page.status_code == 200
    assertContains(page, f'id="id_{field}_errors"')


def test_anonymous_users_are_sent_to_log_in(db):
    answer = Client().get("/people/new/")

    assertRedirects(answer, "/accounts/login/?next=/people/new/", fetch_redirect_response=False)


# --- Edit and delete: the owner only -------------------------------------------------

EXPECTED = {"owner": 200, "editor": 403, "viewer": 403, "stranger": 404}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["edit", "delete"])
def test_only_the_owner_opens_the_edit_and_delete_pages(person, users, role, page):
    path = f"/people/{person.pk}/{page}/"

    answer = signed_in(users[role]).get(path)

    if role == "anonymous":
        assertRedirects(answer, f"/accounts/login/?next={path}", fetch_redirect_response=False)
    else:
        assert answer.status_code == EXPECTED[role]


@pytest.mark.parametrize("role", ["editor", "viewer", "stranger", "anonymous"])
@pytest.mark.parametrize("page", ["edit", "delete"])
def test_no_one_but_the_owner_edits_or_deletes(person, users, writes_nothing, role, page):
    client = signed_in(users[role])

    with writes_nothing():
        answer = client.post(f"/people/{person.pk}/{page}/", {"name": "Taken", "life_stage": "adult"})

    assert answer.status_code == {"editor": 403, "viewer": 403, "stranger": 404, "anonymous": 302}[role]


def test_the_edit_page_shows_the_person_as_stored(owner):
    person = make_person(owner, name="Mia", life_stage="infant", risk_factors=["breech"], hip_check_done=True)

    page = signed_in(owner).get(f"/people/{person.pk}/edit/")

    assertContains(page, '<input type="text" name="name" value="Mia" maxlength="100" required id="id_name">', html=True)
    assertContains(page, 'value="infant" required id="id_life_stage_0" checked')
    assertContains(page, 'value="breech" id="id_risk_factors_0" checked')
    assertContains(page, 'name="hip_check_done" id="id_hip_check_done" checked')


def test_the_owner_edits_a_person(owner, person, scans, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in(owner).post(
            f"/people/{person.pk}/edit/",
            {"name": "Robin B.", "life_stage": "child", "sex": "male", "hip_check_done": "on"},
        )

    assertRedirects(answer, f"/people/{person.pk}/", fetch_redirect_response=False)
    person.refresh_from_db()
    assert (person.name, person.life_stage, person.sex, person.hip_check_done) == ("Robin B.", "child", "male", True)
    assert scans == [person.pk]  # new facts: the rules look again


def test_the_owner_deletes_a_person_with_its_log_after_confirming(owner, person, editor):
    make_event(person)
    client = signed_in(owner)

    confirm = client.get(f"/people/{person.pk}/delete/")
    assert Person.objects.filter(pk=person.pk).exists()
    form = form_with(confirm, action=f"/people/{person.pk}/delete/")
    assert ({c.name for c in form.controls}, form.buttons) == ({"csrfmiddlewaretoken"}, ["Delete Robin"])

    answer = client.post(f"/people/{person.pk}/delete/")

    assertRedirects(answer, "/", fetch_redirect_response=False)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Event.objects.filter(person_id=person.pk).exists()


def test_names_are_shown_escaped(owner):
    person = make_person(owner, name="<script>alert(1)</script>")
    client = signed_in(owner)

    for path in [f"/people/{person.pk}/edit/", f"/people/{person.pk}/delete/"]:
        page = client.get(path)
        assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
        assertNotContains(page, "<script>alert(1)</script>")


@pytest.mark.parametrize("path", ["/people/new/", "/people/{id}/edit/", "/people/{id}/delete/"])
def test_posts_need_the_csrf_token(owner, person, writes_nothing, path):
    client = signed_in(owner, enforce_csrf_checks=True)

    with writes_nothing():
        answer = client.post(path.format(id=person.pk), {"name": "Mia", "life_stage": "adult", "sex": "unspecified"})

    assert answer.status_code == 403
