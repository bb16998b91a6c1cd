"""The one permission layer: every view names a permission from hub/roles.py.

A view that names none is refused to everybody (and tests/pos_api/test_permissions.py
fails), so no view can forget its check. Views open to anonymous callers say
`permission = PUBLIC` explicitly.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from hub.roles import role_may

PUBLIC = "public"


class HubPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "permission", None)
        if permission == PUBLIC:
            return True
        if request.user is None:
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated("Send Authorization: Bearer <token>.")
        if isinstance(permission, dict):
            permission = permission.get(request.method)
        if not permission:
            return False
        return role_may(request.user.role, permission)
