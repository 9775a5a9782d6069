from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = [
    path("rules/", views.RuleListView.as_view(), name="rule-list"),
    *router.urls,
]
