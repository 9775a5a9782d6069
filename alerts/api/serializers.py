from rest_framework import serializers

from alerts.models import Alert
from logs import vocab

DISCLAIMER = "Popwatch is not a diagnosis. If you are worried, contact a health professional."


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

    def get_body_site(self, alert) -> str | None:
        return alert.body_site or None

    def get_side(self, alert) -> str | None:
        return alert.side or None

    def get_evidence(self, alert) -> list[int]:
        """Event ids, oldest first (prefetched as ``evidence_ids`` by the selector when listing)."""
        ids = getattr(alert, "evidence_ids", None)
        if ids is None:
            ids = list(alert.evidence.order_by("occurred_at", "id").values_list("id", flat=True))
        return ids

    def get_urgency_meaning(self, alert) -> str:
        return vocab.Urgency(alert.urgency).label

    def get_disclaimer(self, alert) -> str:
        return DISCLAIMER
