"""Delivery: drivers and platforms (docs/api.md "Delivery drivers and platforms").

Assigning drivers and delivery status changes are added to this module by the
order engineers (CONTRACT 4a).
"""

from drf_spectacular.utils import extend_schema

from hub.selectors import delivery as selectors

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers.catalog import DeliveryDriverOut, DeliveryPlatformOut
from .base import HubApiView


class DriverListApi(HubApiView):
    permission = "driver.read"
    paginated = True

    @extend_schema(responses=DeliveryDriverOut(many=True))
    def get(self, request):
        page, per_page = self.paging()
        drivers = selectors.drivers_list(outlet=self.outlet)
        total = drivers.count()
        rows = drivers[(page - 1) * per_page : page * per_page]
        return ok_page(DeliveryDriverOut(rows, many=True).data, page=page, per_page=per_page, total=total)


class PlatformListApi(HubApiView):
    permission = "platform.read"

    @extend_schema(responses=DeliveryPlatformOut(many=True))
    def get(self, request):
        return ok(DeliveryPlatformOut(selectors.platforms_active(), many=True).data)


urlpatterns = [
    *api_path("delivery-drivers", DriverListApi.as_view(), "delivery-drivers"),
    *api_path("delivery-platforms", PlatformListApi.as_view(), "delivery-platforms"),
]
