"""A new parent signs up, adds their baby and logs a sound in three taps; the timeline shows it."""

from playwright.sync_api import expect

from logs import vocab
from logs.models import Event, Person, User
from tests.e2e.helpers import Taps, choice, save_button


def test_sign_up_add_an_infant_and_log_a_sound_in_three_taps(page):
    page.goto("/accounts/signup/")
    page.locator('input[name="username"]').fill("newparent")
    page.locator('input[name="email"]').fill("newparent@example.org")
    page.locator('input[type="password"]').first.fill("a long enough password 7")
    with page.expect_navigation():
        page.locator('form:has(input[name="username"]) [type="submit"]').tap()
    user = User.objects.get(username="newparent")  # web.md: sign-up also signs the user in

    page.goto("/people/new/")
    page.locator('input[name="name"]').fill("Noa")
    choice(page, "life_stage", vocab.LifeStage.INFANT).tap()
    with page.expect_navigation():
        save_button(page).tap()
    baby = Person.objects.get(caregivers__user=user, name="Noa")
    assert baby.life_stage == vocab.LifeStage.INFANT

    page.goto(f"/people/{baby.pk}/log/")
    taps = Taps()
    taps(choice(page, "body_site", vocab.BodySite.HIP))
    taps(choice(page, "sound", vocab.Sound.CLICK))
    with page.expect_navigation():
        taps(save_button(page))
    assert taps.count == 3

    event = Event.objects.get(person=baby)
    assert (event.body_site, event.sound, event.created_by_id) == ("hip", "click", user.pk)
    page.goto(f"/people/{baby.pk}/events/")
    # web.md: each event links to its edit page.
    row = page.locator("li, tr, article").filter(has=page.locator(f'a[href="/events/{event.pk}/edit/"]')).last
    expect(row).to_contain_text("Hip")
    expect(row).to_contain_text("Click")
