"""Domain errors with stable codes (CONTRACT section 1, docs/api.md "Errors").

Services raise these; the one DRF exception handler in pos_api/envelope.py turns
them into the error envelope. The code is the contract; the message is for people.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "error"
    default_message = "The request could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        fields: dict[str, list[str]] | None = None,
        **extra: Any,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields
        self.extra = extra
        super().__init__(self.message)


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    default_message = "The request is not valid."


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "Not found."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "Your role may not do this."


class Conflict(DomainError):
    """409: the state of things does not allow it (invalid_transition, table_occupied...)."""

    status = 409
    code = "conflict"


class BusinessRuleViolation(DomainError):
    """422: well-formed, but a business rule says no (price_mismatch, coupon_invalid...)."""

    status = 422
    code = "unprocessable"


class ServiceUnavailable(DomainError):
    """503: the hub cannot serve this now, through no fault of the request (an outlet
    whose stored settings are unusable: outlet_misconfigured). Nothing was changed."""

    status = 503
    code = "service_unavailable"


def invalid_transition(current: str, wanted: str, allowed: list[str]) -> Conflict:
    return Conflict(
        f"Cannot move from {current} to {wanted}.",
        code="invalid_transition",
        allowed=allowed,
    )
