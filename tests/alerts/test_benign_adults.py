"""rules.md "Benign histories must stay quiet", for children and adults: across every registered rule,
nothing above `tip` (and the child/adult rules say nothing at all).
"""

import itertools

import pytest

from alerts.rules import RULES, adults
from logs.vocab import LEG_RAISE_EXERCISES, Urgency
from tests.alerts.builder import HistoryBuilder

ADULT_RULES = {code for code, rule in RULES.items() if rule.check.__module__ == adults.__name__}

# Where leg raises pop, painlessly (seed 001): the iliopsoas tendon at the hip, facet joints at the lower back.
LEG_RAISE_POPS = [
    {"body_site": "hip", "side": "left", "sound": "snap"},
    {"body_site": "hip", "side": "right", "sound": "pop"},
    {"body_site": "lower_back", "side": "midline", "sound": "pop"},
    {"body_site": "hip", "side": "left", "sound": "click", "pain": 0},
]


def exerciser_with_clean_leg_raises(b, exercises, weeks=3):
    """Leg raises four evenings a week for ``weeks`` weeks, full range, pelvic tilt held, one to three
    painless pops at the hip or lower back each time; and a knee that cracks when getting up."""
    pops = itertools.cycle(LEG_RAISE_POPS)
    exercise = itertools.cycle(exercises)
    for days_ago in range(7 * weeks - 1, -1, -1):
        if days_ago % 7 in (1, 3, 5, 6):
            events = [next(pops) for _ in range(1 + days_ago % 3)]
            b.workout_with_events(
                days_ago, 5, exercise=next(exercise), range_of_motion="full", pelvic_tilt_held=True, events=events,
            )
        if days_ago % 4 == 0:
            b.event(days_ago, 10, body_site="knee", side="right", sound="crack", activity="getting_up")


def back_cracker(b, pains_by_days_ago):
    """Cracks the back on purpose on a few days of one week, with pain of 2 at most."""
    for n, (days_ago, pain) in enumerate(pains_by_days_ago.items()):
        b.event(
            days_ago, 3 + n, body_site=("lower_back", "upper_back")[n % 2], side="midline", sound="crack",
            activity="self_manipulation", pain=pain, pain_quality="ache" if pain else None,
        )


BENIGN = {
    "straight leg raises for 3 weeks": lambda b: exerciser_with_clean_leg_raises(b, ["straight_leg_raise"]),
    "every leg raise, 3 weeks": lambda b: exerciser_with_clean_leg_raises(b, sorted(LEG_RAISE_EXERCISES)),
    "hanging leg raises for 2 weeks": lambda b: exerciser_with_clean_leg_raises(b, ["hanging_leg_raise"], weeks=2),
    "back cracked on 3 days, pain 0 to 2": lambda b: back_cracker(b, {5: 1, 3: 2, 0: 0}),
    "back cracked on 4 days, pain 2": lambda b: back_cracker(b, {5: 2, 4: 2, 2: 2, 1: 2}),
    "back cracked on 6 days, pain 1 to 2": lambda b: back_cracker(b, {5: 1, 4: 2, 3: 2, 2: 1, 1: 2, 0: 2}),
}


@pytest.mark.parametrize("timezone", ["UTC", "America/Los_Angeles", "Pacific/Auckland"])
@pytest.mark.parametrize("life_stage", ["child", "adult"])
@pytest.mark.parametrize("history", BENIGN)
def test_benign_history_raises_nothing_above_a_tip(history, life_stage, timezone):
    b = HistoryBuilder(life_stage=life_stage, timezone=timezone)
    BENIGN[history](b)
    raised = [(f.rule, f.urgency) for rule in RULES.values() for f in rule.check(b.history())]
    assert [r for r in raised if r[1] != Urgency.TIP] == []
    assert [r for r in raised if r[0] in ADULT_RULES] == []
