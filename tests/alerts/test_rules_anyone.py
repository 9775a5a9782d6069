"""The rules for every life stage, over an everyday log plus the events that matter."""

from datetime import timedelta

import pytest

from tests.alerts.builder import (
    NOW,
    HistoryBuilder,
    add_everyday_infant_log,
    evidence_ids,
    findings,
    ids,
    message,
    only,
)

# Painless sounds of an older child's or adult's ordinary days: (hours before the scan, activity, site, side, sound).
EVERYDAY_MOMENTS = (
    (1, "getting_up", "knee", "both", "crack"),
    (3, "stretching", "upper_back", "midline", "pop"),
    (9, "walking", "ankle", "right", "click"),
)


def someone(life_stage="adult", *, timezone="UTC"):
    """A person with three weeks of harmless joint sounds for their life stage."""
    if life_stage == "infant":
        builder = HistoryBuilder(life_stage="infant", birth_date=NOW.date() - timedelta(days=150), timezone=timezone)
        add_everyday_infant_log(builder)
        return builder
    builder = HistoryBuilder(life_stage=life_stage, timezone=timezone)
    for day in range(0, 21, 2):
        for hours_ago, activity, site, side, sound in EVERYDAY_MOMENTS:
            builder.event(day, hours_ago, activity=activity, body_site=site, side=side, sound=sound, pain=0)
    return builder




def key_and_tier(finding):
    return (finding.rule, finding.urgency, finding.body_site, finding.side)


# hot_swollen_joint ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "life_stage, signs, temperature",
    [
        ("adult", ["swelling", "redness"], None),
        ("child", ["swelling", "warmth"], None),
        ("adult", ["swelling"], 38.3),  # the fever on the swollen event itself
        ("infant", ["swelling"], None),  # for infants one sign alone
        ("infant", ["redness"], None),
        ("infant", ["warmth"], None),
    ],
)
def test_hot_swollen_joint_fires_on_one_event(life_stage, signs, temperature):
    builder = someone(life_stage)
    hot = builder.event(days_ago=2, body_site="knee", side="right", sound="none", signs=signs, temperature_c=temperature)
    finding = only("hot_swollen_joint", builder)
    assert key_and_tier(finding) == ("hot_swollen_joint", "urgent", "knee", "right")
    assert evidence_ids(finding) == ids(hot)


@pytest.mark.parametrize("fever_hours_after", [-40, 20, 48])
def test_hot_swollen_joint_takes_a_fever_from_another_event_within_48_hours(fever_hours_after):
    builder = someone("child")
    swollen = builder.event(days_ago=5, body_site="ankle", side="left", sound="none", signs=["swelling"])
    fever = builder.event(days_ago=5, hours_ago=-fever_hours_after, body_site="other", sound="none", temperature_c=38.9)
    finding = only("hot_swollen_joint", builder)
    assert key_and_tier(finding) == ("hot_swollen_joint", "urgent", "ankle", "left")
    assert evidence_ids(finding) == ids(swollen, fever)
    assert message(finding, builder) == (
        "Noticed at the left ankle: swelling, with a temperature of 38.9 °C within 48 hours."
    )


def split_signs(builder):
    """Swelling on one event and redness on the next, at the same knee."""
    builder.event(days_ago=3, body_site="knee", side="left", sound="none", signs=["swelling"])
    builder.event(days_ago=3, hours_ago=-1, body_site="knee", side="left", sound="none", signs=["redness"])


@pytest.mark.parametrize(
    "events",
    [
        lambda b: b.event(days_ago=1, body_site="knee", side="left", sound="none", signs=["swelling"]),
        lambda b: b.event(days_ago=1, body_site="knee", side="left", sound="none", signs=["redness", "warmth"]),
        split_signs,  # signs named together must be on one event
        lambda b: (  # the fever is 50 h later
            b.event(days_ago=4, body_site="knee", side="left", sound="none", signs=["swelling"]),
            b.event(days_ago=4, hours_ago=-50, body_site="other", sound="none", temperature_c=38.5),
        ),
        lambda b: b.event(days_ago=1, body_site="knee", side="left", sound="none", signs=["swelling"], temperature_c=37.9),
    ],
    ids=["swelling alone", "no swelling", "signs on two events", "fever 50 h later", "37.9 is no fever"],
)
def test_hot_swollen_joint_near_misses_for_an_adult(events):
    builder = someone("adult")
    events(builder)
    assert findings("hot_swollen_joint", builder) == []


# persistent_crepitus --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "life_stage, days_ago",
    [
        ("adult", (13, 6, 1)),  # 3 days within 14 days
        ("child", (9, 8, 8, 2)),  # 4 events on 3 days
        ("infant", (8, 3)),  # infant: 2 days within 7 days
    ],
)
def test_persistent_crepitus_fires(life_stage, days_ago):
    builder = someone(life_stage)
    grinding = [builder.event(d, 2, body_site="knee", side="left", sound="grinding", activity="walking") for d in days_ago]
    finding = only("persistent_crepitus", builder)
    assert key_and_tier(finding) == ("persistent_crepitus", "soon", "knee", "left")
    assert evidence_ids(finding) == ids(*grinding)


def test_persistent_crepitus_message():
    builder = someone("adult")
    for days_ago in (12, 7, 1):
        builder.event(days_ago, body_site="shoulder", side="right", sound="grinding", activity="exercise")
    assert message(only("persistent_crepitus", builder), builder) == (
        "Grinding at the right shoulder on 3 days (3 Jun to 14 Jun)."
    )


@pytest.mark.parametrize(
    "life_stage, where_and_when",
    [
        ("adult", [("left", 5), ("left", 1)]),  # grinding on 2 days only
        ("adult", [("left", 16), ("left", 9), ("left", 1)]),  # 3 days, but spread over 15 days
        ("adult", [("left", 6), ("right", 4), ("left", 1)]),  # 2 knees, not one
        ("adult", [("left", 3), ("left", 3), ("left", 3)]),  # 3 events, one day
        ("infant", [("left", 2), ("left", 2)]),  # infant: 2 events on one day
        ("infant", [("left", 9), ("left", 1)]),  # infant: 8 days apart
    ],
)
def test_persistent_crepitus_near_misses(life_stage, where_and_when):
    builder = someone(life_stage)
    for side, days_ago in where_and_when:
        builder.event(days_ago, body_site="knee", side=side, sound="grinding")
    assert findings("persistent_crepitus", builder) == []


@pytest.mark.parametrize(
    "timezone, hours_ago, fires",
    [
        # 03:00 and 05:00 UTC on 13 Jun: 23:00 on 12 Jun and 01:00 on 13 Jun in New York.
        ("America/New_York", (57, 55), True),
        ("UTC", (57, 55), False),
        # 23:00 on 12 Jun and 01:00 on 13 Jun UTC: 08:00 and 10:00 on 13 Jun in Tokyo.
        ("Asia/Tokyo", (61, 59), False),
        ("UTC", (61, 59), True),
    ],
)
def test_days_are_dates_in_the_owners_time_zone(timezone, hours_ago, fires):
    builder = someone("infant", timezone=timezone)
    grinding = [builder.event(hours_ago=h, body_site="hip", side="right", sound="grinding") for h in hours_ago]
    found = findings("persistent_crepitus", builder)
    assert [evidence_ids(f) for f in found] == ([ids(*grinding)] if fires else [])


# one_sided_limb_avoidance ---------------------------------------------------------------------

@pytest.mark.parametrize("life_stage", ["infant", "adult"])
def test_one_sided_limb_avoidance_fires_across_sites(life_stage):
    builder = someone(life_stage)
    less = [
        builder.event(days_ago=6, body_site="shoulder", side="left", sound="none", signs=["uses_one_side_less"]),
        builder.event(days_ago=1, body_site="hip", side="left", sound="click", signs=["uses_one_side_less"]),
    ]
    finding = only("one_sided_limb_avoidance", builder)
    assert key_and_tier(finding) == ("one_sided_limb_avoidance", "soon", "", "left")
    assert evidence_ids(finding) == ids(*less)
    assert message(finding, builder) == "Using the left side less was logged on 2 days (9 Jun to 14 Jun)."


@pytest.mark.parametrize(
    "sides_and_days",
    [
        [("left", 2), ("right", 1)],  # left one day, right the next
        [("left", 9), ("left", 1)],  # 8 days apart
        [("left", 1), ("left", 1)],  # twice on one day
        [("both", 3), ("both", 1)],  # no one side
        [("unknown", 3), ("unknown", 1)],
    ],
)
def test_one_sided_limb_avoidance_near_misses(sides_and_days):
    builder = someone("infant")
    for side, days_ago in sides_and_days:
        builder.event(days_ago, body_site="shoulder", side=side, sound="none", signs=["uses_one_side_less"])
    assert findings("one_sided_limb_avoidance", builder) == []


# joint_locking --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "life_stage, signs_by_day, urgency",
    [
        ("adult", {1: ["locking"]}, "urgent"),
        ("infant", {2: ["locking"]}, "urgent"),
        ("adult", {4: ["giving_way"]}, "soon"),
        ("child", {12: ["catching"], 1: ["catching"]}, "soon"),
        ("adult", {12: ["catching"], 5: ["catching"], 1: ["locking"]}, "urgent"),  # catching, then locking
        ("adult", {3: ["catching", "locking"]}, "urgent"),
    ],
)
def test_joint_locking_tiers(life_stage, signs_by_day, urgency):
    builder = someone(life_stage)
    evidence = [
        builder.event(days_ago, body_site="knee", side="right", sound="click", activity="walking", signs=signs)
        for days_ago, signs in signs_by_day.items()
    ]
    finding = only("joint_locking", builder)
    assert key_and_tier(finding) == ("joint_locking", urgency, "knee", "right")
    assert evidence_ids(finding) == ids(*evidence)


def test_joint_locking_message_names_what_was_noticed():
    builder = someone("adult")
    builder.event(days_ago=10, body_site="knee", side="left", sound="click", signs=["catching"])
    builder.event(days_ago=2, body_site="knee", side="left", sound="none", signs=["catching", "giving_way"])
    assert message(only("joint_locking", builder), builder) == (
        "Noticed at the left knee: catching and giving way, most recently on 13 Jun."
    )


@pytest.mark.parametrize(
    "sides_and_days",
    [
        [("right", 16), ("right", 1)],  # catching on 2 days, 15 days apart
        [("right", 1)],  # catching once
        [("right", 4), ("right", 4)],  # twice on one day
        [("left", 3), ("right", 1)],  # two knees
    ],
)
def test_joint_locking_near_misses_for_catching(sides_and_days):
    builder = someone("adult")
    for side, days_ago in sides_and_days:
        builder.event(days_ago, body_site="knee", side=side, sound="click", signs=["catching"])
    assert findings("joint_locking", builder) == []
