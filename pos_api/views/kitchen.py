"""KOTs over REST: send, status, and the reads a kitchen screen needs
(CONTRACT 5; docs/api.md "Kitchen (KOT)").

Thin: validate, call one service in hub.services.kitchen, answer with KOTs re-read
through hub.selectors.kitchen (a fixed number of queries).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from hub.errors import KitchenCode, OrderCode
from hub.selectors import kitchen as selectors
from hub.services import kitchen as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers import kitchen as io
from .base import HubApiView


class KotSendApi(HubApiView):
    permission = "kot.send"
    error_codes = {409: [KitchenCode.NOTHING_TO_SEND, OrderCode.ORDER_CLOSED]}

    @extend_schema(
        request=None,
        responses={201: io.KotSendOut},
        summary="Send every unsent item of the order to its kitchen (one KOT per kitchen)",
        description="`data` is the first KOT of the send; `data.kots` lists every KOT of it.",
    )
    def post(self, request, order_id: int):
        kots = services.kot_send(order_id=order_id, outlet=self.outlet, by=self.staff)
        fresh = selectors.kots_by_ids([kot.pk for kot in kots])
        return ok(io.kot_send_representation(fresh, by=self.staff), status=201)


class KotDetailApi(HubApiView):
    permission = "kot.read"

    @extend_schema(responses=io.KotOut, summary="One KOT with its items")
    def get(self, request, kot_id: int):
        kot = selectors.kot_get(outlet=self.outlet, kot_id=kot_id, staff=self.staff)
        return ok(io.kot_representation(kot, by=self.staff))


class KotStatusApi(HubApiView):
    permission = "kot.set_status"
    error_codes = {409: [OrderCode.INVALID_TRANSITION]}

    @extend_schema(
        request=io.KotStatusIn,
        responses=io.KotOut,
        examples=[
            OpenApiExample("Start cooking", value={"status": "in_kitchen"}, request_only=True)
        ],
        summary="Move a KOT: sent_to_kitchen -> in_kitchen -> food_ready -> served "
        "(food_ready -> in_kitchen is a recall)",
    )
    def put(self, request, kot_id: int):
        data = self.validated(io.KotStatusIn)
        kot = services.kot_set_status(
            kot_id=kot_id, outlet=self.outlet, status=data["status"], by=self.staff
        )
        fresh = selectors.kot_get(outlet=self.outlet, kot_id=kot.pk)
        return ok(io.kot_representation(fresh, by=self.staff))


class KitchenKotListApi(HubApiView):
    permission = "kot.read"
    paginated = {"GET": True}

    @extend_schema(
        parameters=[
            io.KitchenKotsQuery,
            OpenApiParameter("kitchen_id", int, OpenApiParameter.PATH),
        ],
        responses=io.KotOut(many=True),
        summary="A kitchen's tickets in arrival order (open ones unless ?status= says)",
    )
    def get(self, request, kitchen_id: int):
        query = self.validated_query(io.KitchenKotsQuery)
        page, per_page = self.paging()
        queryset = selectors.kitchen_kots(
            outlet=self.outlet,
            kitchen_id=kitchen_id,
            staff=self.staff,
            status=query.get("status"),
            business_date=query.get("date"),
        )
        total = queryset.count()
        rows = list(queryset[(page - 1) * per_page : page * per_page])
        return ok_page(
            io.kots_representation(rows, by=self.staff), page=page, per_page=per_page, total=total
        )


urlpatterns = [
    *api_path("orders/<int:order_id>/kot", KotSendApi.as_view(), "order-kot"),
    *api_path("kot/<int:kot_id>", KotDetailApi.as_view(), "kot-detail"),
    *api_path("kot/<int:kot_id>/status", KotStatusApi.as_view(), "kot-status"),
    *api_path("kitchens/<int:kitchen_id>/kots", KitchenKotListApi.as_view(), "kitchen-kots"),
]
