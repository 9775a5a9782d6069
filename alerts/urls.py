"""The alerts inbox and its actions."""

from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.inbox, name="alert-inbox"),
    path("alerts/<int:alert_id>/status/", views.change_status, name="alert-status"),
]
