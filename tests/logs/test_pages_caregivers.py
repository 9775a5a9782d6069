"""The caregivers page (owner only): share by username or e-mail, change a role, remove;
and leaving a person someone else shared with you."""

import pytest
from django.contrib.messages import get_messages
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from logs import services, vocab
from logs.api.serializers import CaregiverSerializer
from logs.forms import CaregiverForm
from logs.models import Caregiver
from tests.factories import make_person, make_user, share
from tests.logs.page_html import form_with, signed_in, unlabelled_controls

ROLES = ("owner", "editor", "viewer", "stranger", "anonymous")
NOT_A_CHOICE = "is not one of the available choices."


@pytest.fixture
def users(owner, editor, viewer, stranger):
    return {"owner": owner, "editor": editor, "viewer": viewer, "stranger": stranger, "anonymous": None}


@pytest.fixture
def nadia(db):
    return make_user("nadia", email="Nadia.K@Example.org")


def caregivers_of(person):
    return list(Caregiver.objects.filter(person=person).order_by("id").values_list("user__username", "role"))


def said(answer):
    return [str(message) for message in get_messages(answer.wsgi_request)]


def page_of(person):
    return f"/people/{person.pk}/caregivers/"


def test_the_form_is_named_and_valued_as_the_apis_caregiver():
    serializer = CaregiverSerializer()
    form = CaregiverForm()

    assert list(form.fields) == list(serializer.fields) == ["user", "role"]
    assert [value for value, _ in form.fields["role"].choices] == list(serializer.fields["role"].choices)


# --- Who may open and use the page ---------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_opens_the_page(person, users, role):
    answer = signed_in(users[role]).get(page_of(person))

    if role == "anonymous":
        assertRedirects(answer, f"/accounts/login/?next={page_of(person)}", fetch_redirect_response=False)
    else:
        assert answer.status_code == {"owner": 200, "editor": 403, "viewer": 403, "stranger": 404}[role]


@pytest.mark.parametrize("role", ["editor", "viewer", "stranger", "anonymous"])
@pytest.mark.parametrize("action", ["share", "remove"])
def test_no_one_but_the_owner_shares_or_removes(person, users, nadia, writes_nothing, role, action):
    client = signed_in(users[role])
    path = page_of(person) if action == "share" else f"{page_of(person)}victor/remove/"

    with writes_nothing():
        answer = client.post(path, {"user": "nadia", "role": "editor"})

    assert answer.status_code == {"editor": 403, "viewer": 403, "stranger": 404, "anonymous": 302}[role]


@pytest.mark.parametrize(
    "path", ["/people/{id}/caregivers/", "/people/{id}/caregivers/victor/remove/", "/people/{id}/leave/"]
)
def test_posts_need_the_csrf_token(owner, person, viewer, nadia, writes_nothing, path):
    client = signed_in(viewer if path.endswith("leave/") else owner, enforce_csrf_checks=True)

    with writes_nothing():
        answer = client.post(path.format(id=person.pk), {"user": "nadia", "role": "viewer"})

    assert answer.status_code == 403


# --- The list ------------------------------------------------------------------------


def test_the_page_lists_everyone_with_their_role_and_offers_changes_for_others(owner, person, editor, viewer):
    page = signed_in(owner).get(page_of(person))

    assertContains(page, "<strong>olive</strong> (you) · Owner")
    assertContains(page, "<strong>edith</strong> · Editor")
    assertContains(page, "<strong>victor</strong> · Viewer")
    for username in ["edith", "victor"]:
        assert form_with(page, action=f"{page_of(person)}{username}/remove/").buttons == ["Remove"]
    assertNotContains(page, f"{page_of(person)}olive/remove/")
    assertContains(page, '<option value="viewer" selected>Viewer</option>', html=True)
    assertContains(page, '<label for="id_user">Username or e-mail</label>', html=True)
    share_form = form_with(page, action=page_of(person), **{"aria-labelledby": "share"})
    assert {c.name for c in share_form.controls} == {"csrfmiddlewaretoken", "user", "role"}
    assert share_form.values("role") == ["editor", "viewer"]
    assert share_form.buttons == ["Save caregiver"]
    assert unlabelled_controls(page) == []


@pytest.mark.parametrize("caregivers", [1, 10])
def test_the_page_costs_the_same_queries_for_1_or_10_caregivers(
    owner, person, django_assert_max_num_queries, caregivers
):
    for n in range(caregivers):
        share(person, make_user(f"carer{n}"), vocab.Role.VIEWER)
    client = signed_in(owner)

    # session, user, the person, its caregivers with their users
    with django_assert_max_num_queries(4):
        page = client.get(page_of(person))

    assert page.content.decode().count("/remove/") == caregivers


def test_the_persons_name_is_escaped(owner):
    person = make_person(owner, name="<script>alert(1)</script>")

    page = signed_in(owner).get(page_of(person))

    assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(page, "<script>alert(1)</script>")


# --- Share and change a role -----------------------------------------------------------


@pytest.mark.parametrize("typed", ["nadia", "nadia.k@example.org", " Nadia.K@Example.org "])
def test_the_owner_shares_by_username_or_email(owner, person, nadia, typed):
    answer = signed_in(owner).post(page_of(person), {"user": typed, "role": "viewer"})

    assertRedirects(answer, page_of(person), fetch_redirect_response=False)
    assert caregivers_of(person) == [("olive", "owner"), ("nadia", "viewer")]
    assert said(answer) == ["Shared Robin with nadia (viewer)."]


def test_posting_again_changes_the_role(owner, person, viewer):
    answer = signed_in(owner).post(page_of(person), {"user": "victor", "role": "editor"})

    assertRedirects(answer, page_of(person), fetch_redirect_response=False)
    assert caregivers_of(person) == [("olive", "owner"), ("victor", "editor")]
    assert said(answer) == ["victor's role for Robin is now editor."]


@pytest.mark.parametrize(
    "body, field, error",
    [
        ({"user": "nobody", "role": "viewer"}, "user", "No user with this username or e-mail."),
        ({"user": "inactive", "role": "viewer"}, "user", "No user with this username or e-mail."),
        ({"user": "twin@example.org", "role": "viewer"}, "user", "No user with this username or e-mail."),
        ({"user": "olive", "role": "viewer"}, "user", services.OWNER_KEEPS_THEIR_ROLE),
        ({"user": "olive@example.org", "role": "editor"}, "user", services.OWNER_KEEPS_THEIR_ROLE),
        ({"user": "nadia", "role": "owner"}, "role", f"Select a valid choice. owner {NOT_A_CHOICE}"),
        ({"user": "nadia"}, "role", "This field is required."),
    ],
    ids=["unknown", "inactive", "ambiguous-email", "owner", "owner-by-email", "owner-role", "no-role"],
)
def test_a_refused_share_says_why_at_the_field_and_stores_nothing(
    owner, person, nadia, writes_nothing, body, field, error
):
    make_user("inactive", is_active=False)
    make_user("twin1", email="twin@example.org")
    make_user("twin2", email="twin@example.org")
    client = signed_in(owner)

    with writes_nothing():
        page = client.post(page_of(person), body)

    assert page.status_code == 200
    assertContains(page, f'<ul class="errors" id="id_{field}_errors"><li>{error}</li></ul>', html=True)


# --- Remove and leave ----------------------------------------------------------------


def test_the_owner_removes_a_caregiver(owner, person, editor, viewer):
    answer = signed_in(owner).post(f"{page_of(person)}victor/remove/")

    assertRedirects(answer, page_of(person), fetch_redirect_response=False)
    assert caregivers_of(person) == [("olive", "owner"), ("edith", "editor")]
    assert signed_in(viewer).get(f"/people/{person.pk}/edit/").status_code == 404


def test_the_owner_cannot_be_removed(owner, person, writes_nothing):
    client = signed_in(owner)

    with writes_nothing():
        answer = client.post(f"{page_of(person)}olive/remove/")

    assertRedirects(answer, page_of(person), fetch_redirect_response=False)
    assert said(answer) == [services.OWNER_CANNOT_BE_REMOVED]


def test_removing_someone_who_is_not_a_caregiver_answers_404(owner, person, stranger, writes_nothing):
    client = signed_in(owner)

    with writes_nothing():
        answers = [client.post(f"{page_of(person)}{name}/remove/").status_code for name in ["stan", "nobody"]]

    assert answers == [404, 404]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_a_caregiver_leaves_a_person_shared_with_them(person, users, role):
    user = users[role]

    answer = signed_in(user).post(f"/people/{person.pk}/leave/")

    assertRedirects(answer, "/", fetch_redirect_response=False)
    assert user.username not in [name for name, _ in caregivers_of(person)]
    assert said(answer) == ["You no longer see Robin."]


def test_the_owner_cannot_leave(owner, person, writes_nothing):
    client = signed_in(owner)

    with writes_nothing():
        answer = client.post(f"/people/{person.pk}/leave/")

    assertRedirects(answer, f"/people/{person.pk}/", fetch_redirect_response=False)
    assert said(answer) == [services.OWNER_CANNOT_BE_REMOVED]


@pytest.mark.parametrize("role, status", [("stranger", 404), ("anonymous", 302)])
def test_only_a_caregiver_can_leave(person, users, writes_nothing, role, status):
    client = signed_in(users[role])

    with writes_nothing():
        answer = client.post(f"/people/{person.pk}/leave/")

    assert answer.status_code == status


def test_leaving_and_removing_are_posts(owner, person, viewer):
    assert signed_in(viewer).get(f"/people/{person.pk}/leave/").status_code == 405
    assert signed_in(owner).get(f"{page_of(person)}victor/remove/").status_code == 405
