"""One id per HTTP request and per WebSocket connection, on every log line it causes
(docs/operations.md "Logs").

- `RequestIdASGIMiddleware` wraps the whole ASGI app (hub/asgi.py): it takes a sane
  `X-Request-Id` from the proxy in front (nginx's `$request_id`) or makes one, keeps it
  in a context variable for everything the request or connection runs (asgiref copies
  context variables into the threads of sync views and `database_sync_to_async`), and
  answers it in the response's `X-Request-Id` header;
- `RequestIdMiddleware` (Django) does the same for requests that do not come through
  ASGI (the test client, a management command calling a view) and writes the hub's
  access line (`hub.access`: method, route, status, milliseconds) for every request;
- `RequestIdFilter` puts `request_id` on every log record ("-" outside a request), for
  the formats of hub/log_redaction.py;
- `current_request_id()` is what the error envelope adds as `error.request_id`
  (pos_api/envelope.py), so a client's bug report names the log lines to read.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from hub import metrics

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "hub_request_id", default=None
)

HEADER = "X-Request-Id"
# What a proxy may hand us: nginx's $request_id (32 hex), a UUID, a trace id. Anything
# else (too long, spaces, quotes, control characters) is replaced, never logged as is:
# a client must not be able to write into our log lines.
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")

access_log = logging.getLogger("hub.access")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(incoming: str | bytes | None) -> str:
    """`incoming` if it is a sane id, else a new one."""
    if isinstance(incoming, bytes):
        incoming = incoming.decode("latin-1")
    if incoming and _SANE.match(incoming):
        return incoming
    return new_request_id()


def current_request_id() -> str | None:
    return _current.get()


def set_request_id(value: str | None) -> contextvars.Token:
    return _current.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record (on the handler, so every logger's records get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current.get() or "-"
        return True


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value
    return None


class RequestIdASGIMiddleware:
    """See the module doc. HTTP: the id is set before Django runs and added to the
    response start; WebSocket: one id for the connection's whole life."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.inner(scope, receive, send)
        request_id = accept_request_id(_header(scope, b"x-request-id"))
        token = _current.set(request_id)
        scope = dict(scope, request_id=request_id)

        async def send_with_id(message):
            if message["type"] in ("http.response.start", "websocket.accept") and not any(
                k.lower() == b"x-request-id" for k, _ in message.get("headers") or []
            ):
                message = dict(message)
                message["headers"] = [
                    *(message.get("headers") or []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            return await self.inner(scope, receive, send_with_id)
        finally:
            _current.reset(token)


def _route_of(request) -> str:
    """The URL pattern, not the path: one label per endpoint (ids are not in it)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route.lstrip("^").rstrip("$")
    if request.path.startswith("/static/"):  # WhiteNoise answers before URL resolution
        return "/static/"
    return "unmatched"  # unknown URLs: one label, whatever a scanner tries


class RequestIdMiddleware:
    """First Django middleware: the id for requests that bypassed the ASGI wrapper,
    the response header, the access line and the HTTP metrics (hub/metrics.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _current.get() or accept_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = _current.set(request_id)
        request.request_id = request_id
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response[HEADER] = request_id
            route = _route_of(request)
            status = response.status_code
            level = (
                logging.ERROR
                if status >= 500
                else logging.WARNING
                if status >= 400
                else logging.INFO
            )
            access_log.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            metrics.observe_http(request.method, route, status, elapsed)
            return response
        finally:
            _current.reset(token)
