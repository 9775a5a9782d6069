"""Thin API views: scoping comes from selectors, writes go through services."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from logs import selectors, services

from . import serializers
from .fields import parse_client_id, parse_id
from .filters import EventFilter, WorkoutFilter

ID_PATTERN = r"[0-9]{1,18}"
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
        methods=["GET"], responses=serializers.CaregiverSerializer(many=True),
        summary="List who can see this person, with their roles",
    )
    @extend_schema(
        methods=["POST"], request=serializers.CaregiverSerializer,
        responses={
            201: serializers.CaregiverSerializer,
            200: OpenApiResponse(serializers.CaregiverSerializer, "Shared already: the role is changed"),
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

    @extend_schema(responses={204: None}, summary="Stop sharing (owner), or leave a person shared with you")
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
    answer = serializers.EventWriteAnswerSerializer(logged.event, context={"immediate_alerts": logged.alerts})
    return Response(answer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


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

    def create(self, request, *args, **kwargs):
        replayed = _replayed_event(request.user, request.data)
        if replayed is not None:
            return _write_answer(services.LoggedEvent(replayed, created=False), created=False)
        event = self.get_serializer(data=request.data)
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
        request=serializers.BulkEventSerializer(many=True),
        responses=serializers.BulkResultSerializer(many=True),
        summary="Store a batch of events (offline sync); a replayed client_id is a duplicate, never a second event",
    )
    # A plain list in and out: no filters, no pagination (also in the schema).
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": ["Expected a list of events."]})
        if len(items) > BULK_MAX_ITEMS:
            raise ValidationError({"non_field_errors": [f"At most {BULK_MAX_ITEMS} events per batch."]})
        context = self.get_serializer_context()
        with transaction.atomic():
            results = [self._sync_one(item, context) for item in items]
        return Response(results)

    def _sync_one(self, item, context):
        replayed = _replayed_event(self.request.user, item)
        if replayed is not None:
            return {"client_id": str(replayed.client_id), "status": "duplicate", "id": replayed.pk}
        client_id = item.get("client_id") if isinstance(item, dict) else None
        result = {"client_id": client_id if isinstance(client_id, str) else None}
        event = serializers.BulkEventSerializer(data=item, context=context)
        try:
            event.is_valid(raise_exception=True)
        except APIException as error:  # field errors, and an unknown or read-only person
            return {**result, "status": "invalid", "errors": _as_field_errors(error.detail)}
        fields = dict(event.validated_data)
        logged = services.log_event(person=fields.pop("person"), created_by=self.request.user, **fields)
        return {
            **result,
            "client_id": str(logged.event.client_id),
            "status": "created" if logged.created else "duplicate",
            "id": logged.event.pk,
        }


def _replayed_event(user, body):
    """The stored event a body replays (same person and client_id), if any."""
    if not isinstance(body, dict):
        return None
    person_id, client_id = parse_id(body.get("person")), parse_client_id(body.get("client_id"))
    if person_id is None or client_id is None:
        return None
    return selectors.replayed_event(user, person_id=person_id, client_id=client_id)


def _as_field_errors(detail):
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


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
