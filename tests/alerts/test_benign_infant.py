"""rules.md, "Benign histories must stay quiet": an infant with painless pops and clicks when picked
up or changed, daily for weeks, no signs, raises nothing above `tip`, across every registered rule."""

from datetime import timedelta

import pytest

from alerts.rules import RULES
from tests.alerts.builder import NOW, HistoryBuilder, add_everyday_infant_log

BABIES = {
    "boy, 6 weeks": dict(sex="male", birth_date=NOW.date() - timedelta(days=42)),
    "birth date unknown": dict(sex="unspecified"),
    "girl, 5 months, New York": dict(sex="female", birth_date=NOW.date() - timedelta(days=150), timezone="America/New_York"),
    "breech first-born, 10 weeks, Tokyo": dict(
        sex="male", risk_factors=["breech", "first_born"], birth_date=NOW.date() - timedelta(days=70), timezone="Asia/Tokyo"
    ),
    "girl, hips checked": dict(sex="female", hip_check_done=True, birth_date=NOW.date() - timedelta(days=60)),
}


def everyday_baby(**person):
    builder = HistoryBuilder(life_stage="infant", **person)
    add_everyday_infant_log(builder, days=21)
    return builder


def all_findings(builder):
    history = builder.history()
    return [finding for rule in RULES.values() for finding in rule.check(history)]


def test_the_everyday_log_is_what_the_story_says():
    events = everyday_baby().events
    days = {e.occurred_at.date() for e in events}
    assert len(days) == 21 and len(events) >= 5 * 21
    assert {e.body_site for e in events} >= {"hip", "knee", "lower_back", "upper_back"}
    assert {e.activity for e in events} >= {"picked_up", "diaper_change"}
    assert all(e.is_pop and e.is_painless and not e.signs and not e.has_fever for e in events)


@pytest.mark.parametrize("person", BABIES.values(), ids=BABIES.keys())
def test_painless_everyday_pops_raise_nothing_above_a_tip(person):
    assert [f for f in all_findings(everyday_baby(**person)) if f.urgency != "tip"] == []


def test_without_a_hip_risk_factor_they_raise_nothing_at_all():
    assert all_findings(everyday_baby(**BABIES["boy, 6 weeks"])) == []


def test_with_a_hip_risk_factor_the_clicks_raise_only_the_hip_click_tip():
    found = all_findings(everyday_baby(**BABIES["girl, 5 months, New York"]))
    assert {(f.rule, f.urgency, f.body_site, f.side) for f in found} == {
        ("hip_click_risk_factors", "tip", "hip", "left"),
        ("hip_click_risk_factors", "tip", "hip", "right"),
    }
