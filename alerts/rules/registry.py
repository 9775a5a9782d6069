"""The catalogue of rules: each module in this package registers its rules here."""

from dataclasses import dataclass
from functools import wraps
from typing import Callable

from logs import vocab

DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."

# rules.md's "who" column, as the life stages a rule speaks about.
ANYONE = frozenset(vocab.LifeStage.values)
INFANTS = frozenset({vocab.LifeStage.INFANT})
CHILDREN_AND_ADULTS = frozenset({vocab.LifeStage.CHILD, vocab.LifeStage.ADULT})


@dataclass(frozen=True)
class Rule:
    code: str
    urgency: str  # the tier of rules.md's table (for two-tier rules, the higher one)
    tiers: tuple  # every tier the rule can raise, least urgent first
    title: str
    description: str  # the trigger, in plain words, as in rules.md
    message: str  # what was noticed, a str.format template over the finding's params
    advice: str
    source: str
    check: Callable
    who: frozenset = ANYONE  # the life stages the rule speaks about; silent for others
    # Single-event emergency/urgent rules also run inside the write request (see alerts.engine.scan_immediate).
    immediate: bool = False


RULES: dict[str, Rule] = {}


def rule(*, code, urgency, title, description, message, advice, source, who, also=(), immediate=False):
    """Register the decorated ``check(history)`` as the rule ``code``.

    ``urgency`` is the tier in rules.md's table; ``also`` lists any other tier the
    rule can raise (e.g. ``limb_not_moving`` is urgent, also emergency with a fever).
    ``who`` (ANYONE, INFANTS or CHILDREN_AND_ADULTS) is rules.md's "who": the
    registered check yields nothing for a person of another life stage.
    """

    def register(check):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        tiers = tuple(sorted({urgency, *also}, key=vocab.Urgency.rank))
        if not set(tiers) <= set(vocab.Urgency.values):
            raise ValueError(f"rule {code}: unknown urgency in {tiers}")

        @wraps(check)
        def checked(history):
            return check(history) if history.person.life_stage in who else ()

        RULES[code] = Rule(
            code, urgency, tiers, title, description, message, advice, source, checked, who, immediate
        )
        return check

    return register
