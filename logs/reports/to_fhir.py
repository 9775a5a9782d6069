"""A report as a FHIR R4 Bundle of type ``collection``, streamed as JSON text.

The bundle holds a Patient for the person, one Observation per event of the range
(oldest first) and one DetectedIssue per alert of the report (most urgent first),
whose evidence references the Observations of its events. An event of the evidence
outside the range is named by its identifier alone: it is not in the bundle. Codes
and their sources are in ``fhir_codes``; every entry's fullUrl is a UUID derived from
the row's identifier, so exporting again names each resource the same.
"""

import uuid

from django.utils import timezone

from logs import vocab

from . import fhir_codes as codes
from .to_json import streamed


def bundle_of(report):
    """Chunks of the bundle's JSON text."""
    patient = _full_url("persons", report.person.pk)
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.localtime(timezone=report.time_zone).isoformat(),
        "entry": _entries(report, patient),
    }
    return streamed(document)


def _entries(report, patient):
    yield {"fullUrl": patient, "resource": _patient(report.person)}
    for event in report.events:
        yield {"fullUrl": _full_url("events", event.pk), "resource": _observation(event, patient, report.time_zone)}
    for alert in report.alerts:
        yield {"fullUrl": _full_url("alerts", alert.pk), "resource": _detected_issue(alert, patient, report)}


def _patient(person):
    return _without_empty({
        "resourceType": "Patient",
        "identifier": [_identifier("persons", person.pk)],
        "name": [{"text": person.name}],
        "gender": codes.GENDER[person.sex],
        "birthDate": person.birth_date.isoformat() if person.birth_date else None,
    })


def _observation(event, patient, time_zone):
    return _without_empty({
        "resourceType": "Observation",
        "identifier": [_identifier("events", event.pk)],
        "status": "final",
        "code": _popwatch_concept(codes.SOUND, vocab.Sound, event.sound),
        "subject": {"reference": patient},
        "effectiveDateTime": event.occurred_at.astimezone(time_zone).isoformat(),
        "bodySite": _body_site(event),
        "component": _components(event),
        "note": [{"text": event.note}] if event.note else None,
    })


def _body_site(event):
    site = vocab.BodySite(event.body_site)
    side = vocab.Side(event.side)
    concept = {
        "coding": [{"system": codes.SNOMED_CT, "code": codes.BODY_SITES[site]}],
        "text": site.label if side == vocab.Side.UNKNOWN else f"{site.label}, {side.label.lower()}",
    }
    if side in codes.LATERALITY:
        code, display = codes.LATERALITY[side]
        concept["extension"] = [{
            "url": codes.LATERALITY_EXTENSION,
            "valueCodeableConcept": {"coding": [{"system": codes.SNOMED_CT, "code": code, "display": display}]},
        }]
    return concept


def _components(event):
    """What else was logged with the sound: pain, its quality and spread, temperature, activity, each sign."""
    components = []
    if event.pain is not None:
        code, display = codes.PAIN_SCORE
        components.append({"code": _loinc(code, display), "valueInteger": event.pain})
    if event.pain_quality:
        components.append(_field("pain_quality", codes.PAIN_QUALITY, vocab.PainQuality, event.pain_quality))
    if event.radiates != vocab.Radiates.NONE:
        components.append(_field("radiates", codes.RADIATES, vocab.Radiates, event.radiates))
    if event.temperature_c is not None:
        code, display = codes.BODY_TEMPERATURE
        components.append({
            "code": _loinc(code, display),
            "valueQuantity": {
                "value": float(event.temperature_c), "unit": "°C", "system": codes.UCUM, "code": codes.CELSIUS,
            },
        })
    components.append(_field("activity", codes.ACTIVITY, vocab.Activity, event.activity))
    components.extend(
        {"code": _popwatch_concept(codes.SIGN, vocab.Sign, sign), "valueBoolean": True} for sign in event.signs
    )
    return components


def _field(name, system, vocabulary, value):
    """A component holding the value of the event's field ``name`` (a vocabulary value)."""
    return {
        "code": {
            "coding": [{"system": codes.popwatch_system(codes.EVENT_FIELD), "code": name}],
            "text": name.replace("_", " ").capitalize(),
        },
        "valueCodeableConcept": _popwatch_concept(system, vocabulary, value),
    }


def _detected_issue(alert, patient, report):
    return _without_empty({
        "resourceType": "DetectedIssue",
        "identifier": [_identifier("alerts", alert.pk)],
        "status": "final",
        "code": {
            "coding": [{"system": codes.popwatch_system(codes.ALERT_RULE), "code": alert.rule}],
            "text": alert.title,
        },
        "severity": codes.SEVERITY[alert.urgency],
        "patient": {"reference": patient},
        "identifiedDateTime": alert.first_seen_at.astimezone(report.time_zone).isoformat(),
        "evidence": [{"detail": [_evidence(event, report) for event in alert.evidence_events]}]
        if alert.evidence_events else None,
        "detail": alert.message,
    })


def _evidence(event, report):
    if report.covers(event.occurred_at):
        return {"reference": _full_url("events", event.pk)}
    return {"identifier": _identifier("events", event.pk), "display": "An event outside the exported days"}


def _popwatch_concept(system, vocabulary, value):
    label = vocabulary(value).label
    return {"coding": [{"system": codes.popwatch_system(system), "code": value, "display": label}], "text": label}


def _loinc(code, display):
    return {"coding": [{"system": codes.LOINC, "code": code, "display": display}], "text": display}


def _identifier(collection, pk):
    return {"system": codes.identifier_system(collection), "value": str(pk)}


def _full_url(collection, pk):
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, codes.identifier_system(collection) + str(pk))}"


def _without_empty(resource):
    """FHIR JSON has no nulls and no empty arrays: leave such elements out."""
    return {key: value for key, value in resource.items() if value not in (None, [])}
