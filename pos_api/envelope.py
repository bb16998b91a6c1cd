"""The response envelope and the one exception handler (CONTRACT section 1, docs/api.md)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.settings import api_settings

from hub.db_retry import is_lost_race
from hub.errors import DomainError, RequestCode
from hub.request_id import current_request_id

log = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 10**9  # far past any list's end; keeps the row offset a safe integer
# Seconds a client should wait before retrying when the database is unreachable.
RETRY_AFTER_SECONDS = 5
# OperationalError: no connection (refused, reset, pool timeout), but also the
# transient failures a retry fixes (deadlock, lock timeout, SQLite busy); InterfaceError:
# a connection that was closed under us. Neither is the client's fault, nor a bug.
UNAVAILABLE = (OperationalError, InterfaceError)


def ok(data: Any, *, status: int = 200, message: str | None = None) -> Response:
    body: dict[str, Any] = {"success": True}
    if message:
        body["message"] = message
    body["data"] = data
    return Response(body, status=status)


def ok_page(items: list, *, page: int, per_page: int, total: int) -> Response:
    return Response(
        {
            "success": True,
            "data": items,
            "meta": {"page": page, "per_page": per_page, "total": total},
        }
    )


def error_body(code: str, message: str, *, fields: dict | None = None, **extra: Any) -> dict:
    """The error envelope; `code` is one of hub/errors.py's catalogue (written as its value)."""
    error: dict[str, Any] = {"code": str(code), "message": message}
    if fields:
        error["fields"] = fields
    error.update(extra)
    # The id of this request's log lines (hub/request_id.py, docs/operations.md "Logs").
    if request_id := current_request_id():
        error.setdefault("request_id", request_id)
    return {"success": False, "error": error}


def error_json(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    """For places outside DRF (middleware, URL 404s)."""
    return JsonResponse(error_body(code, message, **extra), status=status)


def unavailable_json() -> JsonResponse:
    """503 for a database that cannot be reached (docs/api.md "Errors"): the client
    retries after Retry-After, with the same Idempotency-Key for writes."""
    response = error_json(
        503,
        RequestCode.SERVICE_UNAVAILABLE,
        "The hub cannot reach its database right now; retry in a few seconds.",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# DRF's and Django's keys for an error that is not about one field: never part of a path.
_NOT_A_FIELD = frozenset({api_settings.NON_FIELD_ERRORS_KEY, "non_field_errors", "__all__"})


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail -> {"items.0.quantity": ["..."]}.

    An error about a field as a whole (`"items": "not-a-list"`) is at that field's path
    (`items`); one about the whole body is at the empty path "", which the handler moves
    into `error.message` (docs/api.md "The envelope")."""
    out: dict[str, list[str]] = {}

    def add(path: str, messages: list[str]) -> None:
        out.setdefault(path, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in _NOT_A_FIELD:
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub, messages in flatten_fields(value, path).items():
                add(sub, messages)
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            if detail:
                add(prefix, [str(v) for v in detail])
        else:
            for index, value in enumerate(detail):
                if value:
                    path = f"{prefix}.{index}" if prefix else str(index)
                    for sub, messages in flatten_fields(value, path).items():
                        add(sub, messages)
    else:
        add(prefix, [str(detail)])
    return out


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.message, fields=exc.fields, **exc.extra)
        return Response(body, status=exc.status)
    if isinstance(exc, drf.ValidationError):
        fields = flatten_fields(exc.detail)
        about_the_body = fields.pop("", [])  # not one field's: the sentence is the message
        message = " ".join(about_the_body) or "The request is not valid."
        return Response(
            error_body(RequestCode.VALIDATION_ERROR, message, fields=fields),
            status=http.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, drf.ParseError):
        return Response(
            error_body(RequestCode.VALIDATION_ERROR, f"Malformed request body: {exc.detail}"),
            status=http.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        response = Response(
            error_body(RequestCode.UNAUTHENTICATED, str(exc.detail)),
            status=http.HTTP_401_UNAUTHORIZED,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return Response(
            error_body(RequestCode.FORBIDDEN, "Your role may not do this."),
            status=http.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, (drf.NotFound, Http404)):
        return Response(
            error_body(RequestCode.NOT_FOUND, "Not found."), status=http.HTTP_404_NOT_FOUND
        )
    if isinstance(exc, drf.MethodNotAllowed):
        return Response(
            error_body(RequestCode.METHOD_NOT_ALLOWED, str(exc.detail)),
            status=http.HTTP_405_METHOD_NOT_ALLOWED,
        )
    if isinstance(exc, drf.UnsupportedMediaType):
        return Response(
            error_body(RequestCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
            status=http.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    if isinstance(exc, drf.Throttled):
        return Response(
            error_body(RequestCode.RATE_LIMITED, "Too many attempts; try again later."),
            status=http.HTTP_429_TOO_MANY_REQUESTS,
        )
    if isinstance(exc, drf.APIException):
        return Response(error_body(RequestCode.ERROR, str(exc.detail)), status=exc.status_code)
    if is_lost_race(exc):
        # Lost a lock race even after hub.db_retry ran it again: a 409 to retry, not a 503.
        log.warning("Gave up on a transaction that kept losing lock races: %s", exc)
        return Response(
            error_body(
                RequestCode.CONCURRENT_UPDATE,
                "Another change to the same order happened at the same moment; retry.",
            ),
            status=http.HTTP_409_CONFLICT,
        )
    if isinstance(exc, UNAVAILABLE):
        log.warning("Database unavailable: %s", exc)
        return unavailable_json()
    return None  # unexpected: ApiEnvelopeMiddleware logs it and answers 500 in the envelope
