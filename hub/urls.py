from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from pos_api.urls import pos_urlpatterns
from pos_api.urls import urlpatterns as api_urlpatterns
from pos_api.views.health import healthz, metrics, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urlpatterns)),
    path("api/v1/pos/", include(pos_urlpatterns)),
    path("", include("displays.urls")),
]


def bench_floor(request):
    """The benchmark's floor: the same middleware, no database (bench/, docs/performance.md)."""
    return JsonResponse({"success": True, "data": {"ok": True}})


if settings.HUB_BENCH_FLOOR:
    urlpatterns.insert(0, path("bench/floor", bench_floor))
