"""Every controlled vocabulary of Popwatch, in one place.

The values are part of the HTTP contract (shared/product/api.md) and of the
alert rules (rules.md): never rename or drop one; add freely.
"""

import zoneinfo

from django.db import models


class LifeStage(models.TextChoices):
    INFANT = "infant"
    CHILD = "child"
    ADULT = "adult"


# The IANA names a user's time zone may take (GET/PATCH me/, the settings page);
# "localtime" is whatever zone the server runs in, never a user's.
TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})


class TemperatureUnit(models.TextChoices):
    """How a user reads and types temperatures; stored values are always °C."""

    CELSIUS = "c", "°C"
    FAHRENHEIT = "f", "°F"


class Sex(models.TextChoices):
    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class RiskFactor(models.TextChoices):
    BREECH = "breech"
    FAMILY_HISTORY_DDH = "family_history_ddh", "Family history of DDH"
    FIRST_BORN = "first_born"


class Role(models.TextChoices):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


# The roles an owner can give (the owner is whoever created the person).
SHARED_ROLES = (Role.EDITOR, Role.VIEWER)


class BodySite(models.TextChoices):
    JAW = "jaw"
    NECK = "neck"
    COLLARBONE = "collarbone"
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    WRIST = "wrist"
    HAND = "hand"
    UPPER_BACK = "upper_back"
    LOWER_BACK = "lower_back"
    HIP = "hip"
    KNEE = "knee"
    ANKLE = "ankle"
    FOOT = "foot"
    OTHER = "other"


class Side(models.TextChoices):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    MIDLINE = "midline"
    UNKNOWN = "unknown"


class Sound(models.TextChoices):
    POP = "pop"
    CLICK = "click"
    CRACK = "crack"
    SNAP = "snap"
    CLUNK = "clunk"
    GRINDING = "grinding"
    NONE = "none", "No sound (symptom check-in)"


class Activity(models.TextChoices):
    PICKED_UP = "picked_up"
    DIAPER_CHANGE = "diaper_change"
    FEEDING = "feeding"
    TUMMY_TIME = "tummy_time"
    LEG_RAISE = "leg_raise"
    EXERCISE = "exercise"
    STRETCHING = "stretching"
    SELF_MANIPULATION = "self_manipulation", "Trying to crack it"
    WALKING = "walking"
    GETTING_UP = "getting_up"
    AT_REST = "at_rest"
    SLEEPING = "sleeping"
    OTHER = "other"


class PainQuality(models.TextChoices):
    ACHE = "ache"
    SHARP = "sharp"
    SHOOTING = "shooting"
    STINGING = "stinging"
    BURNING = "burning"


class Radiates(models.TextChoices):
    NONE = "none", "Does not spread"
    ONE_LEG = "one_leg", "Down one leg"
    BOTH_LEGS = "both_legs", "Down both legs"
    ARM = "arm", "Down the arm"


class Sign(models.TextChoices):
    CRIED = "cried", "Cried right after"
    SWELLING = "swelling"
    REDNESS = "redness"
    WARMTH = "warmth"
    LIMB_NOT_MOVING = "limb_not_moving", "Not moving a limb"
    USES_ONE_SIDE_LESS = "uses_one_side_less", "Uses one side less"
    LEG_LENGTH_DIFFERENCE = "leg_length_difference", "One leg looks shorter"
    UNEVEN_SKIN_FOLDS = "uneven_skin_folds"
    LIMITED_HIP_MOVEMENT = "limited_hip_movement"
    LOCKING = "locking"
    CATCHING = "catching"
    GIVING_WAY = "giving_way"
    NUMBNESS = "numbness"
    TINGLING = "tingling"
    WEAKNESS = "weakness"
    FOOT_DROP = "foot_drop"
    SADDLE_NUMBNESS = "saddle_numbness", "Numbness between the legs"
    BLADDER_BOWEL_CHANGE = "bladder_bowel_change", "Bladder or bowel change"
    NIGHT_PAIN = "night_pain"
    RECENT_TRAUMA = "recent_trauma", "Recent fall or injury"
    UNWELL = "unwell"


class Exercise(models.TextChoices):
    STRAIGHT_LEG_RAISE = "straight_leg_raise"
    BENT_KNEE_LEG_RAISE = "bent_knee_leg_raise"
    SINGLE_LEG_RAISE = "single_leg_raise"
    HANGING_LEG_RAISE = "hanging_leg_raise"
    OTHER = "other"


class RangeOfMotion(models.TextChoices):
    FULL = "full"
    REDUCED = "reduced"
    MINIMAL = "minimal"


class Urgency(models.TextChoices):
    """Alert tiers, most urgent first (rules.md)."""

    EMERGENCY = "emergency", "Go to an emergency department or call emergency services now."
    URGENT = "urgent", "Have a doctor look today."
    SOON = "soon", "Book an appointment with a doctor or physiotherapist within days."
    TIP = "tip", "Self-care or technique advice; nothing to book."

    @classmethod
    def rank(cls, value):
        """0 for the least urgent (tip) up to 3 (emergency): higher is more urgent.

        Derived from the order of declaration above, which alert lists also sort by.
        """
        return len(cls.values) - 1 - cls.values.index(value)


# rules.md "notify caregivers": every tier but tip e-mails the caregivers at once.
NOTIFY_URGENCIES = frozenset({Urgency.SOON, Urgency.URGENT, Urgency.EMERGENCY})


class AlertStatus(models.TextChoices):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


# Groupings the rules and forms share (rules.md "Definitions").
POP_SOUNDS = frozenset({Sound.POP, Sound.CLICK, Sound.CRACK, Sound.SNAP})
BACK_SITES = frozenset({BodySite.LOWER_BACK, BodySite.UPPER_BACK})
LEG_RAISE_EXERCISES = frozenset(
    {
        Exercise.STRAIGHT_LEG_RAISE,
        Exercise.BENT_KNEE_LEG_RAISE,
        Exercise.SINGLE_LEG_RAISE,
        Exercise.HANGING_LEG_RAISE,
    }
)

PAIN_MIN, PAIN_MAX = 0, 10
TEMPERATURE_MIN_C, TEMPERATURE_MAX_C = 30, 45
FEVER_C = 38
NOTE_MAX_LENGTH = 2000

# The signs an event form offers first, by life stage; the others sit one tap
# further ("More signs"). An infant's are what a parent can see (seed 000); an
# older person's are the pain, locking and nerve signs of seeds 001 and 002.
INFANT_SIGNS_FIRST = (
    Sign.CRIED, Sign.SWELLING, Sign.REDNESS, Sign.WARMTH, Sign.LIMB_NOT_MOVING, Sign.USES_ONE_SIDE_LESS,
    Sign.LEG_LENGTH_DIFFERENCE, Sign.UNEVEN_SKIN_FOLDS, Sign.LIMITED_HIP_MOVEMENT,
)
ADULT_SIGNS_FIRST = (
    Sign.LOCKING, Sign.CATCHING, Sign.GIVING_WAY, Sign.NUMBNESS, Sign.TINGLING, Sign.WEAKNESS,
    Sign.FOOT_DROP, Sign.SADDLE_NUMBNESS, Sign.BLADDER_BOWEL_CHANGE, Sign.NIGHT_PAIN,
    Sign.RECENT_TRAUMA, Sign.SWELLING, Sign.REDNESS, Sign.WARMTH, Sign.UNWELL,
)
SIGNS_FIRST = {
    LifeStage.INFANT: INFANT_SIGNS_FIRST,
    LifeStage.CHILD: ADULT_SIGNS_FIRST,
    LifeStage.ADULT: ADULT_SIGNS_FIRST,
}
