"""The child/adult rules of rules.md: a realistic history that fires each one, and the near misses that must not.

NOW is Monday 15 Jun 2026, 12:00 UTC; the builder counts times back from it.
"""

import ast
import sys
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.rules import RULES, adults
from alerts.rules.base import message_params
from tests.alerts.builder import NOW, HistoryBuilder, evidence_ids, findings, only

ADULT_RULES = [
    "painful_pop",
    "rising_pain",
    "pops_despite_reduced_rom",
    "arching_during_leg_raise",
    "cauda_equina_signs",
    "progressive_leg_weakness",
    "back_pain_with_fever",
    "radiating_leg_pain",
    "back_pain_beyond_a_week",
]



def back_pain(b, days_ago, pain, hours_ago=2, **fields):
    """A lower-back check-in: the usual way people log an aching back."""
    fields = {"body_site": "lower_back", "side": "midline", "sound": "none", "activity": "at_rest", **fields}
    return b.event(days_ago, hours_ago, pain=pain, **fields)


def back_pain_on(b, pains_by_days_ago, **fields):
    return [back_pain(b, days_ago, pain, **fields) for days_ago, pain in pains_by_days_ago.items()]


def leg_raises(b, days_ago, pops=({},), **workout):
    """An evening leg-raise workout with the pops logged during it (each painless at the lower back unless said)."""
    workout = {"range_of_motion": "full", "pelvic_tilt_held": True, **workout}
    pops = [{"body_site": "lower_back", "side": "midline", "sound": "pop", **pop} for pop in pops]
    return b.workout_with_events(days_ago, 18, events=pops, **workout)[1]


# --- One realistic firing history per rule ---------------------------------------------------------------


@dataclass
class Expected:
    urgency: str
    evidence: list
    body_site: str = ""
    side: str = ""


def sharp_pop_during_lunges(b):
    b.event(9, body_site="knee", side="right", sound="click", activity="walking")
    pop = b.event(2, 3, body_site="knee", side="right", sound="pop", activity="exercise", pain=3, pain_quality="sharp")
    b.event(1, body_site="knee", side="left", sound="crack", activity="getting_up", pain=1)
    return Expected("tip", [pop], "knee", "right")


def shoulder_pain_creeping_up(b):
    earlier = [
        b.event(days_ago, body_site="shoulder", side="right", sound=sound, activity="exercise", pain=pain)
        for days_ago, sound, pain in [(18, "click", 2), (14, "none", 0), (12, "click", 2), (9, "click", 1)]
    ]
    recent = [
        b.event(days_ago, body_site="shoulder", side="right", sound=sound, activity="exercise", pain=pain)
        for days_ago, sound, pain in [(6, "click", 3), (4, "none", 4), (2, "click", 3), (1, "click", 4)]
    ]
    b.event(3, body_site="shoulder", side="right", sound="click", activity="exercise")  # no pain score
    b.event(2, body_site="shoulder", side="left", sound="click", activity="exercise", pain=6)
    return Expected("soon", earlier + recent, "shoulder", "right")


def pops_at_a_shorter_range(b):
    leg_raises(b, 12)  # full range: not counted
    evidence = leg_raises(b, 8, range_of_motion="reduced")
    evidence += leg_raises(b, 5, range_of_motion="minimal", pops=[{"body_site": "hip", "side": "left", "pain": 0}, {}])
    evidence += leg_raises(b, 2, exercise="hanging_leg_raise", range_of_motion="reduced", pops=[{"sound": "click"}])
    return Expected("tip", evidence)


def back_arching_on_straight_leg_raises(b):
    leg_raises(b, 6, exercise="hanging_leg_raise", pops=[{"body_site": "hip", "side": "left"}])
    lower_back, _knee = leg_raises(
        b, 3, pelvic_tilt_held=False, pops=[{}, {"body_site": "knee", "side": "right", "sound": "crack"}]
    )
    (hip,) = leg_raises(b, 1, pelvic_tilt_held=False, pops=[{"body_site": "hip", "side": "right", "sound": "snap"}])
    return Expected("tip", [lower_back, hip])


def numbness_down_both_legs(b):
    back_pain(b, 2, 4)
    numb = back_pain(b, 0, 6, radiates="both_legs", signs=["numbness"])
    return Expected("emergency", [numb])


def weakness_on_two_days(b):
    back_pain(b, 6, 3)
    weak = [back_pain(b, 5, 3, signs=["weakness"]), back_pain(b, 1, 4, signs=["weakness"], activity="walking")]
    return Expected("urgent", weak)


def back_pain_then_a_fever(b):
    b.event(4, body_site="other", sound="none", temperature_c=37.2)
    ache = back_pain(b, 2, 5)
    fever = b.event(1, 8, body_site="other", sound="none", temperature_c=38.6, signs=["unwell"])
    return Expected("urgent", [ache, fever])


def crack_with_pain_down_one_leg(b):
    back_pain(b, 5, 2)
    crack = b.event(3, body_site="lower_back", side="midline", sound="crack", activity="self_manipulation",
                    pain=4, radiates="one_leg")
    return Expected("soon", [crack])


def back_pain_not_easing(b):
    evidence = back_pain_on(b, {10: 4, 8: 5, 6: 4, 4: 5, 2: 4, 1: 5})
    back_pain(b, 3, 0)  # a good day: pain 0 is not back pain
    b.event(5, body_site="neck", side="midline", sound="crack", pain=6)
    return Expected("soon", evidence)


FIRES = {
    "painful_pop": sharp_pop_during_lunges,
    "rising_pain": shoulder_pain_creeping_up,
    "pops_despite_reduced_rom": pops_at_a_shorter_range,
    "arching_during_leg_raise": back_arching_on_straight_leg_raises,
    "cauda_equina_signs": numbness_down_both_legs,
    "progressive_leg_weakness": weakness_on_two_days,
    "back_pain_with_fever": back_pain_then_a_fever,
    "radiating_leg_pain": crack_with_pain_down_one_leg,
    "back_pain_beyond_a_week": back_pain_not_easing,
}


def assert_finding(found, code, expected):
    assert (found.rule, found.urgency, found.body_site, found.side) == (
        code, expected.urgency, expected.body_site, expected.side,
    )
    assert evidence_ids(found) == sorted(e.id for e in expected.evidence)


@pytest.mark.parametrize("life_stage", ["child", "adult"])
@pytest.mark.parametrize("code", ADULT_RULES)
def test_fires_on_a_realistic_history(code, life_stage):
    b = HistoryBuilder(life_stage=life_stage)
    expected = FIRES[code](b)
    assert_finding(only(code, b), code, expected)


@pytest.mark.parametrize("code", ADULT_RULES)
def test_silent_for_an_infant_with_the_same_signs(code):
    b = HistoryBuilder(life_stage="infant", birth_date=NOW.date() - timedelta(days=200))
    FIRES[code](b)
    assert findings(code, b) == []


@pytest.mark.parametrize("code", ADULT_RULES)
def test_message_reads_as_plain_words(code):
    b = HistoryBuilder()
    FIRES[code](b)
    history = b.history()
    found = only(code, b)
    message = RULES[code].message.format(**message_params(history, found))
    assert "{" not in message and "  " not in message and message.endswith(".")


def test_messages_say_what_was_noticed():
    said = {}
    for code in ADULT_RULES:
        b = HistoryBuilder()
        FIRES[code](b)
        said[code] = RULES[code].message.format(**message_params(b.history(), only(code, b)))
    assert said == {
        "painful_pop": "A pop with pain was logged at the right knee on 13 Jun.",
        "rising_pain": "Pain at the right shoulder averaged 3.5 out of 10 over the last 7 days, "
                       "up from 1.2 in the 14 days before.",
        "pops_despite_reduced_rom": "Painless pops were logged in 3 leg-raise workouts with a shorter range, "
                                    "on 3 days from 6 Jun to 12 Jun.",
        "arching_during_leg_raise": "A pop at the hip or lower back was logged during leg raises without "
                                    "the pelvic tilt held, on 2 days from 11 Jun to 13 Jun.",
        "cauda_equina_signs": "Logged on 15 Jun: numbness with symptoms down both legs.",
        "progressive_leg_weakness": "Logged on 2 days from 10 Jun to 14 Jun: weakness.",
        "back_pain_with_fever": "Back pain was logged on 2 days from 13 Jun to 14 Jun, "
                                "with a temperature of 38.6 °C within 48 hours.",
        "radiating_leg_pain": "Logged on 12 Jun: symptoms down one leg.",
        "back_pain_beyond_a_week": "Back pain logged on 6 days from 5 Jun to 14 Jun, not improving.",
    }


TIERS = {
    "painful_pop": ("soon", ("tip", "soon"), False),
    "rising_pain": ("soon", ("soon",), False),
    "pops_despite_reduced_rom": ("tip", ("tip",), False),
    "arching_during_leg_raise": ("tip", ("tip",), False),
    "cauda_equina_signs": ("emergency", ("emergency",), True),
    "progressive_leg_weakness": ("urgent", ("urgent",), True),
    "back_pain_with_fever": ("urgent", ("urgent",), True),
    "radiating_leg_pain": ("soon", ("soon",), False),
    "back_pain_beyond_a_week": ("soon", ("soon",), False),
}


def test_adults_module_registers_exactly_the_child_and_adult_rules():
    assert {code for code, rule in RULES.items() if rule.check.__module__ == adults.__name__} == set(ADULT_RULES)


@pytest.mark.parametrize("code", ADULT_RULES)
def test_registered_with_the_tiers_and_source_of_rules_md(code):
    registered = RULES[code]
    assert (registered.urgency, registered.tiers, registered.immediate) == TIERS[code]
    docstring = " ".join(registered.check.__doc__.split())
    assert f"Source: {registered.source}" in docstring
    assert all((registered.title, registered.description, registered.advice))


def test_rules_module_imports_no_orm():
    tree = ast.parse(Path(adults.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    outside = {
        name for name in imported
        if name and name != "logs.vocab" and name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith(("base", "registry"))
    }
    assert outside == set()


# --- Near misses: one per way a history can fall just short ------------------------------------------------


def painful(b, days_ago, **fields):
    fields = {"body_site": "hip", "side": "left", "sound": "pop", "activity": "exercise", **fields}
    return b.event(days_ago, **fields)


def hip_pains(b, pains_by_days_ago, **fields):
    return [painful(b, days_ago, pain=pain, **fields) for days_ago, pain in pains_by_days_ago.items()]


def reduced_range_workouts(b, days_ago, pop=None, **workout):
    return [leg_raises(b, d, pops=[pop or {}], **{"range_of_motion": "reduced", **workout}) for d in days_ago]


def temperature(b, days_ago, hours_ago, celsius):
    return b.event(days_ago, hours_ago, body_site="other", sound="none", temperature_c=celsius)


NEAR_MISSES = {
    # painful_pop
    "pop with an ache of 3": ("painful_pop", lambda b: painful(b, 1, pain=3, pain_quality="ache")),
    "grinding with sharp pain": ("painful_pop", lambda b: painful(b, 1, sound="grinding", pain_quality="sharp")),
    "clunk with pain 5": ("painful_pop", lambda b: painful(b, 1, sound="clunk", pain=5)),
    "sharp pain without a sound": ("painful_pop", lambda b: painful(b, 1, sound="none", pain=6, pain_quality="sharp")),
    # rising_pain
    "rising pain with only 2 events in the last 7 days": (
        "rising_pain", lambda b: hip_pains(b, {15: 1, 12: 1, 9: 1, 4: 6, 1: 6})),
    "rising pain with only 2 events in the 14 days before": (
        "rising_pain", lambda b: hip_pains(b, {15: 1, 9: 1, 5: 6, 3: 6, 1: 6})),
    "rising pain with one event unscored": (
        "rising_pain", lambda b: hip_pains(b, {15: 1, 12: 1, 9: 1, 5: 6, 3: None, 1: 6})),
    "pain rising by less than 2 points": (
        "rising_pain", lambda b: hip_pains(b, {15: 2, 12: 2, 9: 2, 5: 4, 3: 3, 1: 4})),
    "rising pain split across the two hips": (
        "rising_pain", lambda b: [hip_pains(b, {15: 1, 12: 1, 9: 1}), hip_pains(b, {5: 6, 3: 6, 1: 6}, side="right")]),
    "the earlier low scores older than 21 days": (
        "rising_pain", lambda b: hip_pains(b, {25: 1, 23: 1, 15: 1, 5: 6, 3: 6, 1: 6})),
    # pops_despite_reduced_rom
    "reduced range on only 2 workouts": ("pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (6, 2))),
    "3 pops in only 2 reduced-range workouts": (
        "pops_despite_reduced_rom",
        lambda b: [leg_raises(b, 6, range_of_motion="reduced", pops=[{}, {}]), reduced_range_workouts(b, [2])]),
    "pops not linked to a workout": (
        "pops_despite_reduced_rom",
        lambda b: [b.event(d, body_site="lower_back", sound="pop", activity="leg_raise") for d in (9, 6, 2)]),
    "reduced-range pops with pain 2": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (9, 6, 2), {"pain": 2})),
    "reduced-range pops with an ache": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (9, 6, 2), {"pain_quality": "ache"})),
    "reduced-range pops after which a child cried": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (9, 6, 2), {"signs": ["cried"]})),
    "full-range workouts": ("pops_despite_reduced_rom", lambda b: [leg_raises(b, d) for d in (9, 6, 2)]),
    "reduced range on another exercise": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (9, 6, 2), exercise="other")),
    "3 reduced-range workouts over 17 days": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (20, 11, 3))),
    "grinding at a reduced range": (
        "pops_despite_reduced_rom", lambda b: reduced_range_workouts(b, (9, 6, 2), {"sound": "grinding"})),
    # arching_during_leg_raise
    "pelvic tilt not recorded": ("arching_during_leg_raise", lambda b: leg_raises(b, 1, pelvic_tilt_held=None)),
    "pelvic tilt held": ("arching_during_leg_raise", lambda b: leg_raises(b, 1, pelvic_tilt_held=True)),
    "pop at the knee without the tilt": (
        "arching_during_leg_raise", lambda b: leg_raises(b, 1, pelvic_tilt_held=False, pops=[{"body_site": "knee"}])),
    "grinding at the lower back without the tilt": (
        "arching_during_leg_raise", lambda b: leg_raises(b, 1, pelvic_tilt_held=False, pops=[{"sound": "grinding"}])),
    "tilt not held on another exercise": (
        "arching_during_leg_raise", lambda b: leg_raises(b, 1, exercise="other", pelvic_tilt_held=False)),
    "lower-back pop during leg raises not linked to a workout": (
        "arching_during_leg_raise", lambda b: b.event(1, body_site="lower_back", sound="pop", activity="leg_raise")),
    # cauda_equina_signs
    "numbness down one leg": (
        "cauda_equina_signs", lambda b: back_pain(b, 1, 5, radiates="one_leg", signs=["numbness"])),
    "pain down both legs with tingling": (
        "cauda_equina_signs", lambda b: back_pain(b, 1, 5, radiates="both_legs", signs=["tingling"])),
    "both legs and numbness on different events": (
        "cauda_equina_signs",
        lambda b: [back_pain(b, 1, 5, radiates="both_legs"), back_pain(b, 0, 5, signs=["numbness", "weakness"])]),
    # progressive_leg_weakness
    "weakness twice on one day": (
        "progressive_leg_weakness", lambda b: [back_pain(b, 2, 3, hours_ago=h, signs=["weakness"]) for h in (9, 2)]),
    "weakness 8 days apart": (
        "progressive_leg_weakness", lambda b: [back_pain(b, d, 3, signs=["weakness"]) for d in (9, 1)]),
    # back_pain_with_fever
    "a fever 49 h after the back pain": (
        "back_pain_with_fever", lambda b: [back_pain(b, 3, 5, hours_ago=0), temperature(b, 0, 23, 38.5)]),
    "a fever 49 h before the back pain": (
        "back_pain_with_fever", lambda b: [temperature(b, 3, 1, 38.5), back_pain(b, 1, 5, hours_ago=0)]),
    "back pain with 37.9 °C": ("back_pain_with_fever", lambda b: back_pain(b, 1, 5, temperature_c=37.9)),
    "neck pain with a fever": (
        "back_pain_with_fever", lambda b: back_pain(b, 1, 5, body_site="neck", temperature_c=38.5)),
    "a fever and a painless back": ("back_pain_with_fever", lambda b: back_pain(b, 1, 0, temperature_c=38.5)),
    "a fall with no back pain scored": (
        "back_pain_with_fever", lambda b: back_pain(b, 1, None, signs=["recent_trauma"])),
    "a fall with knee pain": (
        "back_pain_with_fever", lambda b: back_pain(b, 1, 5, body_site="knee", signs=["recent_trauma"])),
    "a fall and back pain on different events": (
        "back_pain_with_fever",
        lambda b: [back_pain(b, 2, None, body_site="knee", signs=["recent_trauma"]), back_pain(b, 1, 5)]),
    # radiating_leg_pain
    "numbness at the neck": (
        "radiating_leg_pain", lambda b: back_pain(b, 1, 3, body_site="neck", sound="crack", signs=["numbness"])),
    "tingling at the knee": (
        "radiating_leg_pain", lambda b: back_pain(b, 1, None, body_site="knee", signs=["tingling"])),
    "pain down the arm": ("radiating_leg_pain", lambda b: back_pain(b, 1, 4, body_site="neck", radiates="arm")),
    "back pain that stays put": ("radiating_leg_pain", lambda b: back_pain(b, 1, 6)),
    # back_pain_beyond_a_week (all newest within 48 h unless said otherwise)
    "back pain over 6 days": ("back_pain_beyond_a_week", lambda b: back_pain_on(b, {6: 5, 4: 5, 2: 5, 0: 5})),
    "back pain improving over 9 days": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {8: 6, 7: 6, 6: 5, 4: 4, 3: 3, 1: 2, 0: 2})),
    "back pain exactly 1 point better": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {9: 5, 8: 5, 7: 5, 2: 4, 1: 4, 0: 4})),
    "back pain whose newest is 3 days old": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {12: 4, 10: 5, 8: 4, 6: 5, 3: 5})),
    "pain 7 or more on 3 days, not consecutive": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {4: 8, 2: 8, 0: 9})),
    "pain 7 or more on 3 consecutive days ending 3 days ago": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {5: 8, 4: 8, 3: 9})),
    "neck pain over 10 days": (
        "back_pain_beyond_a_week", lambda b: back_pain_on(b, {10: 5, 7: 5, 4: 5, 1: 5}, body_site="neck")),
}


@pytest.mark.parametrize("case", NEAR_MISSES)
def test_near_miss_stays_silent(case):
    code, build = NEAR_MISSES[case]
    b = HistoryBuilder()
    build(b)
    assert findings(code, b) == []


# --- painful_pop ----------------------------------------------------------------------------------------------


def test_painful_pop_escalates_from_tip_to_soon_at_the_same_site_and_side():
    b = HistoryBuilder()
    first = painful(b, 9, pain=5)
    assert (only("painful_pop", b).urgency, evidence_ids(only("painful_pop", b))) == ("tip", [first.id])

    again = painful(b, 2, pain_quality="shooting")
    found = only("painful_pop", b)
    assert (found.urgency, found.body_site, found.side) == ("soon", "hip", "left")
    assert evidence_ids(found) == [first.id, again.id]


def test_painful_pop_keeps_an_older_painful_pop_as_evidence_when_it_turns_soon():
    b = HistoryBuilder()
    pops = [painful(b, 20, pain=5), painful(b, 4, pain=4), painful(b, 1, pain_quality="stinging")]
    found = only("painful_pop", b)
    assert (found.urgency, evidence_ids(found)) == ("soon", [p.id for p in pops])


def test_painful_pop_counts_each_site_and_side_apart():
    b = HistoryBuilder()
    left, right = painful(b, 5, pain=4), painful(b, 2, side="right", pain=4)
    found = {(f.body_site, f.side): (f.urgency, evidence_ids(f)) for f in findings("painful_pop", b)}
    assert found == {("hip", "left"): ("tip", [left.id]), ("hip", "right"): ("tip", [right.id])}


def test_painful_pops_15_days_apart_stay_a_tip():
    b = HistoryBuilder()
    pops = [painful(b, 17, pain=6), painful(b, 2, pain=6)]
    found = only("painful_pop", b)
    assert (found.urgency, evidence_ids(found)) == ("tip", [p.id for p in pops])


@pytest.mark.parametrize(
    "timezone, urgency",
    [("UTC", "tip"), ("America/New_York", "soon")],  # 03:00 and 05:00 UTC are 23:00 and 01:00 in New York
)
def test_painful_pop_days_are_the_owners_calendar_days(timezone, urgency):
    b = HistoryBuilder(timezone=timezone)
    painful(b, 1, hours_ago=9, pain=5)
    painful(b, 1, hours_ago=7, pain=5)
    assert only("painful_pop", b).urgency == urgency


# --- rising_pain ----------------------------------------------------------------------------------------------


def test_rising_pain_counts_zero_scores_and_fires_at_exactly_2_points():
    b = HistoryBuilder()
    events = [painful(b, d, pain=p) for d, p in {16: 0, 11: 1, 8: 2, 5: 3, 3: 3, 0: 3}.items()]
    found = only("rising_pain", b)
    assert (found.urgency, found.body_site, found.side) == ("soon", "hip", "left")
    assert evidence_ids(found) == [e.id for e in events]
    assert found.params == {"recent": "3", "earlier": "1"}


# --- cauda_equina_signs and radiating_leg_pain ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"signs": ["saddle_numbness"]},
        {"signs": ["bladder_bowel_change"], "pain": None},
        {"radiates": "both_legs", "signs": ["numbness"]},
        {"radiates": "both_legs", "signs": ["weakness"]},
    ],
    ids=["saddle numbness", "bladder or bowel change", "both legs with numbness", "both legs with weakness"],
)
def test_cauda_equina_signs_on_one_event_is_an_emergency(fields):
    b = HistoryBuilder()
    back_pain(b, 3, 4)
    event = back_pain(b, 0, **{"pain": 5, **fields})
    found = only("cauda_equina_signs", b)
    assert (found.urgency, found.body_site, found.side, evidence_ids(found)) == ("emergency", "", "", [event.id])


def test_radiating_leg_pain_leaves_a_cauda_equina_event_to_the_emergency_alert():
    b = HistoryBuilder()
    emergency = back_pain(b, 2, 6, radiates="both_legs", signs=["numbness"])
    assert evidence_ids(only("cauda_equina_signs", b)) == [emergency.id]
    assert findings("radiating_leg_pain", b) == []

    later = back_pain(b, 0, 4, radiates="one_leg")
    assert evidence_ids(only("radiating_leg_pain", b)) == [later.id]


@pytest.mark.parametrize(
    "fields",
    [
        {"body_site": "lower_back", "radiates": "one_leg", "pain": 3},
        {"body_site": "hip", "radiates": "both_legs", "pain": 5},
        {"body_site": "upper_back", "signs": ["numbness"]},
        {"body_site": "lower_back", "signs": ["tingling"], "sound": "crack", "activity": "self_manipulation"},
    ],
    ids=["one leg", "both legs, no numbness or weakness", "numbness at the upper back", "tingling at the lower back"],
)
def test_radiating_leg_pain_fires_per_person(fields):
    b = HistoryBuilder()
    event = b.event(1, **{"sound": "none", "side": "midline", **fields})
    found = only("radiating_leg_pain", b)
    assert (found.urgency, found.body_site, found.side, evidence_ids(found)) == ("soon", "", "", [event.id])


# --- progressive_leg_weakness and back_pain_with_fever ------------------------------------------------------


def test_foot_drop_on_one_event_is_urgent():
    b = HistoryBuilder()
    back_pain(b, 4, 3, signs=["weakness"])
    drop = b.event(0, body_site="ankle", side="left", sound="none", activity="walking", signs=["foot_drop"])
    found = only("progressive_leg_weakness", b)
    assert (found.urgency, evidence_ids(found), found.params) == ("urgent", [drop.id], {"noticed": "foot drop"})


@pytest.mark.parametrize(
    "build, evidence",
    [
        (lambda b: [back_pain(b, 0, 5, temperature_c=38.0)], [0]),
        (lambda b: [b.event(1, 23, body_site="other", sound="none", temperature_c=39.1), back_pain(b, 0, 3)], [0, 1]),
        (lambda b: [back_pain(b, 0, 2, body_site="upper_back", signs=["recent_trauma"])], [0]),
    ],
    ids=["fever on the same event", "fever 47 h before", "after a fall"],
)
def test_back_pain_with_fever_or_trauma_is_urgent(build, evidence):
    b = HistoryBuilder()
    events = build(b)
    found = only("back_pain_with_fever", b)
    assert (found.urgency, found.body_site, found.side) == ("urgent", "", "")
    assert evidence_ids(found) == sorted(events[n].id for n in evidence)


# --- back_pain_beyond_a_week ----------------------------------------------------------------------------------


def test_back_pain_at_7_or_more_on_3_consecutive_days():
    b = HistoryBuilder()
    back_pain(b, 3, 4)
    severe = back_pain_on(b, {2: 8, 1: 7, 0: 9})
    found = only("back_pain_beyond_a_week", b)
    assert (found.urgency, evidence_ids(found)) == ("soon", [e.id for e in severe])
    assert found.params == {"how": "at 7 or more out of 10 on consecutive days"}


def test_back_pain_not_improving_fires_at_just_under_1_point_better():
    b = HistoryBuilder()
    events = back_pain_on(b, {9: 5, 8: 5, 7: 5, 2: 4, 1: 4, 0: 5})
    assert evidence_ids(only("back_pain_beyond_a_week", b)) == [e.id for e in events]


def test_back_pain_beyond_a_week_is_found_by_the_sweep_until_the_newest_is_48_h_old():
    b = HistoryBuilder()
    back_pain_on(b, {9: 4, 7: 5, 4: 4, 0: 5}, hours_ago=0)
    check = RULES["back_pain_beyond_a_week"].check
    for hours_later, fires in [(0, True), (47, True), (48, True), (49, False)]:
        history = replace(b.history(), now=NOW + timedelta(hours=hours_later))
        assert bool(list(check(history))) is fires, hours_later


@pytest.mark.parametrize(
    "timezone, fires",
    # 16:00, 14:00 and 10:00 UTC on 13, 14 and 15 Jun fall on 14, 14 and 15 Jun in Tokyo.
    [("UTC", True), ("Asia/Tokyo", False)],
)
def test_consecutive_days_are_the_owners_calendar_days(timezone, fires):
    b = HistoryBuilder(timezone=timezone)
    for days_ago, hours_ago in [(1, 20), (0, 22), (0, 2)]:
        back_pain(b, days_ago, 8, hours_ago=hours_ago)
    assert bool(findings("back_pain_beyond_a_week", b)) is fires
