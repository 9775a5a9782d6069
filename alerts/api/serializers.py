"""Alerts and the rule catalogue as the API shows them (api.md, "Alerts")."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import Alert
from alerts.rules import DISCLAIMER
from logs import vocab


class AlertSerializer(serializers.ModelSerializer):
    body_site = serializers.SerializerMethodField()
    side = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    urgency_meaning = serializers.SerializerMethodField()
    disclaimer = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=vocab.AlertStatus.choices)

    class Meta:
        model = Alert
        fields = [
            "id", "person", "rule", "urgency", "urgency_meaning", "title", "message", "advice", "source",
            "body_site", "side", "evidence", "status", "first_seen_at", "last_evidence_at", "updated_at",
            "disclaimer",
        ]
        read_only_fields = [f for f in fields if f != "status"]

    # Empty in the table (the rule keys by person or by side); null in the API.
    @extend_schema_field(serializers.ChoiceField(choices=vocab.BodySite.choices, allow_null=True))
    def get_body_site(self, alert):
        return alert.body_site or None

    @extend_schema_field(serializers.ChoiceField(choices=vocab.Side.choices, allow_null=True))
    def get_side(self, alert):
        return alert.side or None

    def get_evidence(self, alert) -> list[int]:
        """Event ids, oldest first (prefetched by alerts.selectors.alerts_visible_to when listing)."""
        events = getattr(alert, "evidence_events", None)
        if events is None:
            events = alert.evidence.order_by("occurred_at", "id").only("id")
        return [event.pk for event in events]

    def get_urgency_meaning(self, alert) -> str:
        return vocab.Urgency(alert.urgency).label

    def get_disclaimer(self, alert) -> str:
        return DISCLAIMER


# The component `urgency` fields name: a ListField of ChoiceField would name the same
# choices a second time ("TiersEnum", a schema warning).
@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/UrgencyEnum"}})
class TiersField(serializers.ListField):
    child = serializers.ChoiceField(choices=vocab.Urgency.choices)


class RuleSerializer(serializers.Serializer):
    """One entry of alerts.rules.RULES."""

    code = serializers.CharField()
    urgency = serializers.ChoiceField(choices=vocab.Urgency.choices, help_text="The rule's highest tier.")
    tiers = TiersField(help_text="Every tier the rule can raise, least urgent first.")
    title = serializers.CharField()
    description = serializers.CharField(help_text="The trigger in plain words.")
    advice = serializers.CharField()
    source = serializers.CharField()
