"""The FHIR export: an R4 Bundle that validates, with a code for every body site, side, score and alert.

fhir.resources 8 loads FHIR R5 from ``fhir.resources``; its ``R4B`` package (FHIR 4.3.0) is the
release closest to R4 it ships, identical to R4 for Patient, Observation, DetectedIssue and Bundle.
"""

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle

from logs import vocab
from logs.reports import fhir_codes, to_fhir
from logs.reports.data import report_for
from tests.factories import make_alert, make_event, make_person
from tests.logs.reports.exported import fhir_resources, varied_history

DAY = datetime(2026, 6, 3, 9, tzinfo=UTC)


def exported(person, time_zone=UTC, start=date(2026, 6, 1), end=date(2026, 6, 30)):
    report = report_for(person, start=start, end=end, time_zone=time_zone)
    return json.loads("".join(to_fhir.bundle_of(report)))


def only_observation(person, **fields):
    make_event(person, occurred_at=DAY, **fields)
    [observation] = fhir_resources(exported(person), "Observation")
    return observation


def components_coded(observation, system, code=None):
    return [
        c for c in observation.get("component", [])
        if c["code"]["coding"][0]["system"] == system and code in (None, c["code"]["coding"][0]["code"])
    ]


def test_the_bundle_validates_as_fhir_with_a_patient_an_observation_per_event_and_an_issue_per_alert(owner, person):
    events = varied_history(person, owner, date(2026, 6, 3))

    document = exported(person, time_zone=ZoneInfo("America/New_York"))

    bundle = Bundle.model_validate(document)
    assert (bundle.type, bundle.get_resource_type()) == ("collection", "Bundle")
    assert [entry.resource.get_resource_type() for entry in bundle.entry] == (
        ["Patient"] + ["Observation"] * len(events) + ["DetectedIssue"]
    )
    observations = fhir_resources(document, "Observation")
    assert [o["identifier"][0]["value"] for o in observations] == [str(e.pk) for e in events]
    assert observations[0]["effectiveDateTime"] == "2026-06-03T04:00:00-04:00"


def test_a_bundle_without_events_or_alerts_still_validates(person):
    document = exported(person)

    Bundle.model_validate(document)
    assert [entry["resource"]["resourceType"] for entry in document["entry"]] == ["Patient"]


def test_the_patient_is_the_person(owner):
    maya = make_person(owner, name="Maya", life_stage="infant", sex="female", birth_date=date(2026, 8, 30))
    robin = make_person(owner, name="Robin")

    [patient] = fhir_resources(exported(maya), "Patient")
    [unspecified] = fhir_resources(exported(robin), "Patient")

    assert (patient["name"], patient["gender"], patient["birthDate"]) == ([{"text": "Maya"}], "female", "2026-08-30")
    assert patient["identifier"] == [{"system": fhir_codes.identifier_system("persons"), "value": str(maya.pk)}]
    assert (unspecified["gender"], "birthDate" in unspecified) == ("unknown", False)


def test_every_body_site_has_a_snomed_ct_code():
    assert set(fhir_codes.BODY_SITES) == set(vocab.BodySite.values)


@pytest.mark.parametrize("site", vocab.BodySite.values)
def test_each_body_site_goes_out_as_its_snomed_ct_code_with_its_words(person, site):
    observation = only_observation(person, body_site=site)

    assert observation["bodySite"]["coding"] == [{"system": fhir_codes.SNOMED_CT, "code": fhir_codes.BODY_SITES[site]}]
    assert observation["bodySite"]["text"] == vocab.BodySite(site).label


@pytest.mark.parametrize(
    "side, code, text",
    [("left", "7771000", "Hip, left"), ("right", "24028007", "Hip, right"), ("both", "51440002", "Hip, both"),
     ("midline", "399488007", "Hip, midline"), ("unknown", None, "Hip")],
)
def test_the_side_is_a_snomed_ct_laterality_qualifier_on_the_body_site(person, side, code, text):
    body_site = only_observation(person, body_site="hip", side=side)["bodySite"]

    qualifiers = [
        coding["code"]
        for extension in body_site.get("extension", []) if extension["url"] == fhir_codes.LATERALITY_EXTENSION
        for coding in extension["valueCodeableConcept"]["coding"]
    ]
    assert qualifiers == ([code] if code else [])
    assert body_site["text"] == text


def verhoeff_is_valid(number):
    """SNOMED CT identifiers end in a Verhoeff check digit (SNOMED CT Technical Implementation Guide, 6.8)."""
    d = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
         [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
         [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
         [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
    p = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
         [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
         [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
    check = 0
    for position, digit in enumerate(reversed(number)):
        check = d[check][p[position % 8][int(digit)]]
    return check == 0


def loinc_is_valid(code):
    """A LOINC code is digits, a hyphen and their mod-10 (Luhn) check digit (LOINC Users' Guide, "Check digit")."""
    digits, check = code.split("-")
    total = 0
    for position, digit in enumerate(reversed(digits)):
        doubled = int(digit) * (2 if position % 2 == 0 else 1)
        total += doubled // 10 + doubled % 10
    return (10 - total % 10) % 10 == int(check)


SNOMED_CODES = [*fhir_codes.BODY_SITES.values(), *(code for code, _display in fhir_codes.LATERALITY.values())]


@pytest.mark.parametrize("code", SNOMED_CODES)
def test_every_snomed_ct_code_is_a_concept_id_with_a_valid_check_digit(code):
    assert re.fullmatch(r"[1-9][0-9]{5,17}", code)
    assert code[-3:-1] == "00"  # the partition of a concept (not a description or relationship)
    assert verhoeff_is_valid(code)


@pytest.mark.parametrize("code", [fhir_codes.PAIN_SCORE[0], fhir_codes.BODY_TEMPERATURE[0]])
def test_every_loinc_code_has_a_valid_check_digit(code):
    assert loinc_is_valid(code)


def test_the_check_digit_tests_catch_a_typo():
    assert not verhoeff_is_valid("24136002")
    assert not loinc_is_valid("72514-4")


@pytest.mark.parametrize("pain", [0, 7])
def test_pain_is_a_component_coded_loinc_72514_3_even_at_zero(person, pain):
    observation = only_observation(person, pain=pain, pain_quality="sharp")

    [score] = components_coded(observation, fhir_codes.LOINC, "72514-3")
    [quality] = components_coded(observation, fhir_codes.popwatch_system(fhir_codes.EVENT_FIELD), "pain_quality")
    assert score["valueInteger"] == pain
    assert quality["valueCodeableConcept"]["coding"][0]["code"] == "sharp"


def test_without_a_pain_score_there_is_no_pain_component(person):
    assert components_coded(only_observation(person), fhir_codes.LOINC) == []


def test_signs_temperature_spreading_activity_and_note_go_with_the_sound(person):
    observation = only_observation(
        person, sound="clunk", signs=["locking", "swelling"], temperature_c=Decimal("38.6"), radiates="both_legs",
        activity="walking", note="After the stairs",
    )

    assert observation["code"]["coding"] == [
        {"system": fhir_codes.popwatch_system(fhir_codes.SOUND), "code": "clunk", "display": "Clunk"}
    ]
    signs = components_coded(observation, fhir_codes.popwatch_system(fhir_codes.SIGN))
    assert [(s["code"]["coding"][0]["code"], s["valueBoolean"]) for s in signs] == [
        ("locking", True), ("swelling", True),
    ]
    [temperature] = components_coded(observation, fhir_codes.LOINC, "8310-5")
    assert temperature["valueQuantity"] == {"value": 38.6, "unit": "°C", "system": fhir_codes.UCUM, "code": "Cel"}
    field = fhir_codes.popwatch_system(fhir_codes.EVENT_FIELD)
    assert components_coded(observation, field, "radiates")[0]["valueCodeableConcept"]["coding"][0]["code"] == (
        "both_legs"
    )
    assert components_coded(observation, field, "activity")[0]["valueCodeableConcept"]["coding"][0]["code"] == (
        "walking"
    )
    assert observation["note"] == [{"text": "After the stairs"}]


def test_an_alert_is_a_detected_issue_whose_evidence_points_at_its_observations(person):
    before = make_event(person, occurred_at=datetime(2026, 5, 20, 9, tzinfo=UTC))
    inside = make_event(person, occurred_at=DAY)
    alert = make_alert(person, [before, inside], rule="joint_locking", urgency="urgent", title="Locking at the knee")

    document = exported(person)

    Bundle.model_validate(document)
    [issue] = fhir_resources(document, "DetectedIssue")
    urls = {entry["resource"]["identifier"][0]["value"]: entry["fullUrl"] for entry in document["entry"]}
    assert issue["code"]["coding"] == [{"system": fhir_codes.popwatch_system(fhir_codes.ALERT_RULE),
                                        "code": "joint_locking"}]
    assert (issue["code"]["text"], issue["severity"], issue["identifier"][0]["value"]) == (
        "Locking at the knee", "high", str(alert.pk),
    )
    outside, within = issue["evidence"][0]["detail"]
    assert within == {"reference": urls[str(inside.pk)]}
    # The event before the range is not in the bundle: named, not referenced.
    assert "reference" not in outside
    assert outside["identifier"] == {"system": fhir_codes.identifier_system("events"), "value": str(before.pk)}


def test_every_reference_resolves_inside_the_bundle_and_urls_stay_the_same_from_one_export_to_the_next(owner, person):
    varied_history(person, owner, date(2026, 6, 3))

    document = exported(person)

    urls = [entry["fullUrl"] for entry in document["entry"]]
    text = json.dumps(document)
    references = set(re.findall(r'"reference": "([^"]+)"', text))
    assert len(set(urls)) == len(urls)
    assert references and references <= set(urls)
    assert [entry["fullUrl"] for entry in exported(person)["entry"]] == urls


def test_no_element_is_null_or_an_empty_array_as_fhir_json_requires(owner, person):
    """fhir.resources lets these pass; FHIR's JSON format forbids them."""
    varied_history(person, owner, date(2026, 6, 3))
    make_event(person, occurred_at=DAY)  # no pain, no signs, no note

    def empties(value):
        if isinstance(value, dict):
            return [key for key, item in value.items() if item is None or item == [] or item == {}] + [
                key for item in value.values() for key in empties(item)
            ]
        return [key for item in value for key in empties(item)] if isinstance(value, list) else []

    assert empties(exported(person)) == []


def test_every_tier_has_a_severity_from_fhirs_required_value_set():
    assert set(fhir_codes.SEVERITY) == set(vocab.Urgency.values)
    assert set(fhir_codes.SEVERITY.values()) <= {"high", "moderate", "low"}
