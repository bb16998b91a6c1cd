"""Reference data: payment methods, order types, menu, kitchens, coupons, printers..."""

from drf_spectacular.utils import extend_schema

from hub.selectors import catalog as selectors

from ..envelope import ok
from ..routes import api_path
from ..serializers.catalog import OrderTypeOut, PaymentMethodOut
from .base import HubApiView


class PaymentMethodListApi(HubApiView):
    permission = "payment_method.read"

    @extend_schema(responses=PaymentMethodOut(many=True))
    def get(self, request):
        # Exactly the reference's shape: [{"id", "name", "code"}], unpaginated (a handful of rows).
        return ok(PaymentMethodOut(selectors.payment_methods_active(), many=True).data)


class OrderTypeListApi(HubApiView):
    permission = "catalog.read"

    @extend_schema(responses=OrderTypeOut(many=True))
    def get(self, request):
        return ok(OrderTypeOut(selectors.order_types_all(), many=True).data)


urlpatterns = [
    *api_path("payment-methods", PaymentMethodListApi.as_view(), "payment-methods"),
    *api_path("order-types", OrderTypeListApi.as_view(), "order-types"),
]
