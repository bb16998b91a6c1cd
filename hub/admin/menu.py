"""The menu in the admin: items, categories, kitchens, taxes (docs/admin.md "Menu").

A menu item is saved through hub/services/menu.py, never by the form itself:
ticking "available" off calls menu_item_set_availability (`menu.item_availability`,
the same as `PUT /menu/items/{id}/availability`), and every other edit calls
menu_item_update / menu_item_create (`menu.item_changed`), so the tills and
waiter tablets show the new price or name at once. Items are taken off the menu
(unavailable), not deleted: orders refer to them.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages

from hub import models as m
from hub.services.menu import menu_item_create, menu_item_set_availability, menu_item_update

from .base import ALL, EDIT, NOTHING, OutletAdmin, OutletInline, manager_outlet_id

# Form fields of a menu item -> the service's argument; foreign keys go as ids.
PLAIN_FIELDS = ("name", "price", "is_open_price", "sort_order")
KEY_FIELDS = ("category", "kitchen", "tax_category")


def _related_id(value) -> int | None:
    return value.pk if value is not None else None


@admin.register(m.MenuItem)
class MenuItemAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = (
        "id",
        "name",
        "outlet",
        "category",
        "price",
        "kitchen",
        "tax_category",
        "is_open_price",
        "is_available",
    )
    list_display_links = ("id", "name")
    # Edited in the list too: the changelist saves each row through save_model below.
    list_editable = ("price", "is_available")
    list_filter = (
        "outlet",
        ("kitchen", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
        "is_available",
    )
    search_fields = ("name",)
    fields = (
        "outlet",
        "name",
        "category",
        "price",
        "kitchen",
        "tax_category",
        "is_open_price",
        "is_available",
        "sort_order",
    )
    actions = ["mark_sold_out", "mark_available"]

    def get_readonly_fields(self, request, obj=None):
        # An item never moves to another outlet (its orders and tickets stay there).
        return ("outlet",) if obj is not None and manager_outlet_id(request) is None else ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "price":
            kwargs["min_value"] = Decimal("0")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            item = menu_item_create(
                outlet=obj.outlet,
                by=request.user,
                name=data["name"],
                price=data["price"],
                kitchen_id=data["kitchen"].pk,
                category_id=_related_id(data.get("category")),
                tax_category_id=_related_id(data.get("tax_category")),
                is_open_price=data.get("is_open_price", False),
                is_available=data.get("is_available", True),
                sort_order=data.get("sort_order") or 0,
            )
            obj.pk = item.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        changed = set(form.changed_data)
        edits = {f: data[f] for f in PLAIN_FIELDS if f in changed}
        edits |= {f"{f}_id": _related_id(data[f]) for f in KEY_FIELDS if f in changed}
        # The outlet cannot change in this form (fixed for managers, read-only for others).
        outlet = obj.outlet
        if edits:
            menu_item_update(item_id=obj.pk, outlet=outlet, by=request.user, **edits)
        if "is_available" in changed:
            menu_item_set_availability(
                item_id=obj.pk, outlet=outlet, is_available=data["is_available"], by=request.user
            )
        obj.refresh_from_db()

    def _set_available(self, request, queryset, is_available: bool) -> int:
        count = 0
        for item in queryset.select_related("outlet"):
            if item.is_available != is_available:
                menu_item_set_availability(
                    item_id=item.pk, outlet=item.outlet, is_available=is_available, by=request.user
                )
                count += 1
        return count

    @admin.action(description="Mark selected items sold out", permissions=["change"])
    def mark_sold_out(self, request, queryset):
        count = self._set_available(request, queryset, False)
        self.message_user(request, f"{count} item(s) marked sold out.", messages.SUCCESS)

    @admin.action(description="Mark selected items available", permissions=["change"])
    def mark_available(self, request, queryset):
        count = self._set_available(request, queryset, True)
        self.message_user(request, f"{count} item(s) back on the menu.", messages.SUCCESS)


@admin.register(m.MenuCategory)
class MenuCategoryAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = ("name", "outlet", "sort_order")
    list_filter = ("outlet",)
    fields = ("outlet", "name", "sort_order")


@admin.register(m.Kitchen)
class KitchenAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = ("id", "name", "outlet", "printer")
    list_filter = ("outlet",)
    fields = ("outlet", "name", "printer")


class TaxComponentInline(OutletInline, admin.TabularInline):
    model = m.TaxComponent
    extra = 0
    manager_may = ALL


@admin.register(m.TaxCategory)
class TaxCategoryAdmin(OutletAdmin):
    manager_may = EDIT
    list_display = ("name", "outlet")
    list_filter = ("outlet",)
    fields = ("outlet", "name")
    inlines = [TaxComponentInline]


@admin.register(m.TaxComponent)
class TaxComponentAdmin(OutletAdmin):
    manager_may = NOTHING  # managers edit components in their tax category's page
    list_display = ("name", "rate", "category")
