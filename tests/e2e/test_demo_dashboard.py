"""The demo infant's dashboard: its open alert first, then its charts."""

from playwright.sync_api import expect

from alerts.models import Alert
from tests.e2e.helpers import seed_demo


def test_the_demo_infants_dashboard_shows_its_alert_and_both_charts(page, signed_in):
    demo = seed_demo()
    signed_in(demo.user)
    alert = Alert.objects.get(person=demo.infant, status="open")  # the left-hip clunk (seed 000)

    page.goto(f"/people/{demo.infant.pk}/")
    card = page.locator(f"#alert-{alert.pk}")
    expect(card).to_be_visible()
    expect(card).to_contain_text(alert.title)
    expect(card).to_contain_text("Book an appointment with a doctor or physiotherapist within days.")
    expect(page.get_by_text("Popwatch is not a diagnosis.")).to_be_visible()

    charts = page.locator("figure").filter(has=page.locator("svg"))
    expect(charts.nth(1)).to_be_visible()  # both charts (two at least)
    for chart in charts.all():
        expect(chart.locator("svg").first).to_be_visible()
    # web.md: open alerts first, then recent events, then charts.
    assert card.bounding_box()["y"] < charts.first.bounding_box()["y"]
