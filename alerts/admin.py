from django.contrib import admin

from .models import Alert, AlertEvidence, AlertNotification, PersonScan


class EvidenceInline(admin.TabularInline):
    model = AlertEvidence
    extra = 0
    raw_id_fields = ["event"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["person", "rule", "urgency", "body_site", "side", "status", "last_evidence_at"]
    list_filter = ["urgency", "status", "rule"]
    list_select_related = ["person"]
    search_fields = ["person__name", "rule", "title"]
    inlines = [EvidenceInline]


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ["alert", "user", "urgency", "sent_at"]
    list_select_related = ["alert", "user"]


@admin.register(PersonScan)
class PersonScanAdmin(admin.ModelAdmin):
    list_display = ["person", "scanned_at"]
    list_select_related = ["person"]
