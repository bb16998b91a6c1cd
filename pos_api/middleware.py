"""Keeps everything under /api/ in the envelope, even what never reaches a DRF view.

- a body over 1 MB answers 413 before anything reads it;
- an unknown URL (404) or wrong method (405) from Django's resolver answers in JSON;
- the database being unreachable answers 503 `service_unavailable` with Retry-After
  (also when it fails outside a view, e.g. in the idempotency layer);
- an unexpected exception is logged and answers 500 `internal_error` in the envelope.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from hub.db_retry import is_lost_race
from hub.errors import RequestCode

from .envelope import UNAVAILABLE, error_json, unavailable_json

log = logging.getLogger("hub.api")


class ApiEnvelopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_json(400, RequestCode.VALIDATION_ERROR, "Content-Length is not a number.")
        if length > settings.API_MAX_BODY_BYTES:
            return error_json(
                413, RequestCode.PAYLOAD_TOO_LARGE, "The request body is larger than 1 MB."
            )
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code == 404 and "json" not in content_type:
            return error_json(404, RequestCode.NOT_FOUND, "No such endpoint.")
        if response.status_code == 405 and "json" not in content_type:
            return error_json(405, RequestCode.METHOD_NOT_ALLOWED, "Method not allowed.")
        return response

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_json(
                413, RequestCode.PAYLOAD_TOO_LARGE, "The request body is larger than 1 MB."
            )
        if is_lost_race(exception):  # a lock race is the caller's to retry, not an outage
            return error_json(
                409,
                RequestCode.CONCURRENT_UPDATE,
                "Another change happened at the same moment; retry.",
            )
        if isinstance(exception, UNAVAILABLE):
            log.warning(
                "Database unavailable on %s %s: %s", request.method, request.path, exception
            )
            return unavailable_json()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_json(
            500, RequestCode.INTERNAL_ERROR, "Something went wrong on our side; it was logged."
        )
