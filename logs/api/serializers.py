"""Validation of the contract (api.md), written once for the API and the web forms."""

import functools
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.settings import ISO_8601, api_settings

from alerts.api.serializers import AlertSerializer

from logs import accounts, validators, vocab
from logs.models import Caregiver, Event, Person, User, Workout

from . import strict
from .fields import ClientIdField, PersonField, VisibleWorkoutField


def _checked(check, *args):
    """Run a shared check of logs.validators, answering its message as a DRF error."""
    try:
        check(*args)
    except DjangoValidationError as error:
        raise serializers.ValidationError(list(error.messages)) from None


class TemperatureField(serializers.DecimalField):
    """Degrees Celsius to one decimal: finer input (e.g. converted from °F) is rounded, not refused."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=3, decimal_places=1, min_value=vocab.TEMPERATURE_MIN_C,
            max_value=vocab.TEMPERATURE_MAX_C, coerce_to_string=False, **kwargs,
        )

    def validate_precision(self, value):
        if value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        if value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class UniqueChoicesField(serializers.ListField):
    """A list of vocabulary values, each at most once."""

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.ChoiceField(choices=choices), allow_empty=True, **kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        _checked(validators.no_repeats, values)
        return values


# --- Accounts -----------------------------------------------------------------


class RegisterSerializer(strict.ModelSerializer):
    password = strict.CharField(write_only=True, style={"input_type": "password"})
    email = serializers.EmailField(required=True)
    token = serializers.CharField(read_only=True, source="auth_token.key")

    class Meta:
        model = User
        fields = ["id", "username", "email", "password", "token"]

    def validate(self, attrs):
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except Exception as error:  # Django's ValidationError carries the messages
            raise serializers.ValidationError({"password": list(error.messages)})
        return attrs


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        try:
            user = accounts.authenticate(
                self.context["request"], username=attrs["username"], password=attrs["password"]
            )
        except accounts.TooManyLoginAttempts:
            raise exceptions.Throttled(
                detail="Too many failed log-ins for this account or from this address. Try again later."
            ) from None
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(strict.ModelSerializer):
    timezone = serializers.ChoiceField(choices=vocab.TIME_ZONES)

    class Meta:
        model = User
        fields = ["id", "username", "email", "timezone", "email_alerts", "temperature_unit"]
        read_only_fields = ["id", "username", "email"]


# --- People -------------------------------------------------------------------


class PersonSerializer(strict.ModelSerializer):
    name = strict.CharField(min_length=1, max_length=100)
    risk_factors = UniqueChoicesField(choices=vocab.RiskFactor.choices)
    role = serializers.ChoiceField(choices=vocab.Role.choices, read_only=True)
    open_alerts = serializers.IntegerField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id", "name", "life_stage", "birth_date", "sex", "risk_factors",
            "hip_check_done", "role", "open_alerts", "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate_birth_date(self, value):
        _checked(validators.not_after_users_today, value, self.context["request"].user)
        return value


class CaregiverSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", max_length=150)
    role = serializers.ChoiceField(choices=vocab.SHARED_ROLES)

    class Meta:
        model = Caregiver
        fields = ["user", "role"]

    def to_representation(self, instance):
        # The owner is listed too, though "owner" cannot be granted through here.
        return {"user": instance.user.username, "role": instance.role}


# The schema of CaregiverSerializer's answers, whose role may be "owner" too.
@extend_schema_serializer(component_name="Caregiver")
class CaregiverAnswerSerializer(serializers.Serializer):
    """Someone who can see this person, with their role (the owner too)."""

    user = serializers.CharField()
    role = serializers.ChoiceField(choices=vocab.Role.choices)


# --- Workouts -----------------------------------------------------------------


class WorkoutSerializer(strict.ModelSerializer):
    person = PersonField(action="write")
    started_at = serializers.DateTimeField(validators=[validators.not_before_1900, validators.not_in_future])
    sets = strict.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    reps = strict.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)
    note = strict.CharField(max_length=vocab.NOTE_MAX_LENGTH, required=False, allow_blank=True)
    event_count = serializers.IntegerField(read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # author gone: null

    class Meta:
        model = Workout
        fields = [
            "id", "person", "started_at", "ended_at", "exercise", "sets", "reps",
            "range_of_motion", "pelvic_tilt_held", "note", "event_count", "created_at", "created_by",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        _person_unchanged(self.instance, attrs)
        started = attrs.get("started_at", getattr(self.instance, "started_at", None))
        ended = attrs.get("ended_at", getattr(self.instance, "ended_at", None))
        try:
            validators.ends_after_start(started, ended)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"ended_at": error.messages}) from None
        return attrs


def _person_unchanged(instance, attrs):
    if instance is not None and "person" in attrs and attrs["person"].pk != instance.person_id:
        raise serializers.ValidationError({"person": ["Cannot move to another person."]})


# --- Events -------------------------------------------------------------------


class FieldsBuiltOnce:
    """A serializer whose fields are built once per class, each instance getting copies.

    DRF builds a ModelSerializer's fields from the model, then deep-copies them, for every
    instance: four fifths of validating one event (issue 9). Fields hold no per-request state
    until bound, so a shallow copy of each is what the instance needs (a list's child
    re-parented to its copy). Only for serializers whose fields do not depend on their context.
    """

    def get_fields(self):
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return {name: _copy_of(field) for name, field in cls._built_fields.items()}


def _copy_of(field):
    original, field = field, object.__new__(type(field))
    field.__dict__.update(original.__dict__)  # copy.copy, without its generic __reduce_ex__ path
    child = getattr(field, "child", None)
    if isinstance(child, serializers.Field):
        field.child = _copy_of(child)
        field.child.parent = field  # bound as the original was, to this copy
    return field


class EventSerializer(FieldsBuiltOnce, strict.ModelSerializer):
    person = PersonField(action="write")
    occurred_at = serializers.DateTimeField(validators=[validators.not_before_1900, validators.not_in_future])
    client_id = ClientIdField(required=False, allow_null=True)
    pain = strict.IntegerField(
        min_value=vocab.PAIN_MIN, max_value=vocab.PAIN_MAX, required=False, allow_null=True
    )
    pain_quality = serializers.ChoiceField(
        choices=vocab.PainQuality.choices, required=False, allow_null=True
    )
    signs = UniqueChoicesField(choices=vocab.Sign.choices)
    temperature_c = TemperatureField(required=False, allow_null=True)
    workout = VisibleWorkoutField(required=False, allow_null=True)
    note = strict.CharField(max_length=vocab.NOTE_MAX_LENGTH, required=False, allow_blank=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)  # author gone: null

    class Meta:
        model = Event
        fields = [
            "id", "person", "occurred_at", "client_id", "body_site", "side", "sound", "activity",
            "pain", "pain_quality", "radiates", "signs", "temperature_c", "workout", "note",
            "created_at", "updated_at", "created_by",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # A stored client_id is a replay, answered by services.log_event, not a 400.
        validators = []

    def validate(self, attrs):
        _person_unchanged(self.instance, attrs)
        if self.instance is not None and "client_id" in attrs and attrs["client_id"] != self.instance.client_id:
            raise serializers.ValidationError({"client_id": ["Cannot change once stored."]})
        person = attrs.get("person") or getattr(self.instance, "person", None)
        try:
            validators.workout_of_person(attrs.get("workout"), person)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"workout": error.messages}) from None
        if "occurred_at" in attrs:
            try:
                validators.not_before_birth(attrs["occurred_at"], person, self.context["request"].user)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"occurred_at": error.messages}) from None
        return attrs


# Events are answered without DRF's per-request field building (issue 9): EventSerializer's
# fields, built once, represent each column; the list reads them as .values() rows, not model
# instances. These fields' value is the stored one as it is, under these columns:
EVENT_ROW_COLUMNS = {"person": "person_id", "workout": "workout_id", "created_by": "created_by__username"}


def event_row_columns():
    return [EVENT_ROW_COLUMNS.get(name, name) for name in EventSerializer.Meta.fields]


@functools.cache
def _event_readers():
    """(name, column, represent) per field; no field's representation depends on the request
    (times are shown in the time zone active when it runs). ``represent`` None: the value as stored."""
    return [
        (field.field_name, EVENT_ROW_COLUMNS.get(field.field_name, field.source), _representation(field))
        for field in EventSerializer()._readable_fields
    ]


def _representation(field):
    if field.field_name in EVENT_ROW_COLUMNS or _shows_as_stored(field):
        return None
    if (
        isinstance(field, serializers.DateTimeField)
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
    ):
        return _iso_in_zone
    return field.to_representation


def _shows_as_stored(field):
    """True when the field's to_representation of a stored value gives that value back:
    a stored choice, text or whole number (str() of a str, int() of an int), or a list of choices."""
    if isinstance(field, serializers.ListField):
        return _shows_as_stored(field.child)
    return type(field) in (serializers.ChoiceField, strict.CharField, serializers.IntegerField, strict.IntegerField)


def _iso_in_zone(value, zone):
    """DRF's DateTimeField.to_representation of a stored (aware) time in ``zone``, the active one."""
    value = value.astimezone(zone).isoformat()
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def represent_event_rows(rows):
    """What EventSerializer answers for each event, from its .values() row (event_row_columns()).

    DRF's Serializer.to_representation, field by field: None stays None, any other value
    goes through the field's to_representation.
    """
    readers = _event_readers()
    return represent_event_values([[row[column] for _, column, _ in readers] for row in rows])


def represent_event_values(rows):
    """``represent_event_rows`` of rows given as lists, in the order of event_row_columns()."""
    zone = timezone.get_current_timezone()  # once, not once per time shown
    readers = _event_readers()
    names = [name for name, _, _ in readers]
    times = [name for name, _, represent in readers if represent is _iso_in_zone]
    others = [(name, represent) for name, _, represent in readers if represent not in (None, _iso_in_zone)]
    events = []
    for row in rows:
        event = dict(zip(names, row, strict=True))
        for name in times:
            if (value := event[name]) is not None:
                event[name] = _iso_in_zone(value, zone)
        for name, represent in others:
            if (value := event[name]) is not None:
                event[name] = represent(value)
        events.append(event)
    return events


def represent_written_event(event, alerts):
    """EventWriteAnswerSerializer's answer: the event and the alerts its write raised at once."""
    row = {column: getattr(event, column) for column in event_row_columns() if column != "created_by__username"}
    row["created_by__username"] = event.created_by.username if event.created_by_id is not None else None
    [answer] = represent_event_rows([row])
    answer["alerts"] = AlertSerializer(alerts, many=True).data if alerts else []  # most writes raise none
    return answer


class EventWriteAnswerSerializer(EventSerializer):
    """The create/update answer: the event plus the alerts it raised (or raised in tier) at once.

    Those alerts come in the context as ``immediate_alerts``. The views answer the same with
    ``represent_written_event`` (tests/logs/test_api_event_answers.py), which skips building the fields.
    """

    alerts = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "alerts"]

    @extend_schema_field(AlertSerializer(many=True))
    def get_alerts(self, event):
        return AlertSerializer(self.context.get("immediate_alerts", []), many=True).data


class BulkEventSerializer(EventSerializer):
    client_id = ClientIdField()  # required in a batch: it is how a retry is recognised


class BulkResultSerializer(serializers.Serializer):
    client_id = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["created", "duplicate", "invalid"])
    id = serializers.IntegerField(required=False)
    errors = serializers.DictField(required=False)
