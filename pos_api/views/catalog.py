"""Reference data: payment methods, order types, menu, kitchens (docs/api.md "Reference data").

These are short lists a terminal loads once at start-up, so they come whole,
without pagination (docs/api.md "Pagination").
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from hub.selectors import catalog as selectors
from hub.services.kitchen_screens import kitchen_screen_stale_before
from hub.services.menu import menu_item_set_availability, modifier_option_set_availability
from hub.services.order_lines import line_price_quote

from ..envelope import ok
from ..routes import api_path
from ..serializers.catalog import (
    KitchenWithItemsOut,
    MenuItemAvailabilityIn,
    MenuItemAvailabilityOut,
    MenuSectionOut,
    ModifierOptionAvailabilityOut,
    OrderTypeOut,
    PaymentMethodOut,
)
from ..serializers.orders import LinePriceIn, LinePriceOut, modifier_inputs
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


class MenuApi(HubApiView):
    """The caller's outlet's menu: categories in order, each with its items."""

    permission = "menu.read"

    @extend_schema(responses=MenuSectionOut(many=True))
    def get(self, request):
        return ok(MenuSectionOut(selectors.menu_for_outlet(outlet=self.outlet), many=True).data)


class KitchenListApi(HubApiView):
    """Every kitchen of the outlet with the menu items routed to it, and whether a screen
    of it is connected (a manager sees a kitchen whose display is off)."""

    permission = "kitchen.read"

    @extend_schema(responses=KitchenWithItemsOut(many=True))
    def get(self, request):
        kitchens = selectors.kitchens_with_items(
            outlet=self.outlet, screens_stale_before=kitchen_screen_stale_before()
        )
        return ok(KitchenWithItemsOut(kitchens, many=True).data)


class MenuItemAvailabilityApi(HubApiView):
    """ "86" an item when the kitchen runs out, or bring it back (docs/api.md)."""

    permission = "menu.set_availability"

    @extend_schema(
        request=MenuItemAvailabilityIn,
        responses=MenuItemAvailabilityOut,
        examples=[OpenApiExample("Sold out", value={"is_available": False}, request_only=True)],
    )
    def put(self, request, item_id: int):
        data = self.validated(MenuItemAvailabilityIn)
        item = menu_item_set_availability(
            item_id=item_id, outlet=self.outlet, is_available=data["is_available"], by=self.staff
        )
        return ok(MenuItemAvailabilityOut(item).data)


class ModifierOptionAvailabilityApi(HubApiView):
    """ "86" a modifier option (no more Full plates), or bring it back (docs/api.md
    "Modifiers"): the same rules as an item's."""

    permission = "menu.set_availability"

    @extend_schema(
        request=MenuItemAvailabilityIn,
        responses=ModifierOptionAvailabilityOut,
        examples=[OpenApiExample("Sold out", value={"is_available": False}, request_only=True)],
    )
    def put(self, request, option_id: int):
        data = self.validated(MenuItemAvailabilityIn)
        option = modifier_option_set_availability(
            option_id=option_id,
            outlet=self.outlet,
            is_available=data["is_available"],
            by=self.staff,
        )
        return ok(ModifierOptionAvailabilityOut(option).data)


class MenuItemPriceApi(HubApiView):
    """What the item costs with the options picked so far, priced by the hub
    (hub/pricing.py) for a chooser that shows its price as options are tapped (docs/api.md
    "Pricing a choice"). Reads only: nothing is written, no event."""

    permission = "order.update"

    @extend_schema(
        request=LinePriceIn,
        responses=LinePriceOut,
        examples=[
            OpenApiExample(
                "Biryani, Full",
                value={"modifiers": [{"option_id": 4, "quantity": 1}], "quantity": 1},
                request_only=True,
            )
        ],
    )
    def post(self, request, item_id: int):
        data = self.validated(LinePriceIn)
        quote = line_price_quote(
            outlet=self.outlet,
            menu_item_id=item_id,
            chosen=modifier_inputs(data.get("modifiers")),
            quantity=data.get("quantity", 1),
        )
        return ok(LinePriceOut(quote).data)


urlpatterns = [
    *api_path("payment-methods", PaymentMethodListApi.as_view(), "payment-methods"),
    *api_path("order-types", OrderTypeListApi.as_view(), "order-types"),
    *api_path("menu", MenuApi.as_view(), "menu"),
    *api_path(
        "menu/items/<int:item_id>/availability",
        MenuItemAvailabilityApi.as_view(),
        "menu-item-availability",
    ),
    *api_path(
        "menu/options/<int:option_id>/availability",
        ModifierOptionAvailabilityApi.as_view(),
        "menu-option-availability",
    ),
    *api_path("menu/items/<int:item_id>/price", MenuItemPriceApi.as_view(), "menu-item-price"),
    *api_path("kitchens", KitchenListApi.as_view(), "kitchens"),
]
