"""The hub's admin site: who may enter, on their role (docs/admin.md).

Django's stock site lets in `is_staff` users and then shows them what their
permission rows allow; the hub's staff have a role instead (hub/roles.py,
CONTRACT 8). Here an active superuser, or an active manager with an outlet,
may sign in; what a manager then sees and does is decided per model in
hub/admin/base.py, scoped to their outlet. Permission rows are not used.

INSTALLED_APPS installs it as `admin.site` through hub.apps.HubAdminConfig.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from hub.roles import MANAGER


def is_outlet_manager(user) -> bool:
    """An active, signed-in manager of an outlet who is not a superuser."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and not user.is_superuser
        and getattr(user, "role", None) == MANAGER
        and getattr(user, "outlet_id", None) is not None
    )


def may_use_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (user.is_superuser and user.is_staff) or is_outlet_manager(user)


class HubAdminAuthenticationForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        # The stock form wants is_staff; a manager a manager added has no is_staff
        # (managers may not set it), and a cashier with is_staff is still no manager.
        if not may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class HubAdminSite(admin.AdminSite):
    site_header = "POS hub back office"
    site_title = "POS hub admin"
    index_title = "Back office"
    login_form = HubAdminAuthenticationForm

    def has_permission(self, request):
        return may_use_admin(request.user)

    def each_context(self, request):
        context = super().each_context(request)
        if is_outlet_manager(request.user):
            # Say whose back office this is: everything on these pages is that outlet's.
            context["site_header"] = f"{self.site_header}: {request.user.outlet}"
        return context
