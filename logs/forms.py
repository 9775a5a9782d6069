"""The pages' forms: one per write, fields named as the API's (web.md).

Choices and limits come from ``vocab``, field checks from ``validators``: a form
accepts exactly what the API's serializer accepts. A view passes a form's
``cleaned_data`` to one service as keyword arguments.
"""

from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from . import selectors, validators, vocab
from .api.filters import EventFilter
from .models import Workout
from .reports.sharing import EXPIRES_IN_DAYS


class PersonForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name")
    life_stage = forms.ChoiceField(
        choices=vocab.LifeStage.choices, widget=forms.RadioSelect, label="Life stage"
    )
    birth_date = forms.DateField(
        required=False, label="Birth date", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Helps the rules for young infants (fever under 90 days).",
    )
    sex = forms.ChoiceField(
        choices=vocab.Sex.choices, widget=forms.RadioSelect, initial=vocab.Sex.UNSPECIFIED, label="Sex"
    )
    risk_factors = forms.MultipleChoiceField(
        choices=vocab.RiskFactor.choices, widget=forms.CheckboxSelectMultiple, required=False,
        label="Hip (DDH) risk factors", validators=[validators.no_repeats],
    )
    hip_check_done = forms.BooleanField(required=False, label="A hip check (ultrasound or exam) was done")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        validators.not_after_users_today(value, self.user)
        return value



class SettingsForm(forms.Form):
    """The preferences of GET/PATCH me/ (MeSerializer), under the same names."""

    timezone = forms.ChoiceField(
        choices=[(zone, zone.replace("_", " ")) for zone in vocab.TIME_ZONES], label="Time zone",
        help_text="Times are shown, and typed, in this zone.",
    )
    email_alerts = forms.BooleanField(
        required=False, label="E-mail me when an alert at “soon” or above is raised",
    )
    temperature_unit = forms.ChoiceField(
        choices=vocab.TemperatureUnit.choices, widget=forms.RadioSelect, label="Temperatures in",
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password.")
        return password


class CaregiverForm(forms.Form):
    """Share a person (POST persons/{id}/caregivers/): posting again changes the role."""

    user = forms.CharField(
        max_length=254, label="Username or e-mail",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
        help_text="They need a Popwatch account.",
    )
    role = forms.ChoiceField(
        choices=[(role, role.label) for role in vocab.SHARED_ROLES],
        widget=forms.RadioSelect, label="Role", initial=vocab.Role.EDITOR,
        help_text="Editors log and edit events and workouts; viewers only read.",
    )

    def clean_user(self):
        user = selectors.user_by_username_or_email(self.cleaned_data["user"].strip())
        if user is None:
            raise forms.ValidationError("No user with this username or e-mail.")
        return user


# --- Events and workouts (the quick log, the edit page, the timeline, workouts) ---

WHEN_CHOICES = [(0, "Now"), (5, "5 min ago"), (60, "1 h ago")]
NOT_KNOWN = ("", "Not known")

# What a new event copies from the person's last one, so that site, sound and Save
# are the only taps. Never the signs, the temperature or the note: they describe one
# moment, and copying them would raise alerts about something nobody saw this time.
CARRIED_OVER = ("side", "activity", "pain", "pain_quality", "radiates")

# The fields behind "More details", in the order a life stage needs them: a parent
# looks for signs and fever; an older person for pain, where it spreads, nerve signs.
_MORE_FOR_OLDER = ("pain", "pain_quality", "radiates", "signs", "side", "activity", "temperature", "workout", "note")
MORE_FIELDS = {
    vocab.LifeStage.INFANT: (
        "side", "activity", "signs", "temperature", "pain", "pain_quality", "radiates", "workout", "note",
    ),
    vocab.LifeStage.CHILD: _MORE_FOR_OLDER,
    vocab.LifeStage.ADULT: _MORE_FOR_OLDER,
}


def _one_tap(vocabulary, label, *, default):
    """An optional one-tap choice; left empty, it is the API's default for the field."""
    return forms.TypedChoiceField(
        choices=vocabulary.choices, widget=forms.RadioSelect, required=False,
        empty_value=default, initial=default, label=label,
    )


def _time_picker(**kwargs):
    """A datetime-local input, read in the user's time zone; from 1900 to 5 minutes ahead."""
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    return forms.DateTimeField(
        widget=widget, validators=[validators.not_before_1900, validators.not_in_future], **kwargs
    )


def _note():
    return forms.CharField(
        required=False, max_length=vocab.NOTE_MAX_LENGTH, label="Note", widget=forms.Textarea(attrs={"rows": 3})
    )


def _in_users_unit(value_c, unit):
    """A stored °C value in ``unit``, to one decimal: what the temperature field shows."""
    if value_c is None:
        return None
    if unit == vocab.TemperatureUnit.FAHRENHEIT:
        value_c = Decimal(value_c) * 9 / 5 + 32
    return Decimal(value_c).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class WorkoutChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, workout):
        return f"{workout.get_exercise_display()}, {date_format(timezone.localtime(workout.started_at), 'D j M, H:i')}"


class EventForm(forms.Form):
    """An event as EventSerializer takes it (web.md names), for the quick log and the edit page.

    Differs from the API where web.md says: ``temperature`` is typed in the user's unit
    and leaves as ``temperature_c``; a new event's empty ``occurred_at`` is ``when``
    minutes ago. ``cleaned_data`` is the keyword arguments of services.log_event or
    services.update_event.
    """

    body_site = forms.ChoiceField(choices=vocab.BodySite.choices, widget=forms.RadioSelect, label="Where")
    sound = forms.ChoiceField(choices=vocab.Sound.choices, widget=forms.RadioSelect, label="Sound")
    when = forms.TypedChoiceField(
        choices=WHEN_CHOICES, coerce=int, empty_value=0, initial=0, required=False,
        widget=forms.RadioSelect, label="When",
    )
    occurred_at = _time_picker(required=False, label="Exact time", help_text="Empty: the time chosen above.")
    side = _one_tap(vocab.Side, "Side", default=vocab.Side.UNKNOWN)
    activity = _one_tap(vocab.Activity, "Doing what", default=vocab.Activity.OTHER)
    pain = forms.TypedChoiceField(
        choices=[*((n, str(n)) for n in range(vocab.PAIN_MIN, vocab.PAIN_MAX + 1)), NOT_KNOWN],
        coerce=int, empty_value=None, required=False, label="Pain (0 none, 10 worst)",
        widget=forms.RadioSelect(attrs={"class": "choice-grid--compact"}),
    )
    pain_quality = forms.TypedChoiceField(
        choices=[*vocab.PainQuality.choices, NOT_KNOWN], empty_value=None, required=False,
        widget=forms.RadioSelect, label="Kind of pain",
    )
    radiates = _one_tap(vocab.Radiates, "Does it spread?", default=vocab.Radiates.NONE)
    signs = forms.MultipleChoiceField(
        choices=vocab.Sign.choices, widget=forms.CheckboxSelectMultiple, required=False,
        validators=[validators.no_repeats], label="Signs",
    )
    temperature = forms.DecimalField(
        required=False, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    workout = WorkoutChoiceField(
        queryset=Workout.objects.none(), required=False, empty_label="No workout", label="During workout",
    )
    note = _note()
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, user, person, editing=False, carry_over_from=None, **kwargs):
        self.user, self.person = user, person
        if data is not None and carry_over_from is not None:
            data = self._carried_over(data, carry_over_from)
        super().__init__(data, *args, **kwargs)
        self.fields["temperature"].label = f"Temperature ({vocab.TemperatureUnit(user.temperature_unit).label})"
        self.fields["workout"].queryset = person.workouts.order_by("-started_at", "-id")
        first = vocab.SIGNS_FIRST[person.life_stage]
        self.fields["signs"].choices = [
            *((sign, sign.label) for sign in first),
            *((sign, sign.label) for sign in vocab.Sign if sign not in first),
        ]
        self.signs_first_count = len(first)
        if editing:
            # A stored event has its time, and its client_id never changes (api.md).
            del self.fields["when"], self.fields["client_id"]
            self.fields["occurred_at"].required = True
            self.fields["occurred_at"].help_text = ""

    @staticmethod
    def initial_after(last_event):
        """A new event's initial values: carried over from the person's last event, if any."""
        if last_event is None:
            return {}
        initial = {name: getattr(last_event, name) for name in CARRIED_OVER}
        if last_event.workout_id and last_event.workout.ended_at is None:
            initial["workout"] = last_event.workout_id
        return initial

    @classmethod
    def _carried_over(cls, data, last_event):
        """``data`` with what it leaves out taken from the last event, as the page pre-fills it.

        A browser sends every pre-filled choice; a client that sends only site and
        sound (the three taps) gets the same event.
        """
        data = data.copy()
        for name, value in cls.initial_after(last_event).items():
            if name not in data:
                data[name] = "" if value is None else str(value)
        return data

    @staticmethod
    def initial_of(event, user):
        """An edit page's initial values: the stored event, its temperature in the user's unit."""
        fields = ("occurred_at", "body_site", "sound", *CARRIED_OVER, "signs", "workout", "note")
        initial = {name: getattr(event, name) for name in fields}
        initial["workout"] = event.workout_id
        initial["temperature"] = _in_users_unit(event.temperature_c, user.temperature_unit)
        return initial

    def more_fields(self):
        """The fields behind "More details", in this person's order (signs are split further)."""
        return [self[name] for name in MORE_FIELDS[self.person.life_stage]]

    def more_has_errors(self):
        return any(self.errors.get(name) for name in MORE_FIELDS[self.person.life_stage])

    def signs_offered_first(self):
        return self["signs"].subwidgets[: self.signs_first_count]

    def signs_behind_more(self):
        return self["signs"].subwidgets[self.signs_first_count :]

    def more_signs_chosen(self):
        return any(choice.data["selected"] for choice in self.signs_behind_more())

    def clean_temperature(self):
        value_c = validators.celsius_from(self.cleaned_data["temperature"], self.user.temperature_unit)
        validators.temperature_c_in_range(value_c)
        return value_c

    def clean_workout(self):
        workout = self.cleaned_data["workout"]
        validators.workout_of_person(workout, self.person)
        return workout

    def clean(self):
        cleaned = super().clean()
        if "temperature" in cleaned:
            cleaned["temperature_c"] = cleaned.pop("temperature")
        minutes_ago = cleaned.pop("when", 0)
        if "occurred_at" in cleaned and cleaned["occurred_at"] is None:
            cleaned["occurred_at"] = timezone.now() - timedelta(minutes=minutes_ago)
        if "occurred_at" in cleaned:
            try:
                validators.not_before_birth(cleaned["occurred_at"], self.person, self.user)
            except ValidationError as error:
                self.add_error("occurred_at", error)
        return cleaned


class TimelineFilter(EventFilter):
    """The API's event filters (one definition), plus whole days in the user's time zone.

    The page shows the ``SHOWN`` ones; the API's others (side, workout, ...) still
    work in the page's address, so a workout page can link to its events.
    """

    SHOWN = ("body_site", "sound", "activity", "date_from", "date_to", "min_pain")
    LABELS = {"body_site": "Where", "sound": "Sound", "activity": "Doing what", "min_pain": "Pain at least"}

    date_from = django_filters.DateFilter(
        method="filter_date_from", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="filter_date_to", label="To (included)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            self.filters[name].label = label
        for name in ("body_site", "sound", "activity"):
            self.filters[name].extra["empty_label"] = "Any"

    def shown_fields(self):
        return [self.form[name] for name in self.SHOWN]

    def is_filtering(self):
        return any(self.data.get(name) for name in self.SHOWN)

    def filter_date_from(self, queryset, name, day):
        start = _midnight_before(day)
        return queryset if start is None else queryset.filter(occurred_at__gte=start)

    def filter_date_to(self, queryset, name, day):
        end = _midnight_before(day, days_later=1)
        return queryset if end is None else queryset.filter(occurred_at__lt=end)


def _midnight_before(day, *, days_later=0):
    """Midnight starting ``day`` (+ days) in the active, the user's, time zone; None beyond the calendar."""
    try:
        return timezone.make_aware(datetime.combine(day + timedelta(days=days_later), time.min)).astimezone(UTC)
    except OverflowError:
        return None


class PelvicTiltField(forms.TypedChoiceField):
    """Yes, no or not noted: the API's nullable boolean, as one-tap choices valued true/false."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[("true", "Yes"), ("false", "No"), ("", "Not noted")], coerce=lambda value: value == "true",
            empty_value=None, required=False, widget=forms.RadioSelect, **kwargs,
        )

    def prepare_value(self, value):
        return {True: "true", False: "false"}.get(value, value)


class WorkoutForm(forms.Form):
    """A workout as WorkoutSerializer takes it; an empty ``started_at`` means now."""

    exercise = forms.ChoiceField(choices=vocab.Exercise.choices, widget=forms.RadioSelect, label="Exercise")
    sets = forms.IntegerField(required=False, min_value=0, max_value=100, label="Sets")
    reps = forms.IntegerField(required=False, min_value=0, max_value=1000, label="Reps per set")
    range_of_motion = _one_tap(vocab.RangeOfMotion, "Range of motion", default=vocab.RangeOfMotion.FULL)
    pelvic_tilt_held = PelvicTiltField(label="Lower back kept flat (pelvic tilt held)")
    started_at = _time_picker(required=False, label="Started", help_text="Empty: now.")
    ended_at = _time_picker(required=False, label="Finished", help_text="Empty while it goes on.")
    note = _note()

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["started_at"].required = True
            self.fields["started_at"].help_text = ""

    @staticmethod
    def initial_of(workout):
        fields = ("exercise", "sets", "reps", "range_of_motion", "pelvic_tilt_held", "started_at", "ended_at", "note")
        return {name: getattr(workout, name) for name in fields}

    def clean(self):
        cleaned = super().clean()
        if "started_at" in cleaned and cleaned["started_at"] is None:
            cleaned["started_at"] = timezone.now()
        try:
            validators.ends_after_start(cleaned.get("started_at"), cleaned.get("ended_at"))
        except ValidationError as error:
            self.add_error("ended_at", error)
        return cleaned


class FinishWorkoutForm(forms.Form):
    """Finish a workout now (the Finish button): ``ended_at`` is the moment of the tap."""

    def __init__(self, *args, workout, **kwargs):
        self.workout = workout
        super().__init__(*args, **kwargs)

    def clean(self):
        if self.workout.ended_at is not None:
            raise ValidationError("This workout is finished already.")
        ended_at = timezone.now()
        validators.ends_after_start(self.workout.started_at, ended_at)
        return {"ended_at": ended_at}


# --- Exports and share links (logs/views/exports.py) ----------------------------


def _report_day(label, help_text):
    return forms.DateField(
        required=False, label=label, help_text=help_text, validators=[validators.report_day],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ReportDaysForm(forms.Form):
    """The days of an export or a share link: ``from`` and ``to``, both included and optional, as the
    API's export reads them. ("from" is a Python keyword, hence the fields are set in __init__.)"""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["from"] = _report_day("From", "The first day. Empty: the first day anything was logged.")
        self.fields["to"] = _report_day("To", "The last day, included. Empty: today.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from"):
            try:
                validators.days_in_order(cleaned["from"], cleaned.get("to") or validators.users_today(self.user))
            except ValidationError as error:
                self.add_error("from", error)
        return cleaned


class ShareLinkForm(ReportDaysForm):
    """Make a share link (POST persons/{id}/share-links/): how long it lives, and its days."""

    expires_in_days = forms.IntegerField(
        min_value=EXPIRES_IN_DAYS[0], max_value=EXPIRES_IN_DAYS[1], initial=7, label="Expires after (days)",
        help_text=f"From {EXPIRES_IN_DAYS[0]} to {EXPIRES_IN_DAYS[1]} days. You can revoke it before then.",
    )
