"""The menu in the admin: items, categories, kitchens, taxes (docs/admin.md "Menu").

A menu item is saved through hub/services/menu.py, never by the form itself:
ticking "available" off calls menu_item_set_availability (`menu.item_availability`,
the same as `PUT /menu/items/{id}/availability`), and every other edit calls
menu_item_update / menu_item_create (`menu.item_changed`), so the tills and
waiter tablets show the new price or name at once. Items are taken off the menu
(unavailable), not deleted: orders refer to them.

Modifier groups (CONTRACT 11) are edited inline on their item's page, and their
options inline on the group's page (Django's admin nests one level); every row goes
through modifier_group_save/_delete and modifier_option_save/_delete (`menu.item_changed`
with `changed: ["modifier_groups"]`; an option's "available" through
modifier_option_set_availability, `menu.option_availability`), never formset.save().
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin, messages

from hub import models as m
from hub.services.menu import (
    menu_item_create,
    menu_item_set_availability,
    menu_item_update,
    modifier_group_delete,
    modifier_group_save,
    modifier_option_delete,
    modifier_option_save,
)

from .base import ALL, EDIT, NOTHING, OutletAdmin, OutletInline, manager_outlet_id

# Form fields of a menu item -> the service's argument; foreign keys go as ids.
PLAIN_FIELDS = ("name", "price", "is_open_price", "sort_order")
KEY_FIELDS = ("category", "kitchen", "tax_category")


def _related_id(value) -> int | None:
    return value.pk if value is not None else None


def _outlet_of_item(item_id: int) -> m.Outlet:
    return m.Outlet.objects.get(menu_items__pk=item_id)


def save_rows_through(formset, save_row, delete_row) -> None:
    """Save an inline formset row by row through the services: `save_row(form)` returns
    the saved object, `delete_row(obj)` removes one. Sets what Django's change message
    reads (new_objects, changed_objects, deleted_objects), as formset.save() would."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        obj = form.instance
        if obj.pk is not None and formset.can_delete and formset._should_delete_form(form):
            delete_row(obj)
            formset.deleted_objects.append(obj)
        elif form.has_changed():
            saved = save_row(form)
            formset.changed_objects.append((saved, form.changed_data))
    for form in formset.extra_forms:
        if not form.has_changed() or (formset.can_delete and formset._should_delete_form(form)):
            continue
        saved = save_row(form)
        form.instance = saved
        formset.new_objects.append(saved)


class ModifierGroupInline(OutletInline, admin.TabularInline):
    """The item's modifier groups, edited on its page; options on the group's page."""

    model = m.ModifierGroup
    extra = 0
    manager_may = ALL
    fields = ("name", "min_choices", "max_choices", "sort_order", "options_list")
    readonly_fields = ("options_list",)
    show_change_link = True  # "Change" opens the group's page, with its options

    @admin.display(description="Options")
    def options_list(self, group):
        if group.pk is None:
            return "Save, then open the group to add options"
        return (
            ", ".join(
                f"{o.name} +{o.price}" + ("" if o.is_available else " (sold out)")
                for o in group.options.all()
            )
            or "none yet"
        )


@admin.register(m.MenuItem)
class MenuItemAdmin(OutletAdmin):
    manager_may = EDIT
    inlines = [ModifierGroupInline]
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not m.ModifierGroup:
            return super().save_formset(request, form, formset, change)
        item = form.instance
        outlet = item.outlet

        def save_group(row):
            data = row.cleaned_data
            return modifier_group_save(
                outlet=outlet,
                by=request.user,
                menu_item_id=item.pk,
                group_id=row.instance.pk,
                name=data["name"],
                min_choices=data["min_choices"],
                max_choices=data["max_choices"],
                sort_order=data.get("sort_order") or 0,
            )

        def delete_group(group):
            modifier_group_delete(outlet=outlet, by=request.user, group_id=group.pk)

        save_rows_through(formset, save_group, delete_group)

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


class ModifierOptionInline(OutletInline, admin.TabularInline):
    model = m.ModifierOption
    extra = 1
    manager_may = ALL
    fields = ("name", "price", "is_available", "sort_order")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "price":
            kwargs["min_value"] = Decimal("0")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(m.ModifierGroup)
class ModifierGroupAdmin(OutletAdmin):
    """A modifier group with its options inline (the item's page lists the groups)."""

    manager_may = ALL
    list_display = ("id", "menu_item", "name", "min_choices", "max_choices", "sort_order")
    list_display_links = ("id", "name")
    list_filter = (("menu_item", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "menu_item__name")
    fields = ("menu_item", "name", "min_choices", "max_choices", "sort_order")
    inlines = [ModifierOptionInline]

    def get_readonly_fields(self, request, obj=None):
        return ("menu_item",) if obj is not None else ()  # a group stays with its item

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        item_id = obj.menu_item_id
        group = modifier_group_save(
            outlet=_outlet_of_item(item_id),
            by=request.user,
            menu_item_id=item_id,
            group_id=obj.pk if change else None,
            name=data["name"],
            min_choices=data["min_choices"],
            max_choices=data["max_choices"],
            sort_order=data.get("sort_order") or 0,
        )
        obj.pk = group.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        modifier_group_delete(
            outlet=_outlet_of_item(obj.menu_item_id), by=request.user, group_id=obj.pk
        )

    def delete_queryset(self, request, queryset):
        for group in queryset:
            self.delete_model(request, group)

    def save_formset(self, request, form, formset, change):
        group = form.instance
        outlet = _outlet_of_item(group.menu_item_id)

        def save_option(row):
            data = row.cleaned_data
            return modifier_option_save(
                outlet=outlet,
                by=request.user,
                group_id=group.pk,
                option_id=row.instance.pk,
                name=data["name"],
                price=data["price"],
                sort_order=data.get("sort_order") or 0,
                is_available=data.get("is_available", False),
            )

        def delete_option(option):
            modifier_option_delete(outlet=outlet, by=request.user, option_id=option.pk)

        save_rows_through(formset, save_option, delete_option)
