"""REST routes under /api/v1/ (CONTRACT section 1). One module of views per area."""

from .routes import api_path
from .views import auth as auth_views
from .views import catalog, checks, courses, customers, delivery, floor
from .views import kitchen as kitchen_views
from .views import orders as order_views
from .views import payments as payment_views
from .views import platforms as platform_views
from .views import printing as printing_views
from .views import reports as report_views
from .views import screens as screen_views
from .views import session as session_views
from .views import shifts as shift_views
from .views import table_moves as table_move_views
from .views import webhooks as webhook_views
from .views.schema import SchemaView, SwaggerView

urlpatterns = [
    *api_path("auth/login", auth_views.LoginApi.as_view(), "auth-login"),
    *api_path("auth/logout", auth_views.LogoutApi.as_view(), "auth-logout"),
    *api_path("schema", SchemaView.as_view(), "schema"),
    *api_path("docs", SwaggerView.as_view(url_name="schema"), "swagger-ui"),
    *platform_views.intake_urlpatterns,
]

pos_urlpatterns = [
    *order_views.urlpatterns,
    *checks.urlpatterns,
    *courses.urlpatterns,
    *payment_views.urlpatterns,
    *printing_views.urlpatterns,
    *kitchen_views.urlpatterns,
    *catalog.urlpatterns,
    *floor.urlpatterns,
    *customers.urlpatterns,
    *delivery.urlpatterns,
    *session_views.urlpatterns,
    *table_move_views.urlpatterns,
    *screen_views.urlpatterns,
    *shift_views.urlpatterns,
    *report_views.urlpatterns,
    *platform_views.urlpatterns,
    *webhook_views.urlpatterns,
]
