"""What a rule sees and what it says: plain objects, no ORM.

A rule is a function ``check(history) -> Iterable[Finding]`` registered with
``@rule(...)`` (see ``registry.py``). ``history`` holds the person's facts and
the events of the scan window as frozen dataclasses; the engine alone touches
the database. The helpers below implement the "Definitions" of rules.md once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from logs import vocab

# rules.md: rules look at the events of the last 21 × 24 hours before the scan.
WINDOW = timedelta(days=21)
# rules.md: "a temperature may come from any event of the person within 48 h before or after".
FEVER_REACH = timedelta(hours=48)


@dataclass(frozen=True)
class PersonFacts:
    id: int
    life_stage: str
    sex: str = vocab.Sex.UNSPECIFIED
    risk_factors: frozenset = frozenset()
    hip_check_done: bool = False
    birth_date: date | None = None
    timezone: ZoneInfo = ZoneInfo("UTC")  # the owner's: it decides what a "day" is

    @property
    def is_infant(self):
        return self.life_stage == vocab.LifeStage.INFANT

    def age_days(self, at):
        """Age in whole days at ``at`` (None when the birth date is unknown)."""
        if self.birth_date is None:
            return None
        return (at.astimezone(self.timezone).date() - self.birth_date).days


@dataclass(frozen=True)
class WorkoutFacts:
    id: int
    started_at: datetime
    exercise: str
    range_of_motion: str = vocab.RangeOfMotion.FULL
    pelvic_tilt_held: bool | None = None

    @property
    def is_leg_raise(self):
        return self.exercise in vocab.LEG_RAISE_EXERCISES


@dataclass(frozen=True)
class EventFacts:
    id: int
    occurred_at: datetime
    body_site: str
    sound: str
    side: str = vocab.Side.UNKNOWN
    activity: str = vocab.Activity.OTHER
    pain: int | None = None
    pain_quality: str | None = None
    radiates: str = vocab.Radiates.NONE
    signs: frozenset = frozenset()
    temperature_c: Decimal | None = None
    workout_id: int | None = None

    @property
    def is_pop(self):
        return self.sound in vocab.POP_SOUNDS

    @property
    def is_painless(self):
        return (self.pain in (None, 0)) and self.pain_quality is None and vocab.Sign.CRIED not in self.signs

    @property
    def has_fever(self):
        return self.temperature_c is not None and self.temperature_c >= vocab.FEVER_C

    @property
    def at_back(self):
        return self.body_site in vocab.BACK_SITES

    def has_any(self, *signs):
        return any(sign in self.signs for sign in signs)


@dataclass(frozen=True)
class History:
    """A person's recent log as of ``now``: events oldest first, workouts by id."""

    person: PersonFacts
    events: tuple
    now: datetime
    workouts: dict = field(default_factory=dict)

    def day(self, event):
        """The calendar date of ``event`` in the owner's time zone."""
        return event.occurred_at.astimezone(self.person.timezone).date()

    def since(self, days):
        """Events within the last ``days`` × 24 hours before now."""
        start = self.now - timedelta(days=days)
        return [e for e in self.events if e.occurred_at > start]

    def workout_of(self, event):
        return self.workouts.get(event.workout_id) if event.workout_id is not None else None

    def fever_near(self, event):
        """Events with a fever within 48 h before or after ``event`` (it included)."""
        return [
            other for other in self.events
            if other.has_fever and abs(other.occurred_at - event.occurred_at) <= FEVER_REACH
        ]


@dataclass(frozen=True)
class Finding:
    """One pattern a rule found: the engine turns it into (or merges it with) an alert."""

    rule: str
    urgency: str
    evidence: tuple  # EventFacts, any order: the engine sorts and stores their ids
    body_site: str = ""
    side: str = ""
    params: dict = field(default_factory=dict, compare=False)  # extra words for the message


def distinct_days(history, events):
    return {history.day(e) for e in events}


def windows_with(history, events, *, span_days, min_days, min_events=1):
    """Events of every run that fits in ``span_days`` × 24 h with ≥ ``min_days`` distinct days.

    rules.md: "on ≥ k days within N days" — the evidence events lie within N × 24 h of
    each other and fall on k distinct days. Returns the union of all such runs
    (oldest first), or [] when there is none.
    """
    ordered = sorted(events, key=lambda e: e.occurred_at)
    span = timedelta(days=span_days)
    chosen = {}
    end = 0
    for start, first in enumerate(ordered):
        end = max(end, start)
        while end + 1 < len(ordered) and ordered[end + 1].occurred_at - first.occurred_at <= span:
            end += 1
        run = ordered[start : end + 1]
        if len(run) >= min_events and len(distinct_days(history, run)) >= min_days:
            chosen.update((e.id, e) for e in run)
    return sorted(chosen.values(), key=lambda e: e.occurred_at)


def by_site_and_side(events):
    """Group events by (body_site, side): the key of site+side rules."""
    groups = {}
    for event in events:
        groups.setdefault((event.body_site, event.side), []).append(event)
    return groups


def message_params(history, finding):
    """The words every rule's message may use, besides the finding's own ``params``.

    where: "left hip", "hip", "left side" or "" · count: evidence events ·
    days: distinct days · first, last: dates of the oldest and newest evidence ·
    when: "on 14 Jun" (one day) or "on 3 days from 2 Jun to 14 Jun".
    """
    ordered = sorted(finding.evidence, key=lambda e: e.occurred_at)
    site = vocab.BodySite(finding.body_site).label.lower() if finding.body_site else ""
    side = finding.side if finding.side in (vocab.Side.LEFT, vocab.Side.RIGHT) else ""
    where = " ".join(part for part in (side, site) if part) or ""
    if side and not site:
        where = f"{side} side"
    days = len(distinct_days(history, ordered))
    first = _short_date(history.day(ordered[0])) if ordered else ""
    last = _short_date(history.day(ordered[-1])) if ordered else ""
    return {
        "where": where,
        "count": len(ordered),
        "days": days,
        "first": first,
        "last": last,
        "when": f"on {last}" if days == 1 else f"on {days} days from {first} to {last}",
        **finding.params,
    }


def _short_date(day):
    return f"{day.day} {day:%b}"


def listed(words):
    """Words as a plain list: "a", "a and b", "a, b and c"."""
    words = list(words)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def sign_words(signs):
    """Signs as plain words in vocabulary order: "swelling, redness and warmth"."""
    return listed(sign.label.lower() for sign in vocab.Sign if sign in signs)


def fevers_near(history, events):
    """The fever events within 48 h before or after any of ``events``, once each, oldest first."""
    found = {fever.id: fever for event in events for fever in history.fever_near(event)}
    return sorted(found.values(), key=lambda e: e.occurred_at)


def fever_words(fevers):
    """", with a temperature of 38.6 °C within 48 hours" for the highest of ``fevers``, or ""."""
    if not fevers:
        return ""
    return f", with a temperature of {max(e.temperature_c for e in fevers):.1f} °C within 48 hours"


def evidence_of(*groups):
    """The events of several groups, once each, oldest first: a finding's evidence."""
    found = {event.id: event for group in groups for event in group}
    return tuple(sorted(found.values(), key=lambda e: e.occurred_at))
