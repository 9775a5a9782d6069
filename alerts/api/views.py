"""Thin API views over alerts: scoping comes from alerts.selectors."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import ValidationError

from alerts import selectors, services
from alerts.rules import RULES
from logs import selectors as log_selectors
from logs import vocab
from logs.api.views import ID_PATTERN

from .filters import AlertFilter
from .serializers import AlertSerializer, RuleSerializer


@extend_schema_view(
    list=extend_schema(summary="Alerts of the people you care for: most urgent first, then newest"),
    partial_update=extend_schema(
        summary="Acknowledge, dismiss, resolve or reopen an alert (owner or editor)",
        description=(
            "Only `status` is writable. Reopening (open or acknowledged) answers 400 when the same "
            "rule already has an open or acknowledged alert for this person, site and side."
        ),
    ),
)
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The alert inbox: read by any caregiver; ``status`` changed by an owner or editor."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.alerts_visible_to(self.request.user)

    def get_object(self):
        alert = super().get_object()  # 404 for an alert of a person the caller cannot see
        if self.request.method == "PATCH":
            log_selectors.person_for(self.request.user, alert.person_id, action="write")
        return alert

    def perform_update(self, serializer):
        alert = serializer.instance
        try:
            services.change_alert_status(alert=alert, status=serializer.validated_data.get("status", alert.status))
        except services.KeyAlreadyActive:
            raise ValidationError({"status": [services.KeyAlreadyActive.message]})


@extend_schema(
    summary="Every alert rule, most urgent first",
    description="The whole catalogue in one answer (a few dozen rules at most): not paginated.",
)
class RuleListView(generics.ListAPIView):
    serializer_class = RuleSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return sorted(RULES.values(), key=lambda rule: (-vocab.Urgency.rank(rule.urgency), rule.code))
