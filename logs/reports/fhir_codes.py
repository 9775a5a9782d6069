"""The codes of the FHIR export, each checked against the source cited beside it.

Public terminologies name the body sites, the sides, the pain score and the temperature.
Nothing public names a joint's pop or click, so the sounds, signs and other vocabularies
of ``logs.vocab`` go out in Popwatch's own code systems, under the site's address.
"""

from django.conf import settings

from logs import vocab

SNOMED_CT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

# Body sites as SNOMED CT body structures. The codes are those DICOM PS3.16 gives the
# matching "Body Part Examined" terms (Annex L, "Correspondence of Anatomic Region Codes
# and Body Part Examined Defined Terms", in brackets; dicom.nema.org/medical/dicom/current/
# output/chtml/part16/chapter_L.html). All are in FHIR R4's body-site value set
# (hl7.org/fhir/R4/valueset-body-site.html: SNOMED CT is-a 442083009).
BODY_SITES = {
    vocab.BodySite.JAW: "53620006",  # Temporomandibular joint structure [TMJ]
    vocab.BodySite.NECK: "45048000",  # Neck structure [NECK]
    vocab.BodySite.COLLARBONE: "51299004",  # Bone structure of clavicle [CLAVICLE]
    vocab.BodySite.SHOULDER: "16982005",  # Shoulder region structure [SHOULDER]
    vocab.BodySite.ELBOW: "16953009",  # Elbow joint structure [ELBOW]
    vocab.BodySite.WRIST: "74670003",  # Wrist joint structure [WRIST]
    vocab.BodySite.HAND: "85562004",  # Hand structure [HAND]
    vocab.BodySite.UPPER_BACK: "122495006",  # Thoracic spine structure [TSPINE]
    vocab.BodySite.LOWER_BACK: "122496007",  # Lumbar spine structure [LSPINE]
    vocab.BodySite.HIP: "24136001",  # Hip joint structure [HIP]
    vocab.BodySite.KNEE: "72696002",  # Knee region structure [KNEE]
    vocab.BodySite.ANKLE: "70258002",  # Ankle joint structure [ANKLE]
    vocab.BodySite.FOOT: "56459004",  # Foot structure [FOOT]
    # No DICOM term: the root of FHIR R4's body-site value set, "Anatomical or acquired
    # body structure"; the words the person chose ("Other") go in the text.
    vocab.BodySite.OTHER: "442083009",
}

# The side as a SNOMED CT laterality qualifier, carried on bodySite by the extension of
# HL7's mCODE implementation guide (R4), whose value set has exactly these four:
# hl7.org/fhir/us/mcode/StructureDefinition-mcode-laterality-qualifier.html and
# hl7.org/fhir/us/mcode/ValueSet-mcode-laterality-qualifier-vs.html. "unknown" has none.
LATERALITY_EXTENSION = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
LATERALITY = {
    vocab.Side.LEFT: ("7771000", "Left (qualifier value)"),
    vocab.Side.RIGHT: ("24028007", "Right (qualifier value)"),
    vocab.Side.BOTH: ("51440002", "Right and left (qualifier value)"),
    vocab.Side.MIDLINE: ("399488007", "Midline (qualifier value)"),
}

# loinc.org/72514-3: the 0-10 score a person gives, as the API's pain field is.
PAIN_SCORE = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
# FHIR R4 body temperature profile (hl7.org/fhir/R4/bodytemp.html): LOINC 8310-5, in UCUM Cel.
BODY_TEMPERATURE = ("8310-5", "Body temperature")
CELSIUS = "Cel"

# Patient.gender (AdministrativeGender, hl7.org/fhir/R4/valueset-administrative-gender.html).
GENDER = {vocab.Sex.FEMALE: "female", vocab.Sex.MALE: "male", vocab.Sex.UNSPECIFIED: "unknown"}

# DetectedIssue.severity (required binding, hl7.org/fhir/R4/valueset-detectedissue-severity.html):
# an alert that sends someone to a doctor today or now is high, "within days" moderate.
SEVERITY = {
    vocab.Urgency.EMERGENCY: "high",
    vocab.Urgency.URGENT: "high",
    vocab.Urgency.SOON: "moderate",
    vocab.Urgency.TIP: "low",
}

# Popwatch's own code systems: one per vocabulary, the codes being the API's values.
SOUND = "joint-sound"
SIGN = "sign"
ACTIVITY = "activity"
PAIN_QUALITY = "pain-quality"
RADIATES = "radiates"
ALERT_RULE = "alert-rule"
EVENT_FIELD = "event-field"  # names what an Observation component holds, by the API's field name


def popwatch_system(name):
    """The URI of one of Popwatch's code systems: an address this site controls, as FHIR asks."""
    return f"{settings.SITE_URL}/fhir/CodeSystem/{name}"


def identifier_system(collection):
    """The URI under which ids of ``collection`` ("persons", "events") are the API's ids."""
    return f"{settings.SITE_URL}/api/v1/{collection}/"
