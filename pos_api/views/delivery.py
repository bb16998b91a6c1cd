"""Delivery: drivers and platforms (docs/api.md "Delivery drivers and platforms"),
assigning a driver, the delivery status and a driver's own deliveries (docs/api.md
"Delivery"; CONTRACT 4a).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import DeliveryCode, NotFound, OrderCode, RequestCode
from hub.selectors import delivery as selectors
from hub.services import delivery as services
from hub.services.clock import outlet_today

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers import delivery as io
from ..serializers.catalog import DeliveryDriverOut, DeliveryPlatformOut
from ..serializers.orders import OrderOut
from .base import HubApiView
from .orders import OrderApiView


class DriverListApi(HubApiView):
    permission = "driver.read"
    paginated = True

    @extend_schema(responses=DeliveryDriverOut(many=True))
    def get(self, request):
        page, per_page = self.paging()
        drivers = selectors.drivers_list(outlet=self.outlet)
        total = drivers.count()
        rows = drivers[(page - 1) * per_page : page * per_page]
        return ok_page(
            DeliveryDriverOut(rows, many=True).data, page=page, per_page=per_page, total=total
        )


class PlatformListApi(HubApiView):
    permission = "platform.read"

    @extend_schema(responses=DeliveryPlatformOut(many=True))
    def get(self, request):
        return ok(DeliveryPlatformOut(selectors.platforms_active(), many=True).data)


class AssignDriverApi(OrderApiView):
    permission = "driver.assign"
    error_codes = {
        409: [OrderCode.ORDER_CLOSED, OrderCode.INVALID_TRANSITION],
        422: [DeliveryCode.NOT_A_DELIVERY_ORDER, DeliveryCode.DRIVER_UNAVAILABLE],
    }

    @extend_schema(
        request=io.AssignDriverIn,
        responses=OrderOut,
        examples=[OpenApiExample("Driver 1", value={"driver_id": 1}, request_only=True)],
    )
    def post(self, request, order_id: int):
        data = self.validated(io.AssignDriverIn)
        order = services.delivery_assign(
            order_id=order_id, outlet=self.outlet, driver_id=data["driver_id"], by=self.staff
        )
        return self.answer(order)


class DeliveryStatusApi(OrderApiView):
    permission = "delivery.set_status"
    error_codes = {
        409: [OrderCode.ORDER_CLOSED, OrderCode.INVALID_TRANSITION],
        422: [DeliveryCode.NOT_A_DELIVERY_ORDER],
    }

    @extend_schema(
        request=io.DeliveryStatusIn,
        responses=OrderOut,
        examples=[
            OpenApiExample(
                "The driver has the food", value={"status": "picked_up"}, request_only=True
            )
        ],
    )
    def put(self, request, order_id: int):
        data = self.validated(io.DeliveryStatusIn)
        order = services.delivery_set_status(
            order_id=order_id,
            outlet=self.outlet,
            status=data["status"],
            reason=data.get("reason") or "",
            by=self.staff,
        )
        return self.answer(order)


class MyDeliveriesApi(HubApiView):
    """The signed-in driver's deliveries, for the driver phone."""

    permission = "delivery.mine"
    paginated = True
    error_codes = {404: [RequestCode.NOT_FOUND]}  # a manager or cashier without a driver profile

    @extend_schema(parameters=[io.MyDeliveriesQuery], responses=io.DeliveryRowOut(many=True))
    def get(self, request):
        query = self.validated_query(io.MyDeliveriesQuery)
        page, per_page = self.paging()
        driver = selectors.driver_of(staff=self.staff, outlet=self.outlet)
        if driver is None:
            raise NotFound("You have no driver profile at this outlet.")
        scope = query["scope"]
        rows = selectors.driver_deliveries(
            driver=driver,
            business_date=outlet_today(self.outlet) if scope == "today" else None,
            active_only=scope == "active",
        )
        total = rows.count()
        page_rows = rows[(page - 1) * per_page : page * per_page]
        return ok_page(
            io.DeliveryRowOut(page_rows, many=True, context={"by": self.staff}).data,
            page=page,
            per_page=per_page,
            total=total,
        )


urlpatterns = [
    *api_path("delivery-drivers", DriverListApi.as_view(), "delivery-drivers"),
    *api_path(
        "delivery-drivers/me/orders", MyDeliveriesApi.as_view(), "delivery-drivers-me-orders"
    ),
    *api_path(
        "orders/<int:order_id>/assign-driver", AssignDriverApi.as_view(), "order-assign-driver"
    ),
    *api_path(
        "orders/<int:order_id>/delivery-status",
        DeliveryStatusApi.as_view(),
        "order-delivery-status",
    ),
    *api_path("delivery-platforms", PlatformListApi.as_view(), "delivery-platforms"),
]
