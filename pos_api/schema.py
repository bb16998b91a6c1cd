"""The OpenAPI 3 schema, made complete once for every view (docs/api.md "Conventions").

`HubAutoSchema` (settings' DEFAULT_SCHEMA_CLASS) takes what drf-spectacular
derives from a view's `@extend_schema` and adds what is true of the whole API,
so no view has to repeat it:

- every 2xx body wrapped in the success envelope `{"success": true, "data": ...}`
  (plus `meta` when the view says `paginated = True`, with `?page=`/`?per_page=`);
- the error envelope for the statuses the operation can give: 400 when it takes
  input, 401/403 unless it is public (403 only when some role is refused), 404
  when its path names an object, 413 for bodies, 503 on every operation (the
  database unreachable), and whatever the view lists in
  `error_codes = {409: ["table_occupied"]}` (or per method:
  `{"POST": {409: [...]}}`);
- the Bearer security scheme (`bearerAuth`), and none on public views;
- the optional `Idempotency-Key` header on POST and PUT (CONTRACT 3), with exactly
  the format pos_api/idempotency.py accepts;
- `allowEmptyValue` on optional query parameters (empty is the same as absent);
- list bounds (`minItems`/`maxItems`) and money's two decimals (`multipleOf`);
- tags by resource (`tables`, `customers`...), for Swagger UI.

Views only describe their own data: `@extend_schema(request=In, responses=Out,
examples=[...])`; an input serializer that checks across fields states the rule with
`@request_shapes` below. The aim: a request the schema allows is never refused for
its form (docs/api.md "The schema and the live tester").
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from hub.errors import IdempotencyCode, OutletCode, RequestCode
from hub.roles import ALL_ROLES, PERMISSIONS

from . import idempotency
from .envelope import MAX_PAGE, MAX_PER_PAGE
from .permissions import PUBLIC

BEARER = "bearerAuth"
NO_FIELDS = "No fields; may be omitted"

# The codes every operation may answer with, per status (CONTRACT 1).
GENERIC_ERRORS: dict[int, tuple[str, str]] = {
    400: (
        RequestCode.VALIDATION_ERROR,
        "The input is not valid: malformed JSON, wrong types, missing fields.",
    ),
    401: (RequestCode.UNAUTHENTICATED, "No token, or a token that is unknown or revoked."),
    403: (RequestCode.FORBIDDEN, "The caller's role may not do this."),
    404: (RequestCode.NOT_FOUND, "No such object in the caller's outlet."),
    413: (RequestCode.PAYLOAD_TOO_LARGE, "The body is larger than 1 MB."),
    415: (RequestCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
    503: (
        RequestCode.SERVICE_UNAVAILABLE,
        "The database is unreachable for the moment; retry after the Retry-After seconds.",
    ),
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "pos_api.auth.BearerTokenAuthentication"
    name = BEARER

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The token from POST /api/v1/auth/login: `Authorization: Bearer <token>`.",
        }


class MoneyFieldSchema(OpenApiSerializerFieldExtension):
    """Money in: at most two decimals (`multipleOf: 0.01`), as MoneyField checks, so an
    amount the schema allows is never a 400 (docs/api.md "Money, numbers and text")."""

    target_class = "pos_api.serializers.common.MoneyField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema.get("type") == "number":
            schema["multipleOf"] = float(Decimal(1).scaleb(-self.target.decimal_places))
        return schema


def request_shapes(*shapes: dict, exactly_one: bool = False):
    """Class decorator for an input serializer whose `validate()` (or service) checks across
    fields: the same rule as JSON Schema alternatives (`anyOf`; `oneOf` with `exactly_one`,
    for a body that must take one of them and not both), added to its request schema by a
    drf-spectacular serializer extension, so a body the schema allows is never a 400 for
    its shape (docs/api.md "The schema and the live tester")."""
    keyword = "oneOf" if exactly_one else "anyOf"

    def decorate(serializer_class):
        def map_serializer(self, auto_schema, direction):
            schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
            return {**schema, keyword: list(shapes)} if direction == "request" else schema

        serializer_class.body_required = True  # no field is required, but one shape is
        type(
            f"{serializer_class.__name__}Shapes",
            (OpenApiSerializerExtension,),
            {"target_class": serializer_class, "map_serializer": map_serializer},
        )
        return serializer_class

    return decorate


# Some character Python's str.strip() keeps: what a CharField that trims and may not be
# blank needs (ECMA's \s lacks \x1c-\x1f and \x85 and has \ufeff, which Python keeps).
NOT_BLANK = r"(?:[^\s\x1c-\x1f\x85]|\ufeff)"


# Written with `not`, not `enum`: drf-spectacular hoists every enum of a component into a
# shared component of its own (and drops null from it), but never looks inside `not`.
def null_only(kind: str) -> dict:
    """A property that may be left out or null, but not given a value (OpenAPI 3.0)."""
    return {"type": kind, "nullable": True, "not": {"type": kind}}


def boolean(value: bool) -> dict:
    """A boolean property that, when given, is `value`."""
    return {"type": "boolean", "not": {"enum": [not value]}}


ERROR_ENVELOPE = {
    "type": "object",
    "description": "Every error answer (CONTRACT 1). `fields` only for validation errors.",
    "required": ["success", "error"],
    "properties": {
        "success": {"type": "boolean", "example": False, "description": "Always false"},
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable snake_case code",
                    "example": "not_found",
                },
                "message": {"type": "string", "description": "For people; may change"},
                "fields": {
                    "type": "object",
                    "description": 'Field path -> messages, e.g. {"items.0.quantity": ["..."]}',
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "allowed": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "With invalid_transition: the moves allowed",
                },
                "current_version": {"type": "integer", "description": "With version_conflict"},
                "existing_id": {"type": "integer", "description": "With customer_exists"},
                "reason": {"type": "string", "description": "With coupon_invalid"},
                "request_id": {
                    "type": "string",
                    "description": "The id of this request's log lines (also X-Request-Id)",
                },
            },
            "additionalProperties": True,
        },
    },
}

PAGE_META = {
    "type": "object",
    "required": ["page", "per_page", "total"],
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0, "description": "Rows over all pages"},
    },
}


def _per_method(value: Any, method: str, default: Any) -> Any:
    """A view attribute given once, or per HTTP method as {"GET": ..., "POST": ...}."""
    if isinstance(value, dict) and value and all(isinstance(k, str) and k.isupper() for k in value):
        return value.get(method, default)
    return default if value is None else value


def _values(model: str, choices: str):
    def load() -> list[str]:
        from django.apps import apps

        return list(getattr(apps.get_model("hub", model), choices).values)

    return load


# ENUM_NAME_OVERRIDES (settings): one enum component per domain status, whichever
# serializer uses it (as a plain list of values, so every serializer's hash matches).
table_statuses = _values("Table", "Status")
order_statuses = _values("Order", "Status")
payment_statuses = _values("Order", "PaymentStatus")
delivery_statuses = _values("Order", "DeliveryStatus")
kot_statuses = _values("Kot", "Status")
kot_kinds = _values("Kot", "Kind")
cash_movement_kinds = _values("CashMovement", "Kind")
item_statuses = _values("OrderItem", "Status")


def order_actions() -> list[str]:
    """What `allowed_actions` of an order (and the expo, and GET /me) may list."""
    from hub.services.order_actions import ORDER_ACTIONS

    return list(ORDER_ACTIONS)


def item_bump_statuses() -> list[str]:
    """What a line of a KOT may be bumped to (CONTRACT 13)."""
    from hub.services.kitchen import ITEM_BUMP_STATUSES

    return [str(s) for s in ITEM_BUMP_STATUSES]


# Component name -> the serializer class that took it first (see get_serializer_name).
_NAME_OWNERS: dict[str, tuple[str, str]] = {}


class HubAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer, direction) -> str:
        """The class name; a second class of the same name from another module is prefixed
        with its module's name (orders' TableRefOut stays, kitchen's becomes
        KitchenTableRefOut), so two areas' serializers never overwrite each other."""
        name = super().get_serializer_name(serializer, direction)
        cls = serializer.__class__
        owner = (cls.__module__, cls.__qualname__)
        claimed = _NAME_OWNERS.setdefault(name, owner)
        if claimed == owner or cls.__module__.startswith("drf_spectacular"):
            return name
        tail = cls.__module__.rsplit(".", 1)[-1]
        return "".join(part.capitalize() for part in tail.split("_")) + name

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and field.trim_whitespace
            and not field.allow_blank
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "enum" not in schema
        ):
            # DRF trims, then refuses the blank: "   " is as missing as "".
            schema["pattern"] = NOT_BLANK
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            # `Item(many=True, min_length=1, max_length=10)`: drf-spectacular leaves the list's
            # own bounds out, so a list the schema allows could still be a 400.
            minimum = field.min_length if field.min_length is not None else 0
            if not field.allow_empty:
                minimum = max(minimum, 1)
            if minimum:
                schema["minItems"] = minimum
            if field.max_length is not None:
                schema["maxItems"] = field.max_length
        return schema

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"pos_api.schema.{name}", schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _permission(self) -> str | None:
        return _per_method(getattr(self.view, "permission", None), self.method, None)

    def _is_public(self) -> bool:
        return self._permission() == PUBLIC

    def _is_paginated(self) -> bool:
        return bool(_per_method(getattr(self.view, "paginated", False), self.method, False))

    def get_auth(self):
        if self._is_public():
            return []
        return super().get_auth()

    def get_description(self) -> str:
        # Only the view's own docstring: not HubApiView's, which is about writing views.
        if self.view.__class__.__dict__.get("__doc__") is None:
            action = getattr(self.view, self.method.lower(), None)
            return (getattr(action, "__doc__", None) or "").strip()
        return super().get_description()

    def get_tags(self) -> list[str]:
        match = re.match(r"^/api/v1/(?:pos/)?([^/{]+)", self.path)
        return [match.group(1)] if match else super().get_tags()

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.setdefault("parameters", [])
        if self._is_paginated():
            self._add_paging_parameters(parameters)
        if self.method in ("POST", "PUT") and not self._is_public():
            # Exactly what pos_api/idempotency.py accepts (a public view ignores the header).
            parameters.append(
                {
                    "in": "header",
                    "name": idempotency.HEADER,
                    "required": False,
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": idempotency.MAX_KEY_LENGTH,
                        "pattern": idempotency.KEY_PATTERN,
                    },
                    "description": "Retry-safe key: the same key and body within 24 h replays the "
                    "first answer; another body answers 409 idempotency_key_reused. Visible "
                    "ASCII, spaces only inside; a UUID is best.",
                }
            )
        for parameter in parameters:
            if parameter.get("in") == "query" and not parameter.get("required"):
                # `?status=` is the same as no `status` (DRF reads query strings as forms).
                parameter["allowEmptyValue"] = True
        if not parameters:
            del operation["parameters"]
        if "requestBody" in operation and getattr(
            self.get_request_serializer(), "body_required", False
        ):
            operation["requestBody"]["required"] = True
        if self.method in ("POST", "PUT", "PATCH") and "requestBody" not in operation:
            # A view that reads no body still accepts an (ignored) JSON object.
            operation["requestBody"] = {
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "description": NO_FIELDS},
                        "example": {},
                    }
                },
            }
        self._wrap_success(operation)
        self._add_errors(operation)
        return operation

    def _add_paging_parameters(self, parameters: list) -> None:
        names = {p.get("name") for p in parameters}
        if "page" not in names:
            parameters.append(
                {
                    "in": "query",
                    "name": "page",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                    "description": "From 1; a page past the end is an empty list",
                }
            )
        if "per_page" not in names:
            parameters.append(
                {
                    "in": "query",
                    "name": "per_page",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PER_PAGE,
                        "default": 25,
                    },
                    "description": f"Rows per page, at most {MAX_PER_PAGE} (more is a 400)",
                }
            )

    def _wrap_success(self, operation: dict) -> None:
        paginated = self._is_paginated()
        for status, response in operation["responses"].items():
            if not str(status).startswith("2") or str(status) == "204":
                continue
            content = response.get("content") or {"application/json": {"schema": {}}}
            wrapped = {}
            for media_type, media in content.items():
                media = dict(media)
                media["schema"] = self._envelope(media.get("schema") or {}, paginated)
                wrapped[media_type] = media
            response["content"] = wrapped
            if response.get("description") in (None, "", "No response body"):
                response["description"] = "Success"

    def _envelope(self, data_schema: dict, paginated: bool) -> dict:
        properties: dict[str, Any] = {
            # Not an enum: drf-spectacular would hoist it into a shared component.
            "success": {"type": "boolean", "example": True, "description": "Always true"},
            "message": {"type": "string", "description": "Only on some actions (payments)"},
            "data": data_schema,
        }
        required = ["success", "data"]
        if paginated:
            properties["meta"] = self._component("PageMeta", PAGE_META)
            required.append("meta")
        return {"type": "object", "required": required, "properties": properties}

    def _error_statuses(self, operation: dict) -> dict[int, list[str]]:
        statuses: dict[int, list[str]] = {}
        takes_body = "requestBody" in operation
        reads_body = takes_body and not any(
            media.get("schema", {}).get("description") == NO_FIELDS
            for media in operation["requestBody"].get("content", {}).values()
        )
        # Path ids that are not numbers never reach the view (404), so only bodies, query
        # strings and headers (X-Device-Id, If-Match, Idempotency-Key) can be invalid.
        takes_input = reads_body or any(
            p.get("in") in ("query", "header") for p in operation.get("parameters", [])
        )
        if takes_input:
            statuses[400] = [GENERIC_ERRORS[400][0]]
        if not self._is_public():
            statuses[401] = [GENERIC_ERRORS[401][0]]
            permission = self._permission()
            if PERMISSIONS.get(permission or "", frozenset()) != ALL_ROLES:
                statuses[403] = [GENERIC_ERRORS[403][0]]
        if "{" in self.path:
            statuses[404] = [GENERIC_ERRORS[404][0]]
        if takes_body:
            statuses[413] = [GENERIC_ERRORS[413][0]]
            statuses[415] = [GENERIC_ERRORS[415][0]]
        if self.method in ("POST", "PUT") and not self._is_public():
            # Idempotency-Key (pos_api/idempotency.py): a malformed key is a 400, a key
            # reused for another body or still running is a 409, on every write.
            statuses.setdefault(400, [GENERIC_ERRORS[400][0]])
            statuses[409] = [
                IdempotencyCode.KEY_REUSED,
                IdempotencyCode.IN_PROGRESS,
                RequestCode.CONCURRENT_UPDATE,
            ]
        statuses[503] = [GENERIC_ERRORS[503][0]]  # any operation: the database may be down
        if not self._is_public():
            # what needs the outlet's business day, when its stored time zone is not one
            statuses[503].append(OutletCode.OUTLET_MISCONFIGURED)
        extra = getattr(self.view, "error_codes", None) or {}
        if all(isinstance(k, str) for k in extra):
            extra = extra.get(self.method, {})  # given per method
        for status, codes in extra.items():
            for code in codes:
                if code not in statuses.setdefault(int(status), []):
                    statuses[int(status)].append(code)
        return statuses

    def _add_errors(self, operation: dict) -> None:
        ref = self._component("ErrorEnvelope", ERROR_ENVELOPE)
        responses = operation["responses"]
        for key, response in responses.items():
            if str(key)[0] in "45":
                # An error the view documented by description only: its body is still the envelope.
                response["content"] = {"application/json": {"schema": ref}}
        for status, codes in sorted(self._error_statuses(operation).items()):
            key = str(status)
            if key in responses:
                continue  # the view documented this error itself
            described = "; ".join(
                f"`{c}`: {GENERIC_ERRORS[status][1]}"
                if status in GENERIC_ERRORS and c == GENERIC_ERRORS[status][0]
                else f"`{c}`"
                for c in codes
            )
            responses[key] = {
                "description": f"Error envelope. Codes: {described}",
                "content": {"application/json": {"schema": ref}},
            }
