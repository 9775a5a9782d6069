from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found

from logs.views import exports

from . import pwa, views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception):
    """API clients get the API's JSON 404 for a path no route matches; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/export/", views.export_everything, name="settings-export"),
    path("settings/delete-account/", views.delete_account, name="delete-account"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("healthz/", healthz, name="healthz"),
    # Public: a share link's read-only report (logs/reports/sharing.py).
    path("share/<str:token>/", exports.shared_report, name="shared-report"),
    path("share/<str:token>/report.pdf", exports.shared_report_pdf, name="shared-report-pdf"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("logs.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("", include("logs.urls")),
    path("", include("alerts.urls")),
]
