"""Rules for children and adults (rules.md): pops with pain, leg-raise technique, back pain, nerve signs.

rules.md gives infants their own rules, so every rule here is silent for them.
"""

from datetime import timedelta
from fractions import Fraction

from logs.vocab import BodySite, PainQuality, Radiates, RangeOfMotion, Sign, Urgency

from .base import (
    WINDOW, Finding, by_site_and_side, distinct_days, evidence_of, fever_words, fevers_near, listed, sign_words,
    windows_with,
)
from .registry import CHILDREN_AND_ADULTS, rule

SHARP_PAIN = frozenset({PainQuality.SHARP, PainQuality.SHOOTING, PainQuality.STINGING})
PAINFUL_POP_PAIN = 4
SEVERE_BACK_PAIN = 7
REDUCED_RANGES = frozenset({RangeOfMotion.REDUCED, RangeOfMotion.MINIMAL})
ARCHING_SITES = frozenset({BodySite.LOWER_BACK, BodySite.HIP})
DOWN_THE_LEGS = frozenset({Radiates.ONE_LEG, Radiates.BOTH_LEGS})
LEG_WEAKNESS_SIGNS = frozenset({Sign.WEAKNESS, Sign.FOOT_DROP})
RECENT = timedelta(hours=48)



def _leg_raise_workout(history, event):
    """The leg-raise workout ``event`` was logged during, or None."""
    workout = history.workout_of(event)
    return workout if workout is not None and workout.is_leg_raise else None


def _back_pain(events):
    return [e for e in events if e.at_back and (e.pain or 0) >= 1]


def _mean(values):
    values = list(values)
    return Fraction(sum(values), len(values))


def _points(value):
    """A mean pain score as people write it: 4.7, 3."""
    return f"{float(value):.1f}".removesuffix(".0")


def _listed_once(phrases):
    """Phrases as a plain list, each once, in order: "a, b and c"."""
    return listed(dict.fromkeys(phrases))


@rule(
    code="painful_pop",
    urgency=Urgency.SOON,
    also=(Urgency.TIP,),
    title="Pop with pain",
    description=(
        "A pop, click, crack or snap with sharp, shooting or stinging pain, or pain of 4 or more out of 10. "
        "Once: stop the exercise. On 2 or more days within 14 days at the same place: book a check."
    ),
    message="A pop with pain was logged at the {where} {when}.",
    advice=(
        "Stop the exercise that brought it on and let the joint settle; a pop that hurts is a sign to ease off. "
        "If pops with pain keep coming back at the same place, book an appointment with a doctor or "
        "physiotherapist within days."
    ),
    who=CHILDREN_AND_ADULTS,
    source="seed 001",
)
def painful_pop(history):
    """rules.md: a pop with `pain_quality` `sharp`, `shooting` or `stinging`, or `pain` ≥ 4:
    first day → `tip` (stop the exercise); on ≥ 2 days within 14 days at the same site and
    side → `soon` (P). Alert per site+side. Source: seed 001.
    """
    painful = [
        e for e in history.events
        if e.is_pop and (e.pain_quality in SHARP_PAIN or (e.pain or 0) >= PAINFUL_POP_PAIN)
    ]
    # Every painful pop meets the trigger (tip); a second day within 14 days only raises the tier.
    for (site, side), pops in by_site_and_side(painful).items():
        repeated = windows_with(history, pops, span_days=14, min_days=2)
        yield Finding("painful_pop", Urgency.SOON if repeated else Urgency.TIP, tuple(pops), site, side)


@rule(
    code="rising_pain",
    urgency=Urgency.SOON,
    title="Pain is rising",
    description=(
        "At one place, the average pain of the last 7 days is 2 or more points above the average of the "
        "14 days before, with at least 3 pain scores in each period."
    ),
    message=(
        "Pain at the {where} averaged {recent} out of 10 over the last 7 days, "
        "up from {earlier} in the 14 days before."
    ),
    advice=(
        "Pain that keeps increasing is worth a professional's look: book an appointment with a doctor or "
        "physiotherapist within days. Until then, ease off the movements that bring it on."
    ),
    who=CHILDREN_AND_ADULTS,
    source='seed 001 ("new or increasing discomfort")',
)
def rising_pain(history):
    """rules.md: at one site and side, the mean `pain` of events in the last 7 days is ≥ 2 points
    above the mean of the 14 days before, each window with ≥ 3 events with a pain score (0 counts)
    (P). Alert per site+side. Source: seed 001 ("new or increasing discomfort").
    """
    recent_start = history.now - timedelta(days=7)
    scored = [e for e in history.since(WINDOW.days) if e.pain is not None]
    for (site, side), events in by_site_and_side(scored).items():
        recent = [e for e in events if e.occurred_at > recent_start]
        earlier = [e for e in events if e.occurred_at <= recent_start]
        if len(recent) < 3 or len(earlier) < 3:
            continue
        recent_mean, earlier_mean = _mean(e.pain for e in recent), _mean(e.pain for e in earlier)
        if recent_mean - earlier_mean >= 2:
            params = {"recent": _points(recent_mean), "earlier": _points(earlier_mean)}
            yield Finding("rising_pain", Urgency.SOON, tuple(events), site, side, params)


@rule(
    code="pops_despite_reduced_rom",
    urgency=Urgency.TIP,
    title="Pops even with a shorter range",
    description=(
        "Painless pops during leg raises done with a reduced or minimal range, in 3 or more workouts within 14 days."
    ),
    message="Painless pops were logged in {workouts} leg-raise workouts with a shorter range, {when}.",
    advice=(
        "These pops are most likely harmless. To take load off the lower back, switch to bent-knee leg raises "
        "(knees bent at 90 degrees) or single-leg raises, alternating legs, keeping the small of your back "
        "flat against the floor."
    ),
    who=CHILDREN_AND_ADULTS,
    source="seed 001 (exercise modifications)",
)
def pops_despite_reduced_rom(history):
    """rules.md: painless pops during leg-raise workouts whose `range_of_motion` is `reduced` or
    `minimal`, on ≥ 3 such workouts within 14 days (P). Advice: bent-knee or single-leg raises.
    Alert per person. Source: seed 001 (exercise modifications).
    """
    pops = []
    for event in history.events:
        workout = _leg_raise_workout(history, event)
        if workout and workout.range_of_motion in REDUCED_RANGES and event.is_pop and event.is_painless:
            pops.append(event)
    # Workouts, not events, are counted: each workout stands in by its first pop.
    first_pops = {}
    for event in pops:
        first_pops.setdefault(event.workout_id, event)
    runs = windows_with(history, first_pops.values(), span_days=14, min_days=1, min_events=3)
    workouts = {e.workout_id for e in runs}
    if workouts:
        evidence = tuple(e for e in pops if e.workout_id in workouts)
        yield Finding("pops_despite_reduced_rom", Urgency.TIP, evidence, params={"workouts": len(workouts)})


@rule(
    code="arching_during_leg_raise",
    urgency=Urgency.TIP,
    title="Back arching during leg raises",
    description="A pop at the lower back or hip during leg raises done without holding the pelvic tilt.",
    message="A pop at the hip or lower back was logged during leg raises without the pelvic tilt held, {when}.",
    advice=(
        "Before each repetition, flatten the small of your back against the floor (a posterior pelvic tilt) "
        "and gently draw your belly button towards your spine to brace the deep abdominal muscle, without "
        "holding your breath. A hand under your lower back helps you feel it stay flat. Only lower your legs "
        "as far as your back stays flat, and reverse the movement as soon as it starts to arch or pop."
    ),
    who=CHILDREN_AND_ADULTS,
    source="seed 001 (technique adjustments)",
)
def arching_during_leg_raise(history):
    """rules.md: a pop at `lower_back` or `hip` during a leg-raise workout with `pelvic_tilt_held`
    false (P). Advice: posterior pelvic tilt, brace the transverse abdominis, shorter range.
    Alert per person. Source: seed 001 (technique adjustments).
    """
    evidence = []
    for event in history.events:
        workout = _leg_raise_workout(history, event)
        # None means "not recorded", which is no sign of arching.
        if workout and workout.pelvic_tilt_held is False and event.is_pop and event.body_site in ARCHING_SITES:
            evidence.append(event)
    if evidence:
        yield Finding("arching_during_leg_raise", Urgency.TIP, tuple(evidence))


def _cauda_equina_signs(event):
    """What of the cauda_equina_signs trigger this one event shows, in words ([] when nothing)."""
    shown = [s.label.lower() for s in (Sign.SADDLE_NUMBNESS, Sign.BLADDER_BOWEL_CHANGE) if s in event.signs]
    if event.radiates == Radiates.BOTH_LEGS:
        nerve = [s for s in (Sign.NUMBNESS, Sign.WEAKNESS) if s in event.signs]
        shown += [f"{s.label.lower()} with symptoms down both legs" for s in nerve]
    return shown


@rule(
    code="cauda_equina_signs",
    urgency=Urgency.EMERGENCY,
    title="Numbness, weakness or bladder changes",
    description=(
        "Numbness between the legs, a change in bladder or bowel control, or symptoms down both legs "
        "with numbness or weakness."
    ),
    message="Logged {when}: {noticed}.",
    advice=(
        "Go to an emergency department or call emergency services now. These signs need to be checked "
        "straight away, even when the pain itself is mild."
    ),
    who=CHILDREN_AND_ADULTS,
    source="NHS back pain; NICE NG59; ACP/APS 2007",
    immediate=True,
)
def cauda_equina_signs(history):
    """rules.md: sign `saddle_numbness` or `bladder_bowel_change`; or, on one event, `radiates` =
    `both_legs` with `numbness` or `weakness` (S). Tier emergency, alert per person.
    Source: NHS back pain; NICE NG59; ACP/APS 2007.
    """
    evidence = [e for e in history.events if _cauda_equina_signs(e)]
    if evidence:
        noticed = _listed_once(phrase for e in evidence for phrase in _cauda_equina_signs(e))
        yield Finding("cauda_equina_signs", Urgency.EMERGENCY, evidence_of(evidence), params={"noticed": noticed})


@rule(
    code="progressive_leg_weakness",
    urgency=Urgency.URGENT,
    title="Leg weakness",
    description="Foot drop, or weakness logged on 2 or more days within 7 days.",
    message="Logged {when}: {noticed}.",
    advice=(
        "Have a doctor look today. A foot that drops or drags, or weakness that keeps coming back, needs a "
        "prompt check."
    ),
    who=CHILDREN_AND_ADULTS,
    source="ACP/APS 2007; AHCPR red flags",
    immediate=True,  # foot drop on one event
)
def progressive_leg_weakness(history):
    """rules.md: sign `foot_drop` (S), or `weakness` on ≥ 2 days within 7 days (P).
    Tier urgent, alert per person. Source: ACP/APS 2007; AHCPR red flags.
    """
    foot_drop = [e for e in history.events if Sign.FOOT_DROP in e.signs]
    weak = [e for e in history.events if Sign.WEAKNESS in e.signs]
    weakness = windows_with(history, weak, span_days=7, min_days=2)
    if foot_drop or weakness:
        noticed = sign_words({sign for event in foot_drop + weakness for sign in event.signs} & LEG_WEAKNESS_SIGNS)
        yield Finding(
            "progressive_leg_weakness", Urgency.URGENT, evidence_of(foot_drop, weakness), params={"noticed": noticed}
        )


@rule(
    code="back_pain_with_fever",
    urgency=Urgency.URGENT,
    title="Back pain with a fever or after an injury",
    description=(
        "Back pain with a temperature of 38 °C or more within 48 hours, or back pain after a recent fall or injury."
    ),
    message="Back pain was logged {when}{fever}{injury}.",
    advice=(
        "Have a doctor look today. Back pain together with a fever, or after a fall or injury, needs a "
        "same-day check."
    ),
    who=CHILDREN_AND_ADULTS,
    source="NHS back pain; ACP 2011",
    immediate=True,
)
def back_pain_with_fever(history):
    """rules.md: a back site with `pain` ≥ 1 and a fever within 48 h, or, on one event, sign
    `recent_trauma` with a back site and `pain` ≥ 1 (S). Tier urgent, alert per person.
    Source: NHS back pain; ACP 2011.
    """
    back_pain = _back_pain(history.events)
    with_fever = [e for e in back_pain if history.fever_near(e)]
    fevers = fevers_near(history, with_fever)
    injured = [e for e in back_pain if Sign.RECENT_TRAUMA in e.signs]
    if with_fever or injured:
        params = {"fever": fever_words(fevers), "injury": ", after a recent fall or injury" if injured else ""}
        evidence = evidence_of(with_fever, fevers, injured)
        yield Finding("back_pain_with_fever", Urgency.URGENT, evidence, params=params)


def _radiating_signs(event):
    """What of the radiating_leg_pain trigger this one event shows, in words ([] when nothing)."""
    shown = []
    if event.radiates in DOWN_THE_LEGS:
        shown.append(f"symptoms {Radiates(event.radiates).label.lower()}")
    if event.at_back:
        where = BodySite(event.body_site).label.lower()
        shown += [f"{s.label.lower()} at the {where}" for s in (Sign.NUMBNESS, Sign.TINGLING) if s in event.signs]
    return shown


@rule(
    code="radiating_leg_pain",
    urgency=Urgency.SOON,
    title="Symptoms spreading to the legs",
    description="Pain or other symptoms spreading down one or both legs, or numbness or tingling in the back.",
    message="Logged {when}: {noticed}.",
    advice=(
        "Book an appointment with a doctor or physiotherapist within days, and don't try to force your back "
        "to crack meanwhile. If numbness between the legs, a bladder or bowel change, or weakness in the legs "
        "appears, go to an emergency department."
    ),
    who=CHILDREN_AND_ADULTS,
    source="seed 002; NHS sciatica",
)
def radiating_leg_pain(history):
    """rules.md: `radiates` = `one_leg` or `both_legs` on an event that does not itself meet
    `cauda_equina_signs`, or, on one event, `numbness` or `tingling` at a back site (S; seed 002
    says "one or both legs"). Tier soon, alert per person. Source: seed 002; NHS sciatica.

    An event that meets cauda_equina_signs counts for neither part: it already raises an emergency.
    """
    evidence, noticed = [], []
    for event in history.events:
        shown = [] if _cauda_equina_signs(event) else _radiating_signs(event)
        if shown:
            evidence.append(event)
            noticed += shown
    if evidence:
        params = {"noticed": _listed_once(noticed)}
        yield Finding("radiating_leg_pain", Urgency.SOON, evidence_of(evidence), params=params)


def _recent(history, events):
    """rules.md: "the newest within 48 h of the scan"."""
    return bool(events) and history.now - max(e.occurred_at for e in events) <= RECENT


def _not_improving_beyond_a_week(history, back_pain):
    """The back-pain events, when they fall on ≥ 4 days spanning ≥ 7 days, the newest within 48 h,
    and are not improving; else []."""
    if not _recent(history, back_pain):
        return []
    pains_by_day = {}
    for event in back_pain:
        pains_by_day.setdefault(history.day(event), []).append(event.pain)
    days = sorted(pains_by_day)
    if len(days) < 4 or (days[-1] - days[0]).days < 7:
        return []
    day_values = [_mean(pains_by_day[day]) for day in days]
    return back_pain if _mean(day_values[-3:]) > _mean(day_values[:3]) - 1 else []


def _severe_days_in_a_row(history, back_pain):
    """Events of every streak of ≥ 3 consecutive days with back pain ≥ 7, newest within 48 h."""
    severe = [e for e in back_pain if e.pain >= SEVERE_BACK_PAIN]
    streaks, previous = [], None
    for day in sorted(distinct_days(history, severe)):
        if previous is None or (day - previous).days > 1:
            streaks.append([])
        streaks[-1].append(day)
        previous = day
    evidence = []
    for streak in (s for s in streaks if len(s) >= 3):
        events = [e for e in severe if history.day(e) in streak]
        if _recent(history, events):
            evidence += events
    return evidence


@rule(
    code="back_pain_beyond_a_week",
    urgency=Urgency.SOON,
    title="Back pain beyond a week",
    description=(
        "Back pain on 4 or more days over at least a week, logged in the last 2 days and not improving; "
        "or back pain of 7 or more out of 10 on 3 days in a row, the latest in the last 2 days."
    ),
    message="Back pain logged {when}, {how}.",
    advice=(
        "Back pain that lasts beyond a week of self-care, or that is intense, is worth a professional's look: "
        "book an appointment with a doctor or physiotherapist within days."
    ),
    who=CHILDREN_AND_ADULTS,
    source="seed 002; NICE NG59; ACP 2017",
)
def back_pain_beyond_a_week(history):
    """rules.md: back-site events with `pain` ≥ 1 on ≥ 4 days spanning ≥ 7 days, the newest within
    48 h of the scan, and not improving: the mean of the latest 3 such days is greater than the mean
    of the first 3 such days minus 1 (a day's value = the mean pain of its back-site events with
    `pain` ≥ 1); or `pain` ≥ 7 at a back site on 3 consecutive days, the newest within 48 h of the
    scan (P; one week from seed 002). Tier soon, alert per person.
    Source: seed 002; NICE NG59; ACP 2017.

    Runs on every scan, so it fires from the sweep even when nothing new is logged.
    """
    back_pain = _back_pain(history.events)
    lasting = _not_improving_beyond_a_week(history, back_pain)
    severe = _severe_days_in_a_row(history, back_pain)
    how = (["not improving"] if lasting else []) + (["at 7 or more out of 10 on consecutive days"] if severe else [])
    if how:
        evidence = evidence_of(lasting, severe)
        yield Finding("back_pain_beyond_a_week", Urgency.SOON, evidence, params={"how": listed(how)})
