"""Rules for infants (rules.md, "who" = infant): they never fire for a child or an adult."""

from logs import vocab

from .base import Finding, by_site_and_side, evidence_of, fever_words, fevers_near, listed, sign_words, windows_with
from .registry import INFANTS, rule

RiskFactor, Sex, Sign, Sound, Urgency = vocab.RiskFactor, vocab.Sex, vocab.Sign, vocab.Sound, vocab.Urgency

YOUNG_INFANT_DAYS = 90
HIP_ASYMMETRY_SIGNS = frozenset({Sign.LEG_LENGTH_DIFFERENCE, Sign.UNEVEN_SKIN_FOLDS, Sign.LIMITED_HIP_MOVEMENT})


@rule(
    code="infant_fever_young",
    urgency=Urgency.EMERGENCY,
    also=(Urgency.URGENT,),
    title="Fever in a young baby",
    description="A temperature of 38.0 °C or more in a baby under 90 days old, or whose age is not known.",
    message="A temperature of {temperature} °C was logged on {last}{age}.",
    advice=(
        "A fever in a baby under 3 months old needs a doctor straight away: go to an emergency "
        "department or call emergency services now. If the baby's birth date is not recorded and "
        "they are older than 3 months, have a doctor look today, and add the birth date to their profile."
    ),
    who=INFANTS,
    source="NICE NG143 (fever in under 5s); AAP febrile infant guideline",
    immediate=True,
)
def infant_fever_young(history):
    """infant · "age < 90 days and fever on any event (S). Age unknown: `urgent` (P)." · emergency · per person.

    Source: NICE NG143 (fever in under 5s); AAP febrile infant guideline.
    The age is taken at each fever event's time; a fever at 90 days or older is not this rule's.
    """
    person = history.person
    fevers = [e for e in history.events if e.has_fever]
    if person.birth_date is None:
        urgency, age = Urgency.URGENT, "; the baby's birth date is not recorded"
    else:
        fevers = [e for e in fevers if person.age_days(e.occurred_at) < YOUNG_INFANT_DAYS]
        urgency = Urgency.EMERGENCY
        age = f", when the baby was {person.age_days(fevers[-1].occurred_at)} days old" if fevers else ""
    if fevers:
        yield Finding(
            "infant_fever_young", urgency, tuple(fevers),
            params={"temperature": f"{fevers[-1].temperature_c:.1f}", "age": age},
        )


@rule(
    code="limb_not_moving",
    urgency=Urgency.URGENT,
    also=(Urgency.EMERGENCY,),
    title="Not moving a limb",
    description="The baby was not moving a limb; with a fever within 48 hours of it, that is an emergency.",
    message="The baby was not moving a limb at the {where}{fever}.",
    advice=(
        "Have a doctor look at the baby today. If the baby also has a fever, go to an emergency "
        "department or call emergency services now."
    ),
    who=INFANTS,
    source="seed 000; CHQ bone & joint infection guideline; NG143 amber list",
    immediate=True,
)
def limb_not_moving(history):
    """infant · "sign `limb_not_moving` on any event (P: one event). `emergency` if a fever is logged
    within 48 h of it (P)." · urgent · per site+side.

    Source: seed 000; CHQ bone & joint infection guideline; NG143 amber list.
    """
    flagged = [e for e in history.events if Sign.LIMB_NOT_MOVING in e.signs]
    for (site, side), events in by_site_and_side(flagged).items():
        fevers = fevers_near(history, events)
        yield Finding(
            "limb_not_moving",
            Urgency.EMERGENCY if fevers else Urgency.URGENT,
            evidence_of(events, fevers),
            body_site=site, side=side, params={"fever": fever_words(fevers)},
        )


@rule(
    code="pain_after_sound",
    urgency=Urgency.URGENT,
    also=(Urgency.SOON,),
    title="Crying right after a joint sound",
    description=(
        "The baby cried right after a joint sound; twice or more at the same joint within 48 hours "
        "means a doctor should look today."
    ),
    message="The baby cried right after a sound from the {where}, most recently on {last}.",
    advice=(
        "Joint sounds in babies are normally painless, so crying right after one is worth a check: "
        "book an appointment with the baby's doctor within the next few days. If it happens again at "
        "the same joint within two days, have a doctor look today."
    ),
    who=INFANTS,
    source="seed 000",
    immediate=True,
)
def pain_after_sound(history):
    """infant · "sign `cried` on an event with a sound: 1 event → `soon`; ≥ 2 at the same site and side
    within 48 h → `urgent` (P)." · soon / urgent · per site+side.

    Source: seed 000 ("the baby crying out immediately following the sound").
    """
    cried = [e for e in history.events if Sign.CRIED in e.signs and e.sound != Sound.NONE]
    for (site, side), events in by_site_and_side(cried).items():
        repeated = windows_with(history, events, span_days=2, min_days=1, min_events=2)
        yield Finding(
            "pain_after_sound", Urgency.URGENT if repeated else Urgency.SOON, tuple(events),
            body_site=site, side=side,
        )


@rule(
    code="hip_clunk",
    urgency=Urgency.SOON,
    title="Clunk at the hip",
    description="A clunk (not a click) was logged at the baby's hip.",
    message="A clunk was logged at the {where}, most recently on {last}.",
    advice=(
        "A clunk at the hip is different from the common, harmless click. Book an appointment with "
        "the baby's doctor within the next few days so they can check how stable the hip is."
    ),
    who=INFANTS,
    source="seed 000; AAP DDH guideline (Ortolani/Barlow)",
)
def hip_clunk(history):
    """infant · "site `hip`, sound `clunk`, 1 event (P)." · soon · per site+side.

    Source: seed 000; AAP DDH guideline (Ortolani/Barlow).
    """
    clunks = [e for e in history.events if e.body_site == vocab.BodySite.HIP and e.sound == Sound.CLUNK]
    for (site, side), events in by_site_and_side(clunks).items():
        yield Finding("hip_clunk", Urgency.SOON, tuple(events), body_site=site, side=side)


@rule(
    code="hip_asymmetry",
    urgency=Urgency.SOON,
    title="Uneven hips or legs",
    description="One leg looking shorter, uneven skin folds, or limited hip movement.",
    message="Noticed at the {where}: {signs}, most recently on {last}.",
    advice=(
        "Book an appointment with the baby's doctor within the next few days so the hips can be examined."
    ),
    who=INFANTS,
    source="seed 000; NHS DDH; IHDI exam after 3 months",
)
def hip_asymmetry(history):
    """infant · "any of signs `leg_length_difference`, `uneven_skin_folds`, `limited_hip_movement`
    (S: named signs)." · soon · per site+side.

    Source: seed 000; NHS DDH; IHDI exam after 3 months.
    """
    uneven = [e for e in history.events if e.signs & HIP_ASYMMETRY_SIGNS]
    for (site, side), events in by_site_and_side(uneven).items():
        seen = frozenset().union(*(e.signs & HIP_ASYMMETRY_SIGNS for e in events))
        yield Finding(
            "hip_asymmetry", Urgency.SOON, tuple(events),
            body_site=site, side=side, params={"signs": sign_words(seen)},
        )


@rule(
    code="hip_click_risk_factors",
    urgency=Urgency.TIP,
    title="Hip clicks with a risk factor",
    description=(
        "A painless hip click in a baby who is a girl, was in a breech position, or has a family "
        "history of hip dysplasia, and whose hips have not been checked yet."
    ),
    message="A painless click was logged at the {where}, most recently on {last}, and the baby {risk}.",
    advice=(
        "Almost all clicky hips are normal, so there is nothing to book. Mention the clicks at the "
        "baby's next routine check so the doctor can examine the hips, and mark the hip check as done "
        "afterwards."
    ),
    who=INFANTS,
    source="Nie et al. 2017 (97% of clicky hips normal); Yang et al. 2019",
)
def hip_click_risk_factors(history):
    """infant · "a painless hip `click` while the person has `breech` or `family_history_ddh` among risk
    factors or sex `female`, and `hip_check_done` is not true (P). `first_born` alone does not count
    (weaker factor)." · tip · per site+side.

    Source: Nie et al. 2017 (97% of clicky hips normal); Yang et al. 2019.
    """
    person = history.person
    if person.hip_check_done:
        return
    risks = [
        words for present, words in (
            (RiskFactor.BREECH in person.risk_factors, "was in a breech position"),
            (RiskFactor.FAMILY_HISTORY_DDH in person.risk_factors, "has a family history of hip dysplasia"),
            (person.sex == Sex.FEMALE, "is a girl"),
        ) if present
    ]
    if not risks:
        return
    clicks = [
        e for e in history.events
        if e.body_site == vocab.BodySite.HIP and e.sound == Sound.CLICK and e.is_painless
    ]
    for (site, side), events in by_site_and_side(clicks).items():
        yield Finding(
            "hip_click_risk_factors", Urgency.TIP, tuple(events),
            body_site=site, side=side, params={"risk": listed(risks)},
        )
