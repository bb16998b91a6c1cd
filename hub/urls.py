from django.contrib import admin
from django.urls import include, path

from pos_api.urls import pos_urlpatterns
from pos_api.urls import urlpatterns as api_urlpatterns
from pos_api.views.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urlpatterns)),
    path("api/v1/pos/", include(pos_urlpatterns)),
    path("", include("displays.urls")),
]
