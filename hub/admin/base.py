"""What an outlet manager may do in the admin, and only at their outlet (docs/admin.md).

Every ModelAdmin of the hub derives from OutletAdmin (inlines from OutletInline)
and says, in `manager_may`, which of view/add/change/delete a manager has on it;
superusers keep Django's full access. For a manager:

- lists and forms hold only their outlet's rows (`get_queryset`), so another
  outlet's row answers as one that does not exist;
- a foreign key or many-to-many field offers only their outlet's rows, so a form
  can never point at another outlet's kitchen or printer;
- an `outlet` field shows their outlet and cannot be changed (a disabled field,
  so the form still validates the outlet's unique constraints);
- "outlet" leaves the list columns and filters; foreign-key filters list only the
  rows in use (no other outlet's names).

OUTLET_PATHS says how each model reaches its outlet; a model missing from it, and
not SHARED by all outlets, is shown to no manager.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet

from hub import models as m
from hub.admin_site import is_outlet_manager

VIEW = frozenset({"view"})
EDIT = frozenset({"view", "add", "change"})
ALL = frozenset({"view", "add", "change", "delete"})
NOTHING: frozenset[str] = frozenset()

# Lookup from each model to the id of the outlet it belongs to.
OUTLET_PATHS: dict[type[Model], str] = {
    m.Outlet: "pk",
    m.Staff: "outlet",
    m.ApiToken: "staff__outlet",
    m.TaxCategory: "outlet",
    m.TaxComponent: "category__outlet",
    m.Kitchen: "outlet",
    m.MenuCategory: "outlet",
    m.MenuItem: "outlet",
    m.ModifierGroup: "menu_item__outlet",
    m.ModifierOption: "group__menu_item__outlet",
    m.Table: "outlet",
    m.Customer: "outlet",
    m.Order: "outlet",
    m.OrderItem: "order__outlet",
    m.Kot: "outlet",
    m.KotLine: "kot__outlet",
    m.Payment: "order__outlet",
    m.Refund: "payment__order__outlet",
    m.Coupon: "outlet",
    m.DeliveryDriver: "outlet",
    m.Printer: "outlet",
    m.PrintJob: "outlet",
    m.Event: "outlet",
    m.Sequence: "outlet",
    m.HeldOrder: "outlet",
    m.PosSession: "staff__outlet",
    m.PlatformAccount: "outlet",
    m.PlatformCode: "outlet",
    m.PlatformOrder: "outlet",
    m.WebhookSubscription: "outlet",
    m.WebhookDelivery: "subscription__outlet",
    m.WebhookCursor: "subscription__outlet",
    m.ModifierGroup: "menu_item__outlet",
    m.ModifierOption: "group__menu_item__outlet",
}
# Reference rows every outlet uses; a manager reads them, only a superuser edits them.
SHARED: frozenset[type[Model]] = frozenset({m.OrderType, m.PaymentMethod, m.DeliveryPlatform})


def manager_outlet_id(request) -> int | None:
    """The outlet a non-superuser manager runs; None for superusers (unscoped)."""
    return request.user.outlet_id if is_outlet_manager(request.user) else None


def scoped(queryset: QuerySet, outlet_id: int) -> QuerySet:
    """`queryset` cut to one outlet's rows (nothing, for a model no manager may see)."""
    model = queryset.model
    if model in SHARED:
        return queryset
    path = OUTLET_PATHS.get(model)
    if path is None:
        return queryset.none()
    if model is m.Staff:
        # a superuser's account is never a manager's to see or change
        queryset = queryset.filter(is_superuser=False)
    elif path.startswith("staff__"):
        queryset = queryset.filter(staff__is_superuser=False)
    return queryset.filter(**{path: outlet_id})


class _ManagerAccess:
    """Permission and form hooks shared by ModelAdmin and InlineModelAdmin."""

    manager_may: frozenset[str] = VIEW

    def _manager_may(self, request, action: str) -> bool | None:
        """True/False for a manager; None for anyone else (Django decides)."""
        user = request.user
        if user.is_superuser:
            return None
        return is_outlet_manager(user) and action in self.manager_may

    def has_view_permission(self, request, obj=None):
        allowed = self._manager_may(request, "view")
        if allowed is None:
            return super().has_view_permission(request, obj)
        return allowed or bool(self._manager_may(request, "change"))

    def has_add_permission(self, request, *args):
        allowed = self._manager_may(request, "add")
        return super().has_add_permission(request, *args) if allowed is None else allowed

    def has_change_permission(self, request, obj=None):
        allowed = self._manager_may(request, "change")
        return super().has_change_permission(request, obj) if allowed is None else allowed

    def has_delete_permission(self, request, obj=None):
        allowed = self._manager_may(request, "delete")
        return super().has_delete_permission(request, obj) if allowed is None else allowed

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        outlet_id = manager_outlet_id(request)
        return queryset if outlet_id is None else scoped(queryset, outlet_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        outlet_id = manager_outlet_id(request)
        if outlet_id is not None:
            related = db_field.related_model
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = scoped(base, outlet_id)
            if related is m.Outlet:
                # Fixed to the manager's outlet. Disabled, not left out: the form still
                # checks unique constraints that include the outlet (a coupon's code).
                kwargs["initial"] = outlet_id
                kwargs["disabled"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        outlet_id = manager_outlet_id(request)
        if outlet_id is not None:
            related = db_field.related_model
            base = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = scoped(base, outlet_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OutletAdmin(_ManagerAccess, admin.ModelAdmin):
    """A ModelAdmin a manager may use as `manager_may` says, on their outlet's rows."""

    def has_module_permission(self, request):
        allowed = self._manager_may(request, "view")
        return super().has_module_permission(request) if allowed is None else allowed

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if manager_outlet_id(request) is None:
            return columns
        return [c for c in columns if c != "outlet"]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if manager_outlet_id(request) is None:
            return filters
        return [f for f in filters if f != "outlet"]


class OutletInline(_ManagerAccess):
    """Mix into TabularInline/StackedInline: the parent's outlet rules for its rows."""


class ReadOnlyTabularInline(OutletInline, admin.TabularInline):
    """Rows shown in their parent's page that a manager only reads (order lines, payments):
    they change through the services, with their events, never by hand."""

    extra = 0
    manager_may = VIEW
