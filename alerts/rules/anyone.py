"""Rules for every life stage (rules.md, "who" = any)."""

from logs import vocab

from .base import Finding, by_site_and_side, evidence_of, fever_words, fevers_near, sign_words, windows_with
from .registry import ANYONE, rule

Side, Sign, Sound, Urgency = vocab.Side, vocab.Sign, vocab.Sound, vocab.Urgency

INFLAMMATION_SIGNS = frozenset({Sign.SWELLING, Sign.REDNESS, Sign.WARMTH})
LOCKING_SIGNS = frozenset({Sign.LOCKING, Sign.CATCHING, Sign.GIVING_WAY})


def _hot_or_swollen(history, event):
    """rules.md: on one event, swelling with redness or warmth, or swelling with a fever within 48 h;
    for an infant, swelling, redness or warmth alone."""
    if history.person.is_infant:
        return bool(event.signs & INFLAMMATION_SIGNS)
    return Sign.SWELLING in event.signs and (
        event.has_any(Sign.REDNESS, Sign.WARMTH) or bool(history.fever_near(event))
    )


@rule(
    code="hot_swollen_joint",
    urgency=Urgency.URGENT,
    title="Hot or swollen joint",
    description=(
        "Swelling together with redness or warmth, or swelling with a fever within 48 hours; "
        "for a baby, swelling, redness or warmth alone."
    ),
    message="Noticed at the {where}: {signs}{fever}.",
    advice=(
        "A swollen, red or warm joint should be checked the same day: have a doctor look today. "
        "If the person also seems very unwell, go to an emergency department or call emergency services."
    ),
    who=ANYONE,
    source="NHS septic arthritis; seed 000",
    immediate=True,
)
def hot_swollen_joint(history):
    """any · "on one event: `swelling` with `redness` or `warmth`; or `swelling` with a fever within
    48 h (S). For infants `swelling`, `redness` or `warmth` alone (seed 000)." · urgent · per site+side.

    Source: NHS septic arthritis; seed 000.
    A fever within 48 h of a swelling is evidence too, even when redness or warmth alone met the rule.
    """
    hot = [e for e in history.events if _hot_or_swollen(history, e)]
    for (site, side), events in by_site_and_side(hot).items():
        fevers = fevers_near(history, [e for e in events if Sign.SWELLING in e.signs])
        seen = frozenset().union(*(e.signs & INFLAMMATION_SIGNS for e in events))
        yield Finding(
            "hot_swollen_joint", Urgency.URGENT, evidence_of(events, fevers),
            body_site=site, side=side, params={"signs": sign_words(seen), "fever": fever_words(fevers)},
        )


@rule(
    code="persistent_crepitus",
    urgency=Urgency.SOON,
    title="Grinding that keeps coming back",
    description=(
        "Grinding at the same joint on 3 or more days within 14 days "
        "(for a baby: on 2 or more days within 7 days)."
    ),
    message="Grinding at the {where} on {days} days ({first} to {last}).",
    advice=(
        "Grinding that keeps coming back at one joint is worth a check: book an appointment with a "
        "doctor or physiotherapist within the next few days."
    ),
    who=ANYONE,
    source='seed 000 ("persistent and localized")',
)
def persistent_crepitus(history):
    """any · "sound `grinding` at the same site and side: infant ≥ 2 events on ≥ 2 days within 7 days;
    others ≥ 3 events on ≥ 3 days within 14 days (P)." · soon · per site+side.

    Source: seed 000 ("persistent and localized").
    """
    span_days, min_days = (7, 2) if history.person.is_infant else (14, 3)
    grinding = [e for e in history.events if e.sound == Sound.GRINDING]
    for (site, side), events in by_site_and_side(grinding).items():
        persistent = windows_with(history, events, span_days=span_days, min_days=min_days, min_events=min_days)
        if persistent:
            yield Finding("persistent_crepitus", Urgency.SOON, tuple(persistent), body_site=site, side=side)


@rule(
    code="one_sided_limb_avoidance",
    urgency=Urgency.SOON,
    title="Using one side less",
    description="Using the same side (left or right) less on 2 or more days within 7 days.",
    message="Using the {where} less was logged on {days} days ({first} to {last}).",
    advice=(
        "A difference in how the two sides are used is worth a check: book an appointment with a "
        "doctor within the next few days."
    ),
    who=ANYONE,
    source='seed 000 ("difference in how the baby uses one side")',
)
def one_sided_limb_avoidance(history):
    """any · "sign `uses_one_side_less` with the same side (`left` or `right`) on ≥ 2 days within 7 days,
    at any sites (P)." · soon · per side.

    Source: seed 000 ("difference in how the baby uses one side").
    """
    for side in (Side.LEFT, Side.RIGHT):
        events = [e for e in history.events if e.side == side and Sign.USES_ONE_SIDE_LESS in e.signs]
        repeated = windows_with(history, events, span_days=7, min_days=2)
        if repeated:
            yield Finding("one_sided_limb_avoidance", Urgency.SOON, tuple(repeated), side=side)


@rule(
    code="joint_locking",
    urgency=Urgency.URGENT,
    also=(Urgency.SOON,),
    title="Joint locking, catching or giving way",
    description=(
        "A joint that locks; or one that gives way, or catches on 2 or more days within 14 days."
    ),
    message="Noticed at the {where}: {signs}, most recently on {last}.",
    advice=(
        "If the joint locks and will not straighten, have a doctor look today. For catching or giving "
        "way, book an appointment with a doctor or physiotherapist within the next few days, and avoid "
        "the movement that sets it off until then."
    ),
    who=ANYONE,
    source="seed 001; NHS knee red flags",
    immediate=True,
)
def joint_locking(history):
    """any · "sign `locking` → `urgent`; any `giving_way`, or `catching` on ≥ 2 days within 14 days at
    the same site and side → `soon` (P)." · urgent / soon · per site+side.

    Source: seed 001; NHS knee red flags.
    A single catching event is evidence only as part of the repeated pattern.
    """
    flagged = [e for e in history.events if e.signs & LOCKING_SIGNS]
    for (site, side), events in by_site_and_side(flagged).items():
        locking = [e for e in events if Sign.LOCKING in e.signs]
        giving_way = [e for e in events if Sign.GIVING_WAY in e.signs]
        catching = windows_with(
            history, [e for e in events if Sign.CATCHING in e.signs], span_days=14, min_days=2
        )
        evidence = evidence_of(locking, giving_way, catching)
        if evidence:
            seen = frozenset().union(*(e.signs & LOCKING_SIGNS for e in evidence))
            yield Finding(
                "joint_locking", Urgency.URGENT if locking else Urgency.SOON, evidence,
                body_site=site, side=side, params={"signs": sign_words(seen)},
            )
