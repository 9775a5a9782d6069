"""Tables of the log and the invariants the database itself holds."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from . import vocab


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/London).")


def _in_choices(field, choices):
    """A CheckConstraint keeping ``field`` inside a vocabulary."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


class User(AbstractUser):
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    email_alerts = models.BooleanField(
        default=True, help_text="E-mail me when an alert at 'soon' or above is raised."
    )
    temperature_unit = models.CharField(
        max_length=1, choices=vocab.TemperatureUnit.choices, default=vocab.TemperatureUnit.CELSIUS
    )


class Person(models.Model):
    name = models.CharField(max_length=100)
    life_stage = models.CharField(max_length=10, choices=vocab.LifeStage.choices)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=12, choices=vocab.Sex.choices, default=vocab.Sex.UNSPECIFIED)
    risk_factors = models.JSONField(default=list, blank=True)
    hip_check_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When this person's facts, events or workouts last changed: the sweep
    # rescans anyone changed since their last scan (a write whose enqueue failed).
    # Set by logs.services, and for new events by their insert (logs/event_counts.py).
    log_changed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # How many events this person has: the API's list answers its count from here rather than
    # counting the whole log per request. Triggers keep it, whatever writes the events
    # (logs/event_counts.py), so it cannot drift from the rows.
    event_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            _in_choices("life_stage", vocab.LifeStage),
            _in_choices("sex", vocab.Sex),
            models.CheckConstraint(condition=~Q(name=""), name="logs_person_name_not_empty"),
        ]

    def __str__(self):
        return self.name


class Caregiver(models.Model):
    """A user's access to a person, with a role. The creator is the owner."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="caregivers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caregiving")
    role = models.CharField(max_length=10, choices=vocab.Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "user"], name="logs_caregiver_once_per_person"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(role=vocab.Role.OWNER), name="logs_caregiver_one_owner"
            ),
            _in_choices("role", vocab.Role),
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) of {self.person}"


class Workout(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="workouts")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    exercise = models.CharField(max_length=24, choices=vocab.Exercise.choices)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    range_of_motion = models.CharField(
        max_length=8, choices=vocab.RangeOfMotion.choices, default=vocab.RangeOfMotion.FULL
    )
    pelvic_tilt_held = models.BooleanField(null=True, blank=True)
    note = models.TextField(max_length=vocab.NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["person", "-started_at"], name="logs_workout_person_newest")]
        constraints = [
            # Lets Event reference (workout, person) together: see migration 0002.
            models.UniqueConstraint(fields=["id", "person"], name="logs_workout_id_person"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="logs_workout_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(sets__lte=100), name="logs_workout_sets_range"),
            models.CheckConstraint(condition=Q(reps__lte=1000), name="logs_workout_reps_range"),
            _in_choices("exercise", vocab.Exercise),
            _in_choices("range_of_motion", vocab.RangeOfMotion),
        ]

    def __str__(self):
        return f"{self.get_exercise_display()} on {self.started_at:%Y-%m-%d}"


class Event(models.Model):
    # No index of its own: logs_event_person_newest starts with person and serves every lookup
    # by person, and the planner then reads a person's newest events in order, never sorting them.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events", db_index=False)
    occurred_at = models.DateTimeField()
    client_id = models.UUIDField(null=True, blank=True)
    body_site = models.CharField(max_length=12, choices=vocab.BodySite.choices)
    side = models.CharField(max_length=8, choices=vocab.Side.choices, default=vocab.Side.UNKNOWN)
    sound = models.CharField(max_length=10, choices=vocab.Sound.choices)
    activity = models.CharField(max_length=20, choices=vocab.Activity.choices, default=vocab.Activity.OTHER)
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_quality = models.CharField(max_length=10, choices=vocab.PainQuality.choices, null=True, blank=True)
    radiates = models.CharField(max_length=10, choices=vocab.Radiates.choices, default=vocab.Radiates.NONE)
    signs = models.JSONField(default=list, blank=True)
    temperature_c = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    workout = models.ForeignKey(
        Workout, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    note = models.TextField(max_length=vocab.NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # "events of a person, newest first" (timeline, API list)
            models.Index(fields=["person", "-occurred_at", "-id"], name="logs_event_person_newest"),
            # "events of a person at a site in a time window" (rules, charts)
            models.Index(fields=["person", "body_site", "side", "occurred_at"], name="logs_event_person_site"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "client_id"], name="logs_event_client_id_per_person"),
            models.CheckConstraint(
                condition=Q(pain__gte=vocab.PAIN_MIN, pain__lte=vocab.PAIN_MAX) | Q(pain__isnull=True),
                name="logs_event_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    temperature_c__gte=vocab.TEMPERATURE_MIN_C, temperature_c__lte=vocab.TEMPERATURE_MAX_C
                )
                | Q(temperature_c__isnull=True),
                name="logs_event_temperature_range",
            ),
            _in_choices("body_site", vocab.BodySite),
            _in_choices("side", vocab.Side),
            _in_choices("sound", vocab.Sound),
            _in_choices("activity", vocab.Activity),
            _in_choices("radiates", vocab.Radiates),
            models.CheckConstraint(
                condition=Q(pain_quality__isnull=True) | Q(pain_quality__in=vocab.PainQuality.values),
                name="logs_event_pain_quality_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_sound_display()} at {self.get_body_site_display()} ({self.occurred_at:%Y-%m-%d %H:%M})"


class ShareLink(models.Model):
    """A read-only link to a person's report over a range of days, until it expires or is revoked.

    Only the SHA-256 of its token is stored: the link itself is shown once, when it is made
    (logs/reports/sharing.py).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="share_links")
    # The report is read in this user's time zone; their account going means their links go.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    start = models.DateField()
    end = models.DateField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="logs_sharelink_range_in_order"),
        ]

    def __str__(self):
        return f"Share link {self.pk} for {self.person} ({self.start} to {self.end})"
