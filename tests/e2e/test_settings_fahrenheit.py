"""A user reading °F: a temperature typed in °F is stored in °C."""

from decimal import Decimal

from playwright.sync_api import expect

from logs import vocab
from logs.models import Event
from tests.e2e.helpers import choice, choose, reveal, save_button
from tests.factories import make_person, make_user


def test_a_temperature_typed_in_fahrenheit_is_stored_in_celsius(page, signed_in):
    parent = signed_in(make_user("parent"))
    baby = make_person(parent, name="Noa", life_stage=vocab.LifeStage.INFANT)

    page.goto("/settings/")
    form = page.locator("form", has=page.locator('[name="temperature_unit"]'))
    choose(page, "temperature_unit", vocab.TemperatureUnit.FAHRENHEIT)
    with page.expect_navigation():
        save_button(form).tap()
    parent.refresh_from_db()
    assert parent.temperature_unit == vocab.TemperatureUnit.FAHRENHEIT

    page.goto(f"/people/{baby.pk}/log/")
    choice(page, "body_site", vocab.BodySite.KNEE).tap()
    choice(page, "sound", vocab.Sound.POP).tap()
    reveal(page, "temperature")
    temperature = page.locator('input[name="temperature"]')
    # The person must see which unit they type in.
    expect(page.locator(".field", has=temperature)).to_contain_text("°F")
    temperature.fill("100.4")
    with page.expect_navigation():
        save_button(page).tap()

    event = Event.objects.get(person=baby)
    assert event.temperature_c == Decimal("38.0")
