"""alerts.engine.scan_immediate skips a write that logs a sound alone (no sign, temperature, pain or
radiating symptoms): this holds the immediate rules to that, over random histories."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts.engine import _shows_a_symptom
from alerts.rules import RULES
from logs import vocab

from .builder import NOW, HistoryBuilder

IMMEDIATE = [rule for rule in RULES.values() if rule.immediate]

events = st.lists(
    st.fixed_dictionaries({
        "hours_ago": st.integers(min_value=0, max_value=96),
        "body_site": st.sampled_from(vocab.BodySite.values),
        "side": st.sampled_from(vocab.Side.values),
        "sound": st.sampled_from(vocab.Sound.values),
        "signs": st.sets(st.sampled_from(vocab.Sign.values), max_size=3),
        "temperature_c": st.none() | st.sampled_from([36.5, 38.0, 39.2]),
        "pain": st.none() | st.integers(min_value=vocab.PAIN_MIN, max_value=vocab.PAIN_MAX),
        "radiates": st.sampled_from(vocab.Radiates.values),
    }),
    min_size=1, max_size=12,
)


@pytest.mark.parametrize("life_stage", vocab.LifeStage.values)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(logged=events, young=st.booleans())
def test_no_immediate_rule_takes_an_event_without_symptoms_as_evidence(life_stage, logged, young):
    builder = HistoryBuilder(life_stage=life_stage, birth_date=(NOW - timedelta(days=40 if young else 400)).date())
    for fields in logged:
        builder.event(**fields)
    history = builder.history()

    evidence = [e for rule in IMMEDIATE for finding in rule.check(history) for e in finding.evidence]

    assert all(_shows_a_symptom(event) for event in evidence)


def test_a_sound_alone_shows_no_symptom_and_anything_more_does():
    builder = HistoryBuilder()
    assert not _shows_a_symptom(builder.event(pain=0))
    assert not _shows_a_symptom(builder.event(pain=None, radiates=vocab.Radiates.NONE))
    assert all(
        _shows_a_symptom(builder.event(**fields))
        for fields in (
            {"signs": ["swelling"]}, {"temperature_c": 36.5}, {"pain": 1}, {"radiates": vocab.Radiates.ONE_LEG},
        )
    )
