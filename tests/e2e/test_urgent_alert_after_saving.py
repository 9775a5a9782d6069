"""A baby not moving a limb: the page after saving says so at once, without any Celery worker."""

import re

from playwright.sync_api import expect

from alerts.models import Alert
from logs import vocab
from tests.e2e.helpers import choice, reveal, save_button
from tests.factories import make_person, make_user


def test_an_event_with_a_limb_not_moving_shows_the_urgent_alert_on_the_next_page(page, signed_in):
    parent = signed_in(make_user("parent"))
    baby = make_person(parent, name="Noa", life_stage=vocab.LifeStage.INFANT)

    page.goto(f"/people/{baby.pk}/log/")
    choice(page, "body_site", vocab.BodySite.HIP).tap()
    choice(page, "sound", vocab.Sound.CLICK).tap()
    reveal(page, "signs")
    choice(page, "signs", vocab.Sign.LIMB_NOT_MOVING).tap()
    with page.expect_navigation():
        save_button(page).tap()

    # Tests use an in-memory broker and no worker runs: the alert comes from the save itself.
    alert = page.get_by_role("alert").filter(has_text="Have a doctor look today.")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(re.compile("not moving a limb", re.IGNORECASE))  # what was noticed
    stored = Alert.objects.get(person=baby)
    assert (stored.rule, stored.urgency) == ("limb_not_moving", vocab.Urgency.URGENT)
