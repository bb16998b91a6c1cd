"""The base class of every API view: auth, the permission layer, outlet scope, paging
(docs/api.md "Conventions")."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers
from rest_framework.views import APIView

from hub.errors import ValidationFailed
from hub.models import Outlet, Staff

from .. import idempotency
from ..envelope import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE


class HubApiView(APIView):
    """Subclasses set `permission` (a key of hub.roles.PERMISSIONS, or a dict per method)."""

    permission: str | dict[str, str] | None = None

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with every POST/PUT carrying an Idempotency-Key run through
        pos_api/idempotency.py (after auth and permission checks, around the handler).
        A method the view does not have answers 405 whatever its key says: the key
        belongs to an operation, and there is none."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            name = request.method.lower()
            handler = getattr(self, name, None) if name in self.http_method_names else None
            if handler is None:
                handler = self.http_method_not_allowed
                key = None
            else:
                self.check_request(request)
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

    def check_request(self, request) -> None:
        """Malformed input is a 400 before anything else, also under an Idempotency-Key
        whose first answer would be replayed. Here: a write's body is a JSON object, also
        where the view reads no field of it (the schema says so: pos_api/schema.py
        NO_FIELDS). Views that read headers check them too (If-Match, X-Device-Id)."""
        if request.method in ("POST", "PUT", "PATCH"):
            # Read the raw bytes first, so they stay readable for pos_api/idempotency.py's
            # hash after DRF has parsed them (Django's stream can be read only once).
            if request._request.body and not isinstance(request.data, dict):
                raise ValidationFailed("The body must be a JSON object.")

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
        """?page= (1 to MAX_PAGE) and ?per_page= (1 to 100), validated: a per_page above
        100 is a 400, as the schema says, not silently fewer rows (docs/api.md "Pagination")."""
        page = _whole_number(self.request.query_params.get("page"), "page", 1, MAX_PAGE)
        per_page = _whole_number(
            self.request.query_params.get("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE
        )
        return page, per_page


# ASCII digits only: str.isdigit() also takes "²", which int() then refuses (a 500).
_DIGITS = re.compile(r"[0-9]+")


def _whole_number(raw: str | None, name: str, default: int, maximum: int) -> int:
    if raw in (None, ""):  # an empty parameter is an absent one (docs/api.md "Conventions")
        return default
    # the length first: int() of thousands of digits is refused (ValueError), and slow
    if len(raw) > 12 or not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(fields={name: [f"Must be a whole number from 1 to {maximum}."]})
    return int(raw)
