"""The base class of every API view: auth, the permission layer, outlet scope, paging."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.views import APIView

from hub.errors import ValidationFailed
from hub.models import Outlet, Staff

from .. import idempotency
from ..envelope import DEFAULT_PER_PAGE, MAX_PER_PAGE


class HubApiView(APIView):
    """Subclasses set `permission` (a key of hub.roles.PERMISSIONS, or a dict per method)."""

    permission: str | dict[str, str] | None = None

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with every POST/PUT carrying an Idempotency-Key run through
        pos_api/idempotency.py (after auth and permission checks, around the handler)."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            name = request.method.lower()
            handler = getattr(self, name, self.http_method_not_allowed)
            if name not in self.http_method_names:
                handler = self.http_method_not_allowed
            key = idempotency.request_key(request)
            if key is None:
                response = handler(request, *args, **kwargs)
            else:
                response = idempotency.run_idempotent(
                    request, key, lambda: handler(request, *args, **kwargs), self.handle_exception
                )
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    @property
    def staff(self) -> Staff:
        return self.request.user

    @property
    def outlet(self) -> Outlet:
        return self.request.user.outlet

    def validated(
        self, serializer_class: type[serializers.Serializer], data: Any = None, **kwargs: Any
    ) -> dict:
        """Run an input serializer; raises ValidationError (400) on bad input."""
        if data is None:
            data = self.request.data
        if not isinstance(data, dict) and not kwargs.get("many"):
            raise ValidationFailed("The body must be a JSON object.")
        serializer = serializer_class(data=data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def validated_query(self, serializer_class: type[serializers.Serializer]) -> dict:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def paging(self) -> tuple[int, int]:
        """?page= and ?per_page= (up to 100), validated."""
        page = _positive_int(self.request.query_params.get("page"), "page", default=1)
        per_page = _positive_int(
            self.request.query_params.get("per_page"), "per_page", default=DEFAULT_PER_PAGE
        )
        return page, min(per_page, MAX_PER_PAGE)


def _positive_int(raw: str | None, name: str, *, default: int) -> int:
    if raw in (None, ""):
        return default
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise ValidationFailed(fields={name: ["Must be a whole number of at least 1."]})
    return int(raw)
