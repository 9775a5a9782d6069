"""The pages about people and their logs, at web.md's paths."""

from django.urls import path

from .views import caregivers, dashboard, events, exports, people, workouts

urlpatterns = [
    path("people/new/", people.person_new, name="person-new"),
    path("people/<int:person_id>/", dashboard.person_dashboard, name="person-dashboard"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person-edit"),
    path("people/<int:person_id>/delete/", people.person_delete, name="person-delete"),
    path("people/<int:person_id>/log/", events.quick_log, name="quick-log"),
    path("people/<int:person_id>/events/", events.timeline, name="timeline"),
    path("events/<int:event_id>/edit/", events.event_edit, name="event-edit"),
    path("events/<int:event_id>/delete/", events.event_delete, name="event-delete"),
    path("people/<int:person_id>/workouts/", workouts.workout_list, name="workouts"),
    path("workouts/<int:workout_id>/", workouts.workout_detail, name="workout"),
    path("people/<int:person_id>/caregivers/", caregivers.caregiver_list, name="caregivers"),
    path(
        "people/<int:person_id>/caregivers/<str:username>/remove/", caregivers.caregiver_remove,
        name="caregiver-remove",
    ),
    path("people/<int:person_id>/leave/", caregivers.person_leave, name="person-leave"),
    path("people/<int:person_id>/export/", exports.person_export, name="person-export"),
    path(
        "people/<int:person_id>/export/share-links/<int:link_id>/revoke/", exports.share_link_revoke,
        name="share-link-revoke",
    ),
]
