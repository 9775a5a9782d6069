from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import sharing, views

router = DefaultRouter()
router.register("persons", views.PersonViewSet, basename="person")
router.register("events", views.EventViewSet, basename="event")
router.register("workouts", views.WorkoutViewSet, basename="workout")

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/export/", views.MyExportView.as_view(), name="me-export"),
    re_path(rf"^persons/(?P<id>{views.ID_PATTERN})/export/$", views.PersonExportView.as_view(), name="api-person-export"),
    re_path(rf"^persons/(?P<id>{views.ID_PATTERN})/share-links/$", sharing.ShareLinkListView.as_view(), name="share-links"),
    re_path(
        rf"^persons/(?P<id>{views.ID_PATTERN})/share-links/(?P<link_id>{views.ID_PATTERN})/$",
        sharing.ShareLinkDetailView.as_view(), name="share-link",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include(router.urls)),
]
