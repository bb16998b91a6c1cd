"""The POS session: cart, hold, resume, held orders (CONTRACT 4a "Session";
docs/api.md "POS session"). Per staff user and device: the `X-Device-Id` header."""

from __future__ import annotations

import re

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from hub.errors import OrderCode, SessionCode, ValidationFailed
from hub.selectors import session as selectors
from hub.services import session as services

from ..envelope import ok, ok_page
from ..routes import api_path
from ..serializers import session as io
from .base import HubApiView

# Visible ASCII, spaces only inside, at most 80 (services.MAX_DEVICE_ID); empty is the
# default device. The schema says exactly this, so an id it allows is never a 400.
DEVICE_ID_PATTERN = rf"^(?:[!-~](?:[ -~]{{0,{services.MAX_DEVICE_ID - 2}}}[!-~])?)?$"
_DEVICE_ID = re.compile(DEVICE_ID_PATTERN)
DEVICE_HEADER = OpenApiParameter(
    "X-Device-Id",
    {"type": "string", "maxLength": services.MAX_DEVICE_ID, "pattern": DEVICE_ID_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="The terminal's id (visible ASCII, at most 80 characters); one session per "
    "user and device",
)


class SessionApiView(HubApiView):
    permission = "session.use"

    def check_request(self, request) -> None:
        super().check_request(request)
        self.device_id  # noqa: B018 - raises 400 for a malformed X-Device-Id

    @property
    def device_id(self) -> str:
        raw = self.request.headers.get("X-Device-Id")
        if raw is not None and not _DEVICE_ID.fullmatch(raw):
            raise ValidationFailed(
                fields={"X-Device-Id": ["At most 80 visible ASCII characters, spaces only inside."]}
            )
        return services.device_id_clean(raw)

    def answer(self, state: services.SessionState, **extra) -> dict:
        body = io.SessionOut(
            {
                "cart": state.cart,
                "updated_at": state.updated_at,
                "held_count": state.held_count,
                "device_id": self.device_id,
            }
        ).data
        for key, held in extra.items():
            body[key] = io.HeldOrderOut(held).data
        return body


class SessionApi(SessionApiView):
    @extend_schema(parameters=[DEVICE_HEADER], responses=io.SessionOut)
    def get(self, request):
        return ok(self.answer(services.session_get(staff=self.staff, device_id=self.device_id)))


class SessionSaveApi(SessionApiView):
    error_codes = {
        409: [SessionCode.ALREADY_RESUMED, SessionCode.ALREADY_HELD, OrderCode.ORDER_NOT_DRAFT],
        413: [SessionCode.CART_TOO_LARGE],
    }

    @extend_schema(
        parameters=[DEVICE_HEADER],
        request=io.SessionSaveIn,
        responses=io.SessionSaveOut,
        examples=[
            OpenApiExample(
                "Keep the cart",
                value={"cart": {"table_id": 5, "items": [{"menu_item_id": 15, "quantity": 2}]}},
                request_only=True,
            ),
            OpenApiExample(
                "Park it for later",
                value={"hold": True, "label": "Table 5", "cart": {"items": [{"menu_item_id": 15}]}},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        data = self.validated(io.SessionSaveIn)
        device_id = self.device_id
        if data.get("resume_held_id") is not None:
            held, state = services.session_resume(
                staff=self.staff, device_id=device_id, held_id=data["resume_held_id"]
            )
            return ok(self.answer(state, resumed=held))
        if data.get("hold"):
            held, state = services.session_hold(
                staff=self.staff,
                device_id=device_id,
                cart=data.get("cart"),
                order_id=data.get("order_id"),
                label=data.get("label") or "",
            )
            return ok(self.answer(state, held=held))
        state = services.session_save(staff=self.staff, device_id=device_id, cart=data["cart"])
        return ok(self.answer(state))


class SessionClearApi(SessionApiView):
    @extend_schema(parameters=[DEVICE_HEADER], request=None, responses={200: io.SessionOut})
    def delete(self, request):
        return ok(self.answer(services.session_clear(staff=self.staff, device_id=self.device_id)))


class HeldOrderListApi(SessionApiView):
    paginated = True

    @extend_schema(responses=io.HeldOrderOut(many=True))
    def get(self, request):
        page, per_page = self.paging()
        rows = selectors.held_orders_list(outlet=self.outlet)
        total = rows.count()
        page_rows = rows[(page - 1) * per_page : page * per_page]
        return ok_page(
            io.HeldOrderOut(page_rows, many=True).data, page=page, per_page=per_page, total=total
        )


urlpatterns = [
    *api_path("session", SessionApi.as_view(), "session"),
    *api_path("session/save", SessionSaveApi.as_view(), "session-save"),
    *api_path("session/clear", SessionClearApi.as_view(), "session-clear"),
    *api_path("session/held-orders", HeldOrderListApi.as_view(), "session-held-orders"),
]
