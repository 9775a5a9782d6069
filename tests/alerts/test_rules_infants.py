"""The infant rules of rules.md, each over a baby's everyday log plus the events that matter."""

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


def baby(age_days=40, *, everyday=True, **person):
    """A baby ``age_days`` old today (None: birth date unknown) with three weeks of harmless pops."""
    birth_date = None if age_days is None else NOW.date() - timedelta(days=age_days)
    builder = HistoryBuilder(life_stage="infant", birth_date=birth_date, **person)
    if everyday:
        add_everyday_infant_log(builder)
    return builder




# One event that meets each infant rule (with a risk factor on the person where needed).
TRIGGERS = {
    "infant_fever_young": dict(body_site="knee", side="left", sound="none", temperature_c=38.5),
    "limb_not_moving": dict(body_site="elbow", side="right", sound="none", signs=["limb_not_moving"]),
    "pain_after_sound": dict(body_site="hip", side="right", sound="pop", signs=["cried"]),
    "hip_clunk": dict(body_site="hip", side="left", sound="clunk"),
    "hip_asymmetry": dict(body_site="hip", side="left", sound="none", signs=["uneven_skin_folds"]),
    "hip_click_risk_factors": dict(body_site="hip", side="left", sound="click"),
}


@pytest.mark.parametrize("rule_code", TRIGGERS)
@pytest.mark.parametrize("life_stage, fires", [("infant", True), ("child", False), ("adult", False)])
def test_infant_rules_fire_only_for_infants(rule_code, life_stage, fires):
    builder = HistoryBuilder(
        life_stage=life_stage, sex="female", birth_date=NOW.date() - timedelta(days=40)
    )
    builder.event(days_ago=1, **TRIGGERS[rule_code])
    assert len(findings(rule_code, builder)) == int(fires)


# infant_fever_young ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "age_days, fever_days_ago, temperature, urgency",
    [
        (40, 2, 38.4, "emergency"),
        (89, 0, 38.0, "emergency"),  # 38.0 is a fever; 89 days is under 90
        (92, 3, 39.1, "emergency"),  # 89 days old at the fever's time, though 92 at the scan
        (None, 1, 38.2, "urgent"),  # age unknown
    ],
)
def test_infant_fever_young_fires(age_days, fever_days_ago, temperature, urgency):
    builder = baby(age_days)
    fever = builder.event(days_ago=fever_days_ago, hours_ago=1, body_site="knee", sound="none", temperature_c=temperature)
    finding = only("infant_fever_young", builder)
    assert (finding.rule, finding.urgency, finding.body_site, finding.side) == ("infant_fever_young", urgency, "", "")
    assert evidence_ids(finding) == ids(fever)


@pytest.mark.parametrize(
    "age_days, temperature",
    [(91, 38.6), (90, 38.2), (40, 37.9), (200, 39.0)],
)
def test_infant_fever_young_near_misses(age_days, temperature):
    builder = baby(age_days)
    builder.event(hours_ago=1, body_site="knee", sound="none", temperature_c=temperature)
    assert findings("infant_fever_young", builder) == []


def test_infant_fever_young_keeps_only_fevers_before_90_days():
    builder = baby(95)
    early = builder.event(days_ago=6, body_site="hip", side="left", sound="click", temperature_c=38.3)
    builder.event(days_ago=2, body_site="hip", side="left", sound="click", temperature_c=38.7)  # 93 days old
    finding = only("infant_fever_young", builder)
    assert finding.urgency == "emergency"
    assert evidence_ids(finding) == ids(early)
    assert message(finding, builder) == "A temperature of 38.3 °C was logged on 9 Jun, when the baby was 89 days old."


def test_infant_fever_young_message_when_age_is_unknown():
    builder = baby(None, everyday=False)
    builder.event(days_ago=1, sound="none", temperature_c=38.25)
    assert message(only("infant_fever_young", builder), builder) == (
        "A temperature of 38.2 °C was logged on 14 Jun; the baby's birth date is not recorded."
    )


# limb_not_moving ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "fever_hours_after, temperature, urgency",
    [
        (None, None, "urgent"),
        (30, 38.6, "emergency"),  # a fever 30 h later raises it
        (-30, 38.6, "emergency"),  # ... and so does one 30 h before
        (0, 38.1, "emergency"),  # logged at the same moment
        (50, 38.6, "urgent"),  # more than 48 h away
        (30, 37.8, "urgent"),  # not a fever
    ],
)
def test_limb_not_moving_tiers(fever_hours_after, temperature, urgency):
    builder = baby()
    limb = builder.event(days_ago=4, body_site="shoulder", side="left", sound="none", signs=["limb_not_moving"])
    evidence = [limb]
    if fever_hours_after is not None:
        fever = builder.event(days_ago=4, hours_ago=-fever_hours_after, body_site="knee", sound="none", temperature_c=temperature)
        if urgency == "emergency":
            evidence.append(fever)
    finding = only("limb_not_moving", builder)
    assert (finding.urgency, finding.body_site, finding.side) == (urgency, "shoulder", "left")
    assert evidence_ids(finding) == ids(*evidence)


def test_limb_not_moving_is_one_alert_per_site_and_side():
    builder = baby()
    left = builder.event(days_ago=3, body_site="hip", side="left", sound="none", signs=["limb_not_moving"])
    right = builder.event(days_ago=1, body_site="hip", side="right", sound="none", signs=["limb_not_moving"])
    fever = builder.event(hours_ago=2, body_site="knee", sound="none", temperature_c=38.4)  # 22 h after the right one
    found = {(f.body_site, f.side): f for f in findings("limb_not_moving", builder)}
    assert {key: (f.urgency, evidence_ids(f)) for key, f in found.items()} == {
        ("hip", "left"): ("urgent", ids(left)),
        ("hip", "right"): ("emergency", ids(right, fever)),
    }
    assert message(found["hip", "right"], builder) == (
        "The baby was not moving a limb at the right hip, with a temperature of 38.4 °C within 48 hours."
    )


# pain_after_sound -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "hours_between, urgency",
    [(None, "soon"), (30, "urgent"), (48, "urgent"), (50, "soon")],
)
def test_pain_after_sound_escalates_on_a_second_cry_within_48_hours(hours_between, urgency):
    builder = baby()
    cries = [builder.event(days_ago=5, body_site="hip", side="right", sound="click", activity="diaper_change", signs=["cried"])]
    if hours_between is not None:
        cries.append(builder.event(days_ago=5, hours_ago=-hours_between, body_site="hip", side="right", sound="pop", signs=["cried"]))
    finding = only("pain_after_sound", builder)
    assert (finding.urgency, finding.body_site, finding.side) == (urgency, "hip", "right")
    assert evidence_ids(finding) == ids(*cries)


def test_pain_after_sound_counts_each_site_and_side_apart():
    builder = baby()
    left = builder.event(days_ago=2, body_site="hip", side="left", sound="click", signs=["cried"])
    right = builder.event(days_ago=1, body_site="hip", side="right", sound="click", signs=["cried"])
    found = {(f.body_site, f.side): f for f in findings("pain_after_sound", builder)}
    assert {key: (f.urgency, evidence_ids(f)) for key, f in found.items()} == {
        ("hip", "left"): ("soon", ids(left)),
        ("hip", "right"): ("soon", ids(right)),
    }
    assert message(found["hip", "right"], builder) == (
        "The baby cried right after a sound from the right hip, most recently on 14 Jun."
    )


@pytest.mark.parametrize(
    "fields",
    [
        dict(sound="none", signs=["cried"]),  # crying with no joint sound
        dict(sound="click", pain=3),  # pain without crying is not this rule's sign
    ],
)
def test_pain_after_sound_near_misses(fields):
    builder = baby()
    builder.event(days_ago=1, body_site="hip", side="left", **fields)
    assert findings("pain_after_sound", builder) == []


# hip_clunk ------------------------------------------------------------------------------------

def test_hip_clunk_fires_on_one_clunk():
    builder = baby()
    clunk = builder.event(days_ago=6, body_site="hip", side="left", sound="clunk", activity="diaper_change")
    finding = only("hip_clunk", builder)
    assert (finding.urgency, finding.body_site, finding.side) == ("soon", "hip", "left")
    assert evidence_ids(finding) == ids(clunk)
    assert message(finding, builder) == "A clunk was logged at the left hip, most recently on 9 Jun."


@pytest.mark.parametrize("site, sound", [("knee", "clunk"), ("hip", "click"), ("hip", "snap")])
def test_hip_clunk_near_misses(site, sound):
    builder = baby()
    builder.event(days_ago=1, body_site=site, side="left", sound=sound)
    assert findings("hip_clunk", builder) == []


# hip_asymmetry --------------------------------------------------------------------------------

@pytest.mark.parametrize("sign", ["leg_length_difference", "uneven_skin_folds", "limited_hip_movement"])
def test_hip_asymmetry_fires_on_each_named_sign(sign):
    builder = baby(120)
    noticed = builder.event(days_ago=3, body_site="hip", side="right", sound="none", signs=[sign])
    finding = only("hip_asymmetry", builder)
    assert (finding.urgency, finding.body_site, finding.side) == ("soon", "hip", "right")
    assert evidence_ids(finding) == ids(noticed)


def test_hip_asymmetry_gathers_signs_at_one_site_and_side():
    builder = baby()
    shorter = builder.event(days_ago=8, body_site="hip", side="left", sound="none", signs=["leg_length_difference"])
    folds = builder.event(days_ago=2, body_site="hip", side="left", sound="click", signs=["uneven_skin_folds"])
    finding = only("hip_asymmetry", builder)
    assert evidence_ids(finding) == ids(shorter, folds)
    assert message(finding, builder) == (
        "Noticed at the left hip: one leg looks shorter and uneven skin folds, most recently on 13 Jun."
    )


def test_hip_asymmetry_stays_quiet_without_a_named_sign():
    builder = baby()
    builder.event(days_ago=1, body_site="hip", side="left", sound="click", signs=["uses_one_side_less"])
    assert findings("hip_asymmetry", builder) == []


# hip_click_risk_factors -----------------------------------------------------------------------

def clicky_hips(**person):
    """Painless left-hip clicks at changes, and sounds this rule must leave out."""
    builder = baby(everyday=False, **person)
    clicks = [
        builder.event(days_ago=9, body_site="hip", side="left", sound="click", activity="diaper_change"),
        builder.event(days_ago=2, body_site="hip", side="left", sound="click", activity="diaper_change", pain=0),
    ]
    builder.event(days_ago=5, body_site="hip", side="left", sound="click", signs=["cried"])  # not painless
    builder.event(days_ago=4, body_site="hip", side="left", sound="pop")  # a pop, not a click
    builder.event(days_ago=3, body_site="knee", side="left", sound="click")  # not the hip
    return builder, clicks


@pytest.mark.parametrize(
    "person, risk",
    [
        (dict(sex="female"), "is a girl"),
        (dict(risk_factors=["breech"]), "was in a breech position"),
        (dict(risk_factors=["family_history_ddh", "first_born"]), "has a family history of hip dysplasia"),
        (dict(sex="female", risk_factors=["breech"]), "was in a breech position and is a girl"),
    ],
)
def test_hip_click_risk_factors_gives_a_tip(person, risk):
    builder, clicks = clicky_hips(**person)
    finding = only("hip_click_risk_factors", builder)
    assert (finding.urgency, finding.body_site, finding.side) == ("tip", "hip", "left")
    assert evidence_ids(finding) == ids(*clicks)
    assert message(finding, builder) == (
        f"A painless click was logged at the left hip, most recently on 13 Jun, and the baby {risk}."
    )


@pytest.mark.parametrize(
    "person",
    [
        dict(sex="male"),  # no risk factor
        dict(sex="unspecified", risk_factors=["first_born"]),  # first_born alone does not count
        dict(sex="female", risk_factors=["breech"], hip_check_done=True),  # hips already checked
    ],
)
def test_hip_click_risk_factors_near_misses(person):
    builder, _ = clicky_hips(**person)
    assert findings("hip_click_risk_factors", builder) == []
