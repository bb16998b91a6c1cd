"""The outlet's own settings and reference rows in the admin (docs/admin.md "Outlet").

A manager changes their outlet's settings (not its code, which is in every order
number), its tables, coupons and drivers. A table's status is the floor's live
state (the waiters' tablets change it, with its events), so it is read-only here.
Customers are read here; they are added at the till, where the phone rules are.
Order types, payment methods and delivery platforms are shared by every outlet:
managers read them, only a superuser changes them.
"""

from __future__ import annotations

from django.contrib import admin

from hub import models as m

from .base import EDIT, VIEW, OutletAdmin, manager_outlet_id


@admin.register(m.Outlet)
class OutletSettingsAdmin(OutletAdmin):
    manager_may = frozenset({"view", "change"})
    list_display = ("code", "name", "timezone", "currency")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if manager_outlet_id(request) is not None else ()


@admin.register(m.Table)
class TableAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = ("id", "name", "outlet", "area", "seats", "status")
    list_filter = ("outlet", "area", "status")
    fields = ("outlet", "name", "area", "seats", "status", "status_changed_at", "guests")

    def get_readonly_fields(self, request, obj=None):
        if manager_outlet_id(request) is None:
            return ()
        return ("status", "status_changed_at", "guests")


@admin.register(m.Customer)
class CustomerAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "name", "phone", "email", "outlet")
    search_fields = ("name", "phone", "email")
    list_filter = ("outlet",)


@admin.register(m.Coupon)
class CouponAdmin(OutletAdmin):
    manager_may = EDIT  # ended with "active" off, not deleted: orders refer to them
    list_display = ("code", "outlet", "discount_type", "value", "is_active", "used_count")
    list_filter = ("outlet", "is_active", "discount_type")
    search_fields = ("code",)
    filter_horizontal = ("order_types",)

    def get_readonly_fields(self, request, obj=None):
        return ("used_count",) if manager_outlet_id(request) is not None else ()


@admin.register(m.DeliveryDriver)
class DeliveryDriverAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = ("id", "name", "phone", "outlet", "staff", "is_available")
    list_filter = ("outlet", "is_available")
    fields = ("outlet", "name", "phone", "staff", "is_available")


@admin.register(m.OrderType)
class OrderTypeAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "code", "name", "requires_table", "requires_customer")


@admin.register(m.PaymentMethod)
class PaymentMethodAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "code", "name", "is_cash", "is_active")


@admin.register(m.DeliveryPlatform)
class DeliveryPlatformAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("id", "code", "name", "is_active")
