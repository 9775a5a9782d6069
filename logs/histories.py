"""Realistic demo histories drawn from the seed articles, as plain data.

Three stories, each a ``PlannedHistory`` of plain dicts (field names of the
models and of the API contract), built from a seeded ``random.Random`` with
times counted back from a given ``now``, so the same seed and ``now`` always
give the same history:

- ``infant_with_hip_clunk``: seed 000 — painless clicks and pops when the baby
  is picked up, changed or fed, and exactly one left-hip clunk (worth a check).
- ``leg_raise_exerciser``: seed 001 — leg-raise workouts with painless hip and
  lower-back pops, mostly full range with the pelvic tilt held.
- ``back_pain_not_improving``: seed 002 — daily pain-only check-ins for lower-back
  pain that does not improve, and attempts to crack it.

``demo_histories`` gives the three for the demo; ``generated_histories`` a mix
of them for any number of people (benchmarks). ``store_histories`` writes
histories with bulk inserts: these are seeds, not user writes, so no scan is
enqueued; ``Person.log_changed_at`` is set so the periodic sweep scans them.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import islice

from django.db import transaction

from . import vocab
from .models import Caregiver, Event, Person, Workout

DEMO_SEED = 2026
KINDS = ("infant", "exerciser", "back_pain")
PERSONS_PER_BATCH = 500  # bounds memory when storing thousands of people
ROWS_PER_INSERT = 2000


@dataclass
class PlannedHistory:
    """One person's log, not yet stored.

    ``person``, ``workouts`` and ``events`` hold model field values; an event's
    ``workout_index`` (or None) is the position of its workout in ``workouts``.
    """

    kind: str
    person: dict
    workouts: list = field(default_factory=list)
    events: list = field(default_factory=list)


def _today(now):
    return now.astimezone(UTC).date()


def _on_day(today, days_ago, hour, minute):
    """A moment (UTC) ``days_ago`` calendar days before ``today``.

    Histories fill the ``days`` whole days before today: nothing is in the future,
    and a seed gives the same counts whatever the time of day.
    """
    return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=UTC)


def planned_event(occurred_at, body_site, sound, *, side=vocab.Side.UNKNOWN, activity=vocab.Activity.OTHER,
           pain=None, pain_quality=None, workout_index=None, note=""):
    """One event of a PlannedHistory: model field values, with ``workout_index`` for its workout."""
    return {
        "occurred_at": occurred_at,
        "body_site": body_site,
        "side": side,
        "sound": sound,
        "activity": activity,
        "pain": pain,
        "pain_quality": pain_quality,
        "radiates": vocab.Radiates.NONE,
        "signs": [],
        "temperature_c": None,
        "workout_index": workout_index,
        "note": note,
    }


def _side_for(site, rng):
    if site in vocab.BACK_SITES:
        return vocab.Side.MIDLINE
    return rng.choice((vocab.Side.LEFT, vocab.Side.RIGHT, vocab.Side.LEFT, vocab.Side.RIGHT, vocab.Side.BOTH))


# --- Seed 000: an infant ------------------------------------------------------

INFANT_SITES = (vocab.BodySite.HIP, vocab.BodySite.KNEE, vocab.BodySite.LOWER_BACK, vocab.BodySite.UPPER_BACK)
INFANT_SITE_WEIGHTS = (35, 30, 20, 15)
INFANT_SOUNDS = (vocab.Sound.CLICK, vocab.Sound.POP, vocab.Sound.CRACK)
INFANT_SOUND_WEIGHTS = (55, 35, 10)
INFANT_ACTIVITIES = (vocab.Activity.PICKED_UP, vocab.Activity.DIAPER_CHANGE, vocab.Activity.FEEDING)
HIP_CLUNK_DAYS_AGO = 5  # inside the rules' 21-day window, so the demo shows its alert


def infant_with_hip_clunk(*, now, rng, days=42, name="Maya"):
    """A baby of about three months, over ``days`` days (six weeks by default).

    One to three painless sounds a day at the hips, knees and back when picked
    up, changed or fed, no signs (pain not known: null), and exactly one clunk
    at the left hip. Sex unspecified and no DDH risk factors, so a painless hip
    click raises nothing by itself (rules.md ``hip_click_risk_factors``).
    """
    today = _today(now)
    person = {
        "name": name,
        "life_stage": vocab.LifeStage.INFANT,
        "birth_date": today - timedelta(days=days + 49),
        "sex": vocab.Sex.UNSPECIFIED,
        "risk_factors": [],
        "hip_check_done": False,
    }
    events = []
    for days_ago in range(days, 0, -1):
        for _ in range(rng.randint(1, 3)):
            site = rng.choices(INFANT_SITES, INFANT_SITE_WEIGHTS)[0]
            sound = rng.choices(INFANT_SOUNDS, INFANT_SOUND_WEIGHTS)[0]
            events.append(planned_event(
                _on_day(today, days_ago, rng.randrange(24), rng.randrange(60)), site, sound,
                side=_side_for(site, rng), activity=rng.choice(INFANT_ACTIVITIES),
            ))
    events.append(planned_event(
        _on_day(today, min(HIP_CLUNK_DAYS_AGO, days), 0, 40), vocab.BodySite.HIP, vocab.Sound.CLUNK,
        side=vocab.Side.LEFT, activity=vocab.Activity.DIAPER_CHANGE,
        note="A deeper clunk from the left hip at the night change, not the usual click. Did not cry.",
    ))
    events.sort(key=lambda e: e["occurred_at"])
    return PlannedHistory("infant", person, events=events)


# --- Seed 001: an exerciser doing leg raises ---------------------------------

LEG_RAISES = (
    vocab.Exercise.STRAIGHT_LEG_RAISE, vocab.Exercise.BENT_KNEE_LEG_RAISE, vocab.Exercise.SINGLE_LEG_RAISE,
)
LEG_RAISE_WEIGHTS = (50, 30, 20)
WORKOUT_POP_SITES = (vocab.BodySite.HIP, vocab.BodySite.LOWER_BACK)
WORKOUT_POP_SOUNDS = (vocab.Sound.POP, vocab.Sound.SNAP, vocab.Sound.CLICK)


def leg_raise_exerciser(*, now, rng, days=28, name="Alex"):
    """An adult doing leg raises every other day or so over ``days`` days (four weeks by default).

    Straight, bent-knee or single-leg raises with sets and reps; mostly full range
    with the pelvic tilt held, every fourth session at reduced range. Zero to two
    painless pops per session at the hip or lower back, linked to the workout.
    """
    today = _today(now)
    person = {"name": name, "life_stage": vocab.LifeStage.ADULT, "sex": vocab.Sex.UNSPECIFIED, "risk_factors": []}
    workouts, events = [], []
    # Every other day from the first, now and then skipped.
    for days_ago in range(days, 0, -2):
        if days_ago != days and rng.random() < 0.2:
            continue
        started_at = _on_day(today, days_ago, rng.choice((7, 18, 19)), rng.randrange(60))
        minutes = rng.randint(15, 30)
        reduced = len(workouts) % 4 == 3  # every fourth session, lowering only while the back stays flat
        workouts.append({
            "started_at": started_at,
            "ended_at": started_at + timedelta(minutes=minutes),
            "exercise": rng.choices(LEG_RAISES, LEG_RAISE_WEIGHTS)[0],
            "sets": rng.randint(3, 4),
            "reps": rng.randint(8, 15),
            "range_of_motion": vocab.RangeOfMotion.REDUCED if reduced else vocab.RangeOfMotion.FULL,
            "pelvic_tilt_held": rng.random() < 0.9,
            "note": "Lowered only as far as the back stayed flat." if reduced else "",
        })
        for _ in range(rng.choice((0, 1, 1, 2))):
            site = rng.choice(WORKOUT_POP_SITES)
            events.append(planned_event(
                started_at + timedelta(minutes=rng.randint(1, minutes - 1)), site, rng.choice(WORKOUT_POP_SOUNDS),
                side=_side_for(site, rng), activity=vocab.Activity.LEG_RAISE, pain=0,
                workout_index=len(workouts) - 1,
            ))
    events.sort(key=lambda e: e["occurred_at"])
    return PlannedHistory("exerciser", person, workouts=workouts, events=events)


# --- Seed 002: lower-back pain that does not improve --------------------------

BACK_PAIN_MIN, BACK_PAIN_MAX = 3, 6


def back_pain_not_improving(*, now, rng, days=10, name="Jordan"):
    """An adult with lower-back pain over ``days`` days (ten by default).

    A pain-only check-in every morning (sound "none", lower back, an ache of 3–6
    drifting up by a point over the period), and every other evening an attempt
    to crack the back: mostly a crack with brief, milder pain, else no sound.
    """
    today = _today(now)
    person = {"name": name, "life_stage": vocab.LifeStage.ADULT, "sex": vocab.Sex.UNSPECIFIED, "risk_factors": []}
    events = []
    back = {"side": vocab.Side.MIDLINE, "pain_quality": vocab.PainQuality.ACHE}
    for day_number, days_ago in enumerate(range(days, 0, -1)):
        drift = (2 * day_number) // days  # 0 in the first half, 1 in the second: no improvement
        pain = min(BACK_PAIN_MAX, max(BACK_PAIN_MIN, 4 + drift + rng.choice((-1, 0, 0, 1))))
        events.append(planned_event(
            _on_day(today, days_ago, rng.choice((7, 8)), rng.randrange(60)), vocab.BodySite.LOWER_BACK,
            vocab.Sound.NONE, activity=vocab.Activity.GETTING_UP, pain=pain, **back,
        ))
        if day_number % 2:
            cracked = rng.random() < 0.7
            events.append(planned_event(
                _on_day(today, days_ago, 21, rng.randrange(60)), vocab.BodySite.LOWER_BACK,
                vocab.Sound.CRACK if cracked else vocab.Sound.NONE,
                activity=vocab.Activity.SELF_MANIPULATION, pain=rng.randint(2, 3) if cracked else pain,
                note="" if cracked else "Twisted to crack it; nothing.", **back,
            ))
    return PlannedHistory("back_pain", person, events=events)


BUILDERS = {
    "infant": infant_with_hip_clunk,
    "exerciser": leg_raise_exerciser,
    "back_pain": back_pain_not_improving,
}


def demo_histories(*, now, seed=DEMO_SEED):
    """The three demo stories, at their own lengths (6 weeks, 4 weeks, 10 days)."""
    rng = random.Random(seed)
    return [build(now=now, rng=rng) for build in BUILDERS.values()]


def generated_histories(*, count, days, now, seed=DEMO_SEED):
    """``count`` people cycling through the three stories, each over ``days`` days (lazy)."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        kind = KINDS[(number - 1) % len(KINDS)]
        yield BUILDERS[kind](now=now, rng=rng, days=days, name=f"{kind.replace('_', ' ').capitalize()} {number}")


# --- Storing ------------------------------------------------------------------


@dataclass
class Stored:
    persons: int = 0
    workouts: int = 0
    events: int = 0


def store_histories(histories, *, owner, changed_at):
    """Insert ``histories`` (any iterable) owned by ``owner``, in bulk; returns the counts.

    People are marked changed at ``changed_at`` so the periodic sweep scans them (those with
    events at their events' insert, if that is later: logs/event_counts.py).
    """
    stored = Stored()
    histories = iter(histories)
    while batch := list(islice(histories, PERSONS_PER_BATCH)):
        with transaction.atomic():
            _store_batch(batch, owner=owner, changed_at=changed_at, stored=stored)
    return stored


def _store_batch(batch, *, owner, changed_at, stored):
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35, so rows can be linked.
    persons = Person.objects.bulk_create(
        [Person(**history.person, log_changed_at=changed_at) for history in batch], batch_size=ROWS_PER_INSERT
    )
    Caregiver.objects.bulk_create(
        [Caregiver(person=person, user=owner, role=vocab.Role.OWNER) for person in persons],
        batch_size=ROWS_PER_INSERT,
    )
    workouts_of = [
        [Workout(person=person, created_by=owner, **fields) for fields in history.workouts]
        for person, history in zip(persons, batch)
    ]
    Workout.objects.bulk_create([w for workouts in workouts_of for w in workouts], batch_size=ROWS_PER_INSERT)
    events = [
        _event_row(fields, person=person, owner=owner, workouts=workouts)
        for person, history, workouts in zip(persons, batch, workouts_of)
        for fields in history.events
    ]
    Event.objects.bulk_create(events, batch_size=ROWS_PER_INSERT)
    stored.persons += len(persons)
    stored.workouts += sum(len(workouts) for workouts in workouts_of)
    stored.events += len(events)


def _event_row(fields, *, person, owner, workouts):
    fields = dict(fields)
    index = fields.pop("workout_index")
    return Event(person=person, created_by=owner, workout=None if index is None else workouts[index], **fields)
