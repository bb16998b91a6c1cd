"""Django admin for every model: the back office for managers and support."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import models as m


@admin.register(m.Staff)
class StaffAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "outlet", "is_active")
    list_filter = ("role", "outlet", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        ("Hub", {"fields": ("role", "outlet", "display_name", "kitchens", "can_override_price")}),
    )


@admin.register(m.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "staff", "label", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix", "created_at")
    list_filter = ("revoked_at",)


class TaxComponentInline(admin.TabularInline):
    model = m.TaxComponent
    extra = 0


@admin.register(m.TaxCategory)
class TaxCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "outlet")
    inlines = [TaxComponentInline]


@admin.register(m.MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
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
    list_filter = ("outlet", "kitchen", "is_available")
    search_fields = ("name",)


@admin.register(m.Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "phone", "email", "outlet")
    search_fields = ("name", "phone", "email")
    list_filter = ("outlet",)


class OrderItemInline(admin.TabularInline):
    model = m.OrderItem
    extra = 0


class PaymentInline(admin.TabularInline):
    model = m.Payment
    extra = 0


@admin.register(m.Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "outlet",
        "status",
        "payment_status",
        "total",
        "paid_total",
        "created_at",
    )
    list_filter = ("outlet", "status", "payment_status", "order_type")
    search_fields = ("number",)
    inlines = [OrderItemInline, PaymentInline]


class KotLineInline(admin.TabularInline):
    model = m.KotLine
    extra = 0


@admin.register(m.Kot)
class KotAdmin(admin.ModelAdmin):
    list_display = ("number", "business_date", "kitchen", "order", "kind", "status", "created_at")
    list_filter = ("outlet", "kitchen", "kind", "status")
    inlines = [KotLineInline]


@admin.register(m.PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "printer",
        "kind",
        "status",
        "attempts",
        "reprint",
        "created_at",
        "printed_at",
    )
    list_filter = ("status", "kind", "printer")
    readonly_fields = ("preview",)
    exclude = ("payload",)


@admin.register(m.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("stream", "seq", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("stream",)


for model in [
    m.Outlet,
    m.Sequence,
    m.FailedLogin,
    m.IdempotencyRecord,
    m.MenuCategory,
    m.Kitchen,
    m.OrderType,
    m.Table,
    m.PaymentMethod,
    m.Refund,
    m.Coupon,
    m.DeliveryDriver,
    m.DeliveryPlatform,
    m.Printer,
    m.StreamCursor,
    m.PosSession,
    m.HeldOrder,
    m.OrderItem,
    m.KotLine,
    m.Payment,
    m.TaxComponent,
]:
    admin.site.register(model)
