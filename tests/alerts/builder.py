"""Realistic histories for the rule tests, as plain facts (no database).

    b = HistoryBuilder(life_stage="infant", birth_date=NOW.date() - timedelta(days=40))
    b.event(days_ago=3, body_site="hip", side="left", sound="clunk")
    findings = list(RULES["hip_clunk"].check(b.history()))

Times are counted back from ``NOW`` (or the builder's ``now``); ids count up.
"""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from alerts.rules.base import EventFacts, History, PersonFacts, WorkoutFacts

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


class HistoryBuilder:
    def __init__(self, *, life_stage="adult", now=NOW, timezone="UTC", risk_factors=(), **person):
        self.now = now
        self.person = PersonFacts(
            id=1, life_stage=life_stage, timezone=ZoneInfo(timezone),
            risk_factors=frozenset(risk_factors), **person,
        )
        self.events = []
        self.workouts = {}
        self._ids = itertools.count(1)

    def at(self, days_ago=0, hours_ago=0, minutes_ago=0):
        return self.now - timedelta(days=days_ago, hours=hours_ago, minutes=minutes_ago)

    def event(self, days_ago=0, hours_ago=0, minutes_ago=0, *, signs=(), temperature_c=None, workout=None, **fields):
        fields.setdefault("body_site", "knee")
        fields.setdefault("sound", "pop")
        event = EventFacts(
            id=next(self._ids),
            occurred_at=self.at(days_ago, hours_ago, minutes_ago),
            signs=frozenset(signs),
            temperature_c=None if temperature_c is None else Decimal(str(temperature_c)),
            workout_id=workout.id if workout is not None else None,
            **fields,
        )
        self.events.append(event)
        return event

    def workout(self, days_ago=0, hours_ago=0, **fields):
        fields.setdefault("exercise", "straight_leg_raise")
        workout = WorkoutFacts(id=next(self._ids), started_at=self.at(days_ago, hours_ago), **fields)
        self.workouts[workout.id] = workout
        return workout

    def workout_with_events(self, days_ago=0, hours_ago=1, *, events=({},), **fields):
        """A workout and the events logged during it, 5 minutes apart (one dict of event fields each)."""
        workout = self.workout(days_ago, hours_ago, **fields)
        activity = "leg_raise" if workout.is_leg_raise else "exercise"
        logged = [
            self.event(days_ago, hours_ago, -5 * (n + 1), workout=workout, **{"activity": activity, **each})
            for n, each in enumerate(events)
        ]
        return workout, logged

    def history(self):
        ordered = tuple(sorted(self.events, key=lambda e: (e.occurred_at, e.id)))
        return History(person=self.person, events=ordered, now=self.now, workouts=dict(self.workouts))


def findings(rule_code, builder):
    """The findings of one rule over the builder's history."""
    from alerts.rules import RULES

    return list(RULES[rule_code].check(builder.history()))


def only(rule_code, builder):
    """The single finding of one rule over the builder's history."""
    found = findings(rule_code, builder)
    assert len(found) == 1, found
    return found[0]


def ids(*events):
    """Sorted ids of events, to compare with ``evidence_ids``."""
    return sorted(e.id for e in events)


def evidence_ids(finding):
    return sorted(e.id for e in finding.evidence)


# An infant's everyday log (seed 000): painless sounds when picked up, changed or
# fed; hips, knees and back; (hours before the scan, activity, site, side, sound).
EVERYDAY_INFANT_MOMENTS = (
    (2, "diaper_change", "hip", "left", "click"),
    (2, "diaper_change", "hip", "right", "click"),
    (4, "picked_up", "upper_back", "midline", "crack"),
    (6, "feeding", "knee", "both", "pop"),
    (8, "tummy_time", "hip", "left", "pop"),
    (9, "picked_up", "lower_back", "midline", "pop"),
    (11, "diaper_change", "knee", "right", "click"),
    (13, "picked_up", "knee", "left", "snap"),
)


def add_everyday_infant_log(builder, *, days=21):
    """Add painless pops and clicks, five or six a day for ``days`` days, and a normal temperature
    every few days; returns the events added."""
    added = []
    for day in range(days):
        for n, (hours_ago, activity, site, side, sound) in enumerate(EVERYDAY_INFANT_MOMENTS):
            if (day + n) % 3 == 0:  # not the same moments every day
                continue
            added.append(builder.event(
                day, hours_ago, minutes_ago=(7 * day + 11 * n) % 50,
                activity=activity, body_site=site, side=side, sound=sound,
                pain=0 if (day + n) % 2 else None,
                temperature_c=36.9 if n == 1 and day % 4 == 0 else None,
            ))
    return added


def message(finding, builder):
    """The alert message of ``finding``, worded as the engine words it."""
    from alerts.rules import RULES
    from alerts.rules.base import message_params

    return RULES[finding.rule].message.format(**message_params(builder.history(), finding))
