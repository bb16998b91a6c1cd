"""Staff and their tokens in the admin (docs/admin.md "Staff").

A manager adds and edits the staff of their outlet: name, role, kitchens, price
override, active, password. The fields that reach beyond the outlet are not on
their forms at all (superuser, staff status, groups, permissions) and the outlet
is fixed, so a manager can neither raise anyone above a manager nor move anyone
to another outlet; superusers' accounts are not in their lists. Staff are
deactivated, not deleted (orders and tickets name them). Tokens: read and
revoked, never created here; their hashes are shown to nobody.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from hub import models as m
from hub.services.tokens import token_revoke

from .base import EDIT, NOTHING, VIEW, OutletAdmin, manager_outlet_id

HUB_FIELDS = ("role", "outlet", "display_name", "kitchens", "can_override_price")


@admin.register(m.Staff)
class StaffAdmin(OutletAdmin, UserAdmin):
    manager_may = EDIT
    list_display = ("username", "display_name", "role", "outlet", "is_active")
    list_filter = ("role", "outlet", "is_active")
    filter_horizontal = ("kitchens", "groups", "user_permissions")
    fieldsets = UserAdmin.fieldsets + (("Hub", {"fields": HUB_FIELDS}),)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return UserAdmin.add_fieldsets + (("Hub", {"fields": HUB_FIELDS}),)
        if manager_outlet_id(request) is None:
            return super().get_fieldsets(request, obj)
        return (
            (None, {"fields": ("username", "password")}),
            ("Personal info", {"fields": ("first_name", "last_name", "email")}),
            ("Hub", {"fields": HUB_FIELDS}),
            ("Status", {"fields": ("is_active",)}),
            ("Important dates", {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if manager_outlet_id(request) is None:
            return fields
        fields += ["last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            # A manager cannot demote or deactivate themselves out of the back office.
            fields += ["role", "is_active"]
        return fields


@admin.register(m.ApiToken)
class ApiTokenAdmin(OutletAdmin):
    manager_may = VIEW
    list_display = ("prefix", "staff", "label", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "label", "staff__username")
    # key_hash is left out for everyone: it identifies a live token and tells nobody anything.
    fields = ("staff", "prefix", "label", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens come from signing in and `manage.py device_token`

    def has_revoke_permission(self, request):
        return self.has_view_permission(request)

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        # get_queryset already cut the selection to the manager's outlet
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token_revoke(token=token)
        self.message_user(
            request, f"Revoked {len(tokens)} token(s); their screens sign out.", messages.SUCCESS
        )


@admin.register(m.FailedLogin)
class FailedLoginAdmin(OutletAdmin):
    manager_may = NOTHING
    list_display = ("username", "address", "at")


@admin.register(m.IdempotencyRecord)
class IdempotencyRecordAdmin(OutletAdmin):
    manager_may = NOTHING
    list_display = ("staff", "key", "method", "path", "response_status", "created_at")
