from django.contrib import admin
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found
from django.views.generic import TemplateView


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception):
    """API clients get the API's JSON 404 for a path no route matches; people get the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("logs.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
]
