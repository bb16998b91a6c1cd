"""Courses, firing, item-level bump and the pass over REST (CONTRACT 13; docs/api.md
"Courses, firing and the expo").

Thin: validate, call one service in hub.services.kitchen, answer with the order (fire,
serve) or the KOT (item bump) re-read through the selectors (a fixed number of queries).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.errors import CourseCode, OrderCode
from hub.selectors import kitchen as kitchen_selectors
from hub.services import kitchen as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers import kitchen as kitchen_io
from ..serializers import orders as io
from ..serializers.courses import ExpoOrderOut, expo_representation
from .base import HubApiView
from .orders import OrderApiView


class OrderFireApi(OrderApiView):
    permission = "order.fire"
    error_codes = {409: [CourseCode.NOTHING_TO_FIRE, OrderCode.ORDER_CLOSED]}

    @extend_schema(
        request=io.OrderFireIn,
        responses=io.OrderOut,
        examples=[OpenApiExample("Fire the mains", value={"course": 2}, request_only=True)],
        summary="Fire courses up to N: their held KOTs go to the kitchen and print",
        description="A course already fired answers 200 and changes nothing.",
    )
    def post(self, request, order_id: int):
        data = self.validated(io.OrderFireIn)
        order = services.order_fire(
            order_id=order_id, outlet=self.outlet, course=data["course"], by=self.staff
        )
        return self.answer(order)


class OrderServeApi(OrderApiView):
    permission = "order.serve"
    error_codes = {409: [CourseCode.NOTHING_TO_SERVE, OrderCode.ORDER_CLOSED]}

    @extend_schema(
        request=None,
        responses=io.OrderOut,
        summary="Serve from the pass: every food_ready KOT of the order becomes served",
    )
    def post(self, request, order_id: int):
        order = services.order_serve(order_id=order_id, outlet=self.outlet, by=self.staff)
        return self.answer(order)


class KotItemStatusApi(HubApiView):
    permission = "kot.set_status"
    error_codes = {409: [OrderCode.INVALID_TRANSITION]}

    @extend_schema(
        request=kitchen_io.KotItemStatusIn,
        responses=kitchen_io.KotOut,
        examples=[
            OpenApiExample("This line is ready", value={"status": "food_ready"}, request_only=True)
        ],
        summary="Bump one line of a KOT (item_id: the order line); the KOT follows its lines",
    )
    def put(self, request, kot_id: int, item_id: int):
        data = self.validated(kitchen_io.KotItemStatusIn)
        kot = services.kot_item_set_status(
            kot_id=kot_id, item_id=item_id, outlet=self.outlet, status=data["status"], by=self.staff
        )
        fresh = kitchen_selectors.kot_get(outlet=self.outlet, kot_id=kot.pk)
        return ok(kitchen_io.kot_representation(fresh, by=self.staff))


class ExpoApi(HubApiView):
    permission = "expo.read"
    paginated = {"GET": True}

    @extend_schema(
        responses=ExpoOrderOut(many=True),
        summary="The pass: open orders with every kitchen's KOTs not yet served",
    )
    def get(self, request):
        page, per_page = self.paging()
        queryset = kitchen_selectors.expo_orders(outlet=self.outlet)
        total = queryset.count()
        orders = list(queryset[(page - 1) * per_page : page * per_page])
        kots = kitchen_selectors.expo_kots(order_ids=[order.pk for order in orders])
        return ok_page(
            expo_representation(orders, kots, by=self.staff),
            page=page,
            per_page=per_page,
            total=total,
        )


urlpatterns = [
    *api_path("orders/<int:order_id>/fire", OrderFireApi.as_view(), "order-fire"),
    *api_path("orders/<int:order_id>/serve", OrderServeApi.as_view(), "order-serve"),
    *api_path(
        "kot/<int:kot_id>/items/<int:item_id>/status", KotItemStatusApi.as_view(), "kot-item-status"
    ),
    *api_path("expo", ExpoApi.as_view(), "expo"),
]
