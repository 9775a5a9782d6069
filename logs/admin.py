from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Caregiver, Event, Person, User, Workout


@admin.register(User)
class PopwatchUserAdmin(UserAdmin):
    fieldsets = [*UserAdmin.fieldsets, ("Popwatch", {"fields": ["timezone", "email_alerts"]})]
    list_display = ["username", "email", "timezone", "email_alerts", "is_staff"]


class CaregiverInline(admin.TabularInline):
    model = Caregiver
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "life_stage", "sex", "birth_date", "hip_check_done", "log_changed_at"]
    list_filter = ["life_stage", "sex", "hip_check_done"]
    search_fields = ["name", "caregivers__user__username"]
    inlines = [CaregiverInline]


@admin.register(Caregiver)
class CaregiverAdmin(admin.ModelAdmin):
    list_display = ["person", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["person", "user"]
    autocomplete_fields = ["person", "user"]


@admin.register(Workout)
class WorkoutAdmin(admin.ModelAdmin):
    list_display = ["person", "exercise", "started_at", "sets", "reps", "range_of_motion", "pelvic_tilt_held"]
    list_filter = ["exercise", "range_of_motion"]
    search_fields = ["person__name", "note"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    date_hierarchy = "started_at"


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["person", "occurred_at", "body_site", "side", "sound", "activity", "pain"]
    list_filter = ["body_site", "sound", "activity", "side"]
    list_select_related = ["person"]
    search_fields = ["person__name", "note"]
    autocomplete_fields = ["person", "workout"]
    date_hierarchy = "occurred_at"
    readonly_fields = ["client_id", "created_at", "updated_at", "created_by"]
