"""Domain errors with stable codes, and the one catalogue of those codes (CONTRACT
section 1; docs/api.md "Status codes and error codes" lists each one).

Services raise these; the one DRF exception handler in pos_api/envelope.py turns
them into the error envelope. The code is the contract; the message is for people.

The catalogue is an enum per area (`OrderCode.ORDER_CLOSED`, ...). Each member is a
`str`, so it goes wherever a code goes (`Conflict(..., code=OrderCode.ORDER_CLOSED)`,
a view's `error_codes`) and reads as its value in the envelope. A code is in exactly one
area; tests/hub/test_error_catalogue.py fails when a code is raised that is not in the
catalogue, when the catalogue has a code docs/api.md does not name, and when an
operation answers a code its OpenAPI schema does not list.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class RequestCode(StrEnum):
    """Any operation: the request itself, its caller, or the hub's state."""

    VALIDATION_ERROR = "validation_error"  # 400
    UNAUTHENTICATED = "unauthenticated"  # 401
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404, also another outlet's object
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    PAYLOAD_TOO_LARGE = "payload_too_large"  # 413
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    RATE_LIMITED = "rate_limited"  # 429
    CONCURRENT_UPDATE = "concurrent_update"  # 409, a lock race lost even after retrying
    SERVICE_UNAVAILABLE = "service_unavailable"  # 503, the database unreachable
    INTERNAL_ERROR = "internal_error"  # 500, a fault of the hub (logged), never bad input
    ERROR = "error"  # any other HTTP error DRF raises (never expected)


class AuthCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"  # 401 on login


class ApprovalCode(StrEnum):
    APPROVAL_INVALID = "approval_invalid"  # 403: `approved_by` is not a manager of the outlet


class IdempotencyCode(StrEnum):
    KEY_REUSED = "idempotency_key_reused"  # 409: the same key with another body
    IN_PROGRESS = "idempotency_in_progress"  # 409: the same key still running


class OutletCode(StrEnum):
    OUTLET_MISCONFIGURED = "outlet_misconfigured"  # 503: stored settings unusable


class OrderCode(StrEnum):
    INVALID_TRANSITION = "invalid_transition"  # 409, with `allowed`
    VERSION_CONFLICT = "version_conflict"  # 409, with `current_version`
    ORDER_CLOSED = "order_closed"  # 409: paid or cancelled
    ORDER_BILLED = "order_billed"  # 409: items frozen once billed
    ORDER_NOT_DRAFT = "order_not_draft"  # 409
    ITEM_VOID = "item_void"  # 409: a void line cannot change
    ITEM_ALREADY_SENT = "item_already_sent"  # 409
    ITEM_UNAVAILABLE = "item_unavailable"  # 422: sold out (an item or an option)
    PRICE_MISMATCH = "price_mismatch"  # 422
    MODIFIER_RULE = "modifier_rule"  # 422, with `group`
    DISCOUNT_LIMIT_EXCEEDED = "discount_limit_exceeded"  # 422
    COUPON_INVALID = "coupon_invalid"  # 422, with `reason`


class CheckCode(StrEnum):
    CHECK_PAID = "check_paid"  # 409: a check of the split has a payment
    ORDER_HAS_PAYMENTS = "order_has_payments"  # 409: paid in part before a split
    NOTHING_TO_SPLIT = "nothing_to_split"  # 409: nothing on the bill to split


class KitchenCode(StrEnum):
    NOTHING_TO_SEND = "nothing_to_send"  # 409
    ITEMS_NOT_SENT = "items_not_sent"  # 409


class PaymentCode(StrEnum):
    AMOUNT_EXCEEDS_BALANCE = "amount_exceeds_balance"  # 422, with `balance_due`
    AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable"  # 422
    PAYMENTS_EXCEED_TOTAL = "payments_exceed_total"  # 409
    NOTHING_DUE = "nothing_due"  # 409


class TableCode(StrEnum):
    TABLE_OCCUPIED = "table_occupied"  # 409
    NOT_A_DINE_IN_ORDER = "not_a_dine_in_order"  # 409


class CustomerCode(StrEnum):
    CUSTOMER_EXISTS = "customer_exists"  # 409, with `existing_id`


class DeliveryCode(StrEnum):
    NOT_A_DELIVERY_ORDER = "not_a_delivery_order"  # 422
    DRIVER_UNAVAILABLE = "driver_unavailable"  # 422


class PrintingCode(StrEnum):
    NO_PRINTER = "no_printer"  # 409
    ORDER_CANCELLED = "order_cancelled"  # 409: a cancelled order has no bill
    ORDER_NOT_BILLED = "order_not_billed"  # 409: no invoice before billing


class SessionCode(StrEnum):
    CART_TOO_LARGE = "cart_too_large"  # 413: a held cart above 64 KB
    ALREADY_HELD = "already_held"  # 409
    ALREADY_RESUMED = "already_resumed"  # 409


class ShiftCode(StrEnum):
    SHIFT_OPEN = "shift_open"  # 409: the outlet already has an open shift
    NO_OPEN_SHIFT = "no_open_shift"  # 409/404: no shift is open (requires_open_shift)


class CourseCode(StrEnum):
    NOTHING_TO_FIRE = "nothing_to_fire"  # 409: the course has no lines
    NOTHING_TO_SERVE = "nothing_to_serve"  # 409: no KOT of the order is ready at the pass


class IntegrationCode(StrEnum):
    BAD_SIGNATURE = "bad_signature"  # 401: X-Hub-Signature does not match the body
    UNMAPPED_ITEM = "unmapped_item"  # 422, with `codes`
    NOT_A_PLATFORM_ORDER = "not_a_platform_order"  # 422: accept/reject of another order
    PLATFORM_REF_TAKEN = "platform_ref_taken"  # 409


class StreamCode(StrEnum):
    """The `{"type": "error"}` messages of the WebSockets (docs/realtime.md); the
    connection stays open."""

    INVALID_MESSAGE = "invalid_message"  # not a JSON object with a `type`
    UNKNOWN_TYPE = "unknown_type"  # with `allowed`
    INVALID_SINCE = "invalid_since"


# Every area's enum; a new area is added here (and to docs/api.md or docs/realtime.md).
CODE_AREAS: tuple[type[StrEnum], ...] = (
    RequestCode,
    AuthCode,
    ApprovalCode,
    IdempotencyCode,
    OutletCode,
    OrderCode,
    CheckCode,
    KitchenCode,
    PaymentCode,
    TableCode,
    CustomerCode,
    DeliveryCode,
    PrintingCode,
    SessionCode,
    ShiftCode,
    CourseCode,
    IntegrationCode,
    StreamCode,
)

# code -> its member, over every area
ERROR_CODES: dict[str, StrEnum] = {member.value: member for area in CODE_AREAS for member in area}


def error_code(code: str) -> StrEnum:
    """The catalogue's member for `code`; KeyError for a code that is not catalogued."""
    return ERROR_CODES[code]


class DomainError(Exception):
    status = 400
    code: str = RequestCode.ERROR
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
    code = RequestCode.VALIDATION_ERROR
    default_message = "The request is not valid."


class NotFound(DomainError):
    status = 404
    code = RequestCode.NOT_FOUND
    default_message = "Not found."


class Forbidden(DomainError):
    status = 403
    code = RequestCode.FORBIDDEN
    default_message = "Your role may not do this."


class Conflict(DomainError):
    """409: the state of things does not allow it (invalid_transition, table_occupied...)."""

    status = 409
    code = RequestCode.ERROR  # never answered: every raise names its code (a test checks)


class BusinessRuleViolation(DomainError):
    """422: well-formed, but a business rule says no (price_mismatch, coupon_invalid...)."""

    status = 422
    code = RequestCode.ERROR  # never answered: every raise names its code (a test checks)


class ServiceUnavailable(DomainError):
    """503: the hub cannot serve this now, through no fault of the request (an outlet
    whose stored settings are unusable: outlet_misconfigured). Nothing was changed."""

    status = 503
    code = RequestCode.SERVICE_UNAVAILABLE


def invalid_transition(current: str, wanted: str, allowed: list[str]) -> Conflict:
    return Conflict(
        f"Cannot move from {current} to {wanted}.",
        code=OrderCode.INVALID_TRANSITION,
        allowed=allowed,
    )
