"""Thin API views: scoping comes from selectors, writes go through services."""

import functools
from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from logs import selectors, services
from logs.reports import exports
from logs.reports.data import days_to_report, report_for

from . import serializers
from .filters import EventFilter, ExportQuery, WorkoutFilter
from .pagination import CountedRows
from .schema import ERROR

ID_PATTERN = r"[1-9][0-9]{0,17}"  # a row id in a path (logs.api.schema.MAX_PATH_ID at most)
BULK_MAX_ITEMS = 500


# --- Accounts -----------------------------------------------------------------


class AuthThrottled:
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottled, generics.CreateAPIView):
    serializer_class = serializers.RegisterSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.register_user(
            username=data["username"], email=data["email"], password=data["password"]
        )


class TokenView(AuthThrottled, APIView):
    @extend_schema(request=serializers.TokenRequestSerializer, responses=serializers.TokenSerializer)
    def post(self, request):
        credentials = serializers.TokenRequestSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=credentials.validated_data["user"])
        return Response({"token": token.key})


class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = serializers.MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        services.update_settings(user=serializer.instance, **serializer.validated_data)


# --- People and caregivers --------------------------------------------------


class RoleCheckedObjectMixin:
    """get_object() that also checks the caller's role for the action (read, write or own)."""

    write_action = "write"

    def get_object(self):
        obj = super().get_object()
        needed = "read" if self.request.method in permissions.SAFE_METHODS else self.write_action
        selectors.require_role(obj.role, needed)
        return obj


class PersonViewSet(RoleCheckedObjectMixin, viewsets.ModelViewSet):
    """People the caller tracks or cares for; only the owner edits, shares or deletes one."""

    serializer_class = serializers.PersonSerializer
    lookup_value_regex = ID_PATTERN
    write_action = "own"
    filter_backends = []

    def get_queryset(self):
        return selectors.persons_visible_to(self.request.user)

    def perform_create(self, serializer):
        person = services.create_person(owner=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=person.pk)

    def perform_update(self, serializer):
        services.update_person(person=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_person(person=instance)

    @extend_schema(
        methods=["GET"], responses=serializers.CaregiverAnswerSerializer(many=True),
        summary="List who can see this person, with their roles",
    )
    @extend_schema(
        methods=["POST"], request=serializers.CaregiverSerializer,
        responses={
            201: serializers.CaregiverAnswerSerializer,
            200: OpenApiResponse(serializers.CaregiverAnswerSerializer, "Shared already: the role is changed"),
        },
        summary="Share this person with a user (owner only); posting again changes the role",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def caregivers(self, request, pk=None):
        person = selectors.person_for(request.user, pk)
        if request.method == "GET":
            return Response(serializers.CaregiverSerializer(selectors.caregivers_of(person), many=True).data)
        selectors.require_role(person.role, "own")
        grant = serializers.CaregiverSerializer(data=request.data)
        grant.is_valid(raise_exception=True)
        user = selectors.user_by_username(grant.validated_data["user"]["username"])
        if user is None:
            raise ValidationError({"user": ["No user with this username."]})
        # services.share_person refuses to change the owner's role (a 400 on "user").
        caregiver, created = services.share_person(person=person, user=user, role=grant.validated_data["role"])
        return Response(
            serializers.CaregiverSerializer(caregiver).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        responses={204: None, 400: OpenApiResponse(ERROR.ref, "The owner cannot be removed: delete the person.")},
        summary="Stop sharing (owner), or leave a person shared with you",
    )
    @action(detail=True, methods=["delete"], url_path=r"caregivers/(?P<username>[\w.@+-]+)")
    def remove_caregiver(self, request, pk=None, username=None):
        person = selectors.person_for(request.user, pk)
        caregiver = selectors.caregivers_of(person).filter(user__username=username).first()
        if caregiver is None:
            raise NotFound("No caregiver with this username.")
        if caregiver.user_id != request.user.pk:
            selectors.require_role(person.role, "own")
        services.unshare_person(caregiver=caregiver)  # refuses the owner (a 400 on "user")
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Events -------------------------------------------------------------------


def _write_answer(logged, *, created):
    # EventWriteAnswerSerializer's answer (and schema), without building its fields again.
    answer = serializers.represent_written_event(logged.event, logged.alerts)
    return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(
        responses={
            201: serializers.EventWriteAnswerSerializer,
            200: OpenApiResponse(serializers.EventWriteAnswerSerializer, "client_id already stored: the stored event"),
        }
    ),
    update=extend_schema(responses=serializers.EventWriteAnswerSerializer),
    partial_update=extend_schema(responses=serializers.EventWriteAnswerSerializer),
)
class EventViewSet(RoleCheckedObjectMixin, viewsets.ModelViewSet):
    """Joint sounds and symptom check-ins, newest first; owners and editors log and edit them."""

    serializer_class = serializers.EventSerializer
    filterset_class = EventFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.events_visible_to(self.request.user).select_related("created_by")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "person_cache": {}}  # PersonField's (logs.api.fields)

    def list(self, request, *args, **kwargs):
        person_id = EventFilter.person_alone(request)
        if person_id is not None:
            return self._timeline(person_id)
        # DRF's answer, from .values() rows: no model instances, no per-field attribute lookups.
        rows = self.filter_queryset(self.get_queryset()).values(*serializers.event_row_columns())
        try:
            page = self.paginate_queryset(rows)
        except NotFound:  # no such page: is it that there is no such person?
            self._check_person_filter()
            raise
        if not page:
            self._check_person_filter()
        return self.get_paginated_response(serializers.represent_event_rows(page))

    def _timeline(self, person_id):
        """The list asked most, one person's events: its count is the one kept on the person
        (no COUNT of the whole log per request), read with the page asked for and the caller's
        right to see it, in one query of plain SQL. 2 queries in all, the token's included."""
        columns = serializers.event_row_columns()
        page_size = self.paginator.get_page_size(self.request)
        offset = self.paginator.offset_asked(self.request, page_size)
        count, rows = selectors.events_page_if_visible(self.request.user, person_id, columns, offset, page_size)
        read_page = functools.partial(selectors.events_page, person_id, columns)
        page = self.paginate_queryset(CountedRows(count, read_page, prefetched=(offset, rows)))
        return self.get_paginated_response(serializers.represent_event_values(page))

    def _check_person_filter(self):
        """A person filter naming a person the caller cannot see answers 404, as everywhere else.

        Asked only when no row is listed: a listed row shows the person visible (one query less).
        """
        person_id = EventFilter.person_filtered(self.request)
        if person_id is not None:
            selectors.person_with_role(self.request.user, person_id)

    def create(self, request, *args, **kwargs):
        context = self.get_serializer_context()
        replayed = services.replay_of(user=request.user, body=request.data, person_cache=context["person_cache"])
        if replayed is not None:
            return _write_answer(services.LoggedEvent(replayed, created=False), created=False)
        event = self.get_serializer_class()(data=request.data, context=context)
        event.is_valid(raise_exception=True)
        fields = dict(event.validated_data)
        logged = services.log_event(person=fields.pop("person"), created_by=request.user, **fields)
        return _write_answer(logged, created=logged.created)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        event = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        event.is_valid(raise_exception=True)
        fields = dict(event.validated_data)
        fields.pop("person", None)
        return _write_answer(services.update_event(event=instance, **fields), created=False)

    def perform_destroy(self, instance):
        services.delete_event(event=instance)

    @extend_schema(
        request=serializers.BulkEventSerializer(many=True, max_length=BULK_MAX_ITEMS),
        responses=serializers.BulkResultSerializer(many=True),
        summary="Store a batch of events (offline sync); a replayed client_id is a duplicate, never a second event",
        description=(
            f"Up to {BULK_MAX_ITEMS} event bodies, each with its `client_id`. The answer has one result per "
            "item, in order: `created` and `duplicate` (stored before: nothing changes) give the event's `id`, "
            "`invalid` gives the `errors` and stores nothing of that item. Valid items are stored even if "
            "others are invalid.\n\n"
            "The batch is committed whole once every item has its result, never half: an answer other than "
            "200 means none of it was stored; a timeout or a lost connection, that none or all of it was. "
            "Either way, sending the same batch again is safe: what is stored answers `duplicate`, never a "
            "second event."
        ),
    )
    # A plain list in and out: no filters, no pagination (also in the schema).
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": ["Expected a list of events."]})
        if len(items) > BULK_MAX_ITEMS:
            raise ValidationError({"non_field_errors": [f"At most {BULK_MAX_ITEMS} events per batch."]})
        return Response(services.sync_events(user=request.user, items=items))


# --- Workouts -----------------------------------------------------------------


class WorkoutViewSet(RoleCheckedObjectMixin, viewsets.ModelViewSet):
    """Workouts, newest first, with the number of events logged during each."""

    serializer_class = serializers.WorkoutSerializer
    filterset_class = WorkoutFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.workouts_visible_to(self.request.user).select_related("created_by")

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        workout = services.create_workout(person=fields.pop("person"), created_by=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=workout.pk)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        fields.pop("person", None)
        services.update_workout(workout=serializer.instance, **fields)

    def perform_destroy(self, instance):
        services.delete_workout(workout=instance)


# --- Exports ------------------------------------------------------------------


class ExportNegotiation(DefaultContentNegotiation):
    """An export's ``format`` names the file to make, not one of DRF's renderers, and the file is
    sent whatever the Accept header asks; an error is JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _export_schema(media_type):
    """A file of text, a JSON document, or bytes (the PDF)."""
    if media_type.startswith("text/"):
        return OpenApiTypes.STR
    return OpenApiTypes.OBJECT if media_type.endswith("json") else OpenApiTypes.BINARY


class PersonExportView(APIView):
    content_negotiation_class = ExportNegotiation

    @extend_schema(
        summary="Export a person's log over a range of days, as a file",
        description=(
            "`csv`: one row per event, every field under the API's names. `json`: the person, a summary, "
            "the events, workouts and alerts. `fhir`: a FHIR R4 Bundle (collection) of a Patient, one "
            "Observation per event and a DetectedIssue per alert. `pdf`: the doctor report. "
            "`from` and `to` are days in the user's time zone, both included; any caregiver may export."
        ),
        parameters=[ExportQuery, OpenApiParameter("id", int, OpenApiParameter.PATH, description="A person's id.")],
        responses={
            **{
                (200, fmt.media_type): OpenApiResponse(_export_schema(fmt.media_type), "The file, to download.")
                for fmt in exports.FORMATS.values()
            },
            400: OpenApiResponse(description="Field errors: an unknown format, a bad day, from after to."),
            404: OpenApiResponse(description="No person with this id that the caller may see."),
        },
    )
    def get(self, request, id):
        person = selectors.person_for(request.user, id)
        query = ExportQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        time_zone = ZoneInfo(request.user.timezone)
        start, end = days_to_report(
            person, time_zone=time_zone, start=query.validated_data.get("from"), end=query.validated_data.get("to")
        )
        report = report_for(person, start=start, end=end, time_zone=time_zone)
        return exports.export_response(report, query.validated_data["format"])


class MyExportView(APIView):
    content_negotiation_class = ExportNegotiation

    @extend_schema(
        summary="Everything the caller owns, as one JSON file",
        description="The account, and each person the caller owns with its events, workouts and alerts.",
        request=None,
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return exports.everything_response(request.user)
