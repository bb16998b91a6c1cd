"""Keeps tokens out of every log line (docs/operations.md "Logs and tokens").

A screen may authenticate with `?token=...` (WebSockets, CONTRACT 6) and a careless
client may send one to a REST URL; a URL in a log would then hold a working token for
anyone who reads the log. Two writers need covering:

- Python logging (ours, Django's request logging, daphne's `runserver`, websockets,
  uvicorn's access logger): a log record factory rewrites each record's message with
  `redact` before any handler or formatter sees it, whatever logger or handler it takes;
- daphne's access log, which is not logging at all: daphne's CLI builds
  `daphne.access.AccessLogGenerator(stream)` itself and writes NCSA lines straight to the
  stream, with no setting or hook (daphne 4.2). Its `__call__` is wrapped to redact the
  path first, and its `write_entry` sends the line to the `daphne.access` logger instead,
  so it gets the same time, level and format as every other line. The ASGI app (hub.asgi) is imported before daphne serves anything, so the
  documented `daphne hub.asgi:application` is covered whatever flags it runs with.

Django runs `configure_logging` at setup (settings.LOGGING_CONFIG), in every process.
"""

from __future__ import annotations

import logging
import logging.config
import re
from typing import Any

REDACTED = "[redacted]"
access_log = logging.getLogger("daphne.access")

# token=, access_token=, csrftoken= ... in a query string or cookie, also percent-encoded
# (a URL inside ?next=); and Bearer credentials (a header or the bearer.<token>
# WebSocket subprotocol). Values end at the next separator; over-redacting is harmless.
_QUERY_TOKEN = re.compile(r"(?i)(token(?:=|%3D))[^&;,\s\"'#<>]+")
_BEARER = re.compile(r"(?i)\b(bearer[ .])[A-Za-z0-9_\-.~+/]{16,}=*")


def redact(text: str) -> str:
    """`text` with every token value replaced by [redacted]."""
    lowered = text.lower()
    if "token" not in lowered and "bearer" not in lowered:
        return text  # the common line: no regex work
    text = _QUERY_TOKEN.sub(lambda m: m.group(1) + REDACTED, text)
    return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)


def _redacting_factory(previous):
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging to report
            return record
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set; a traceback may quote a URL too.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    factory.hub_redacting = True
    return factory


def install_record_redaction() -> None:
    """Make every log record of this process redacted (idempotent)."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "hub_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))


def install_daphne_access_log_redaction() -> None:
    """Redact the path of every entry of daphne's access log (idempotent)."""
    try:
        from daphne.access import AccessLogGenerator
    except ImportError:  # served by another ASGI server: its logging is covered above
        return
    original = AccessLogGenerator.__call__
    if getattr(original, "hub_redacting", False):
        return

    def __call__(self, protocol, action, details):
        if isinstance(details, dict) and isinstance(details.get("path"), str):
            details = dict(details, path=redact(details["path"]))
        return original(self, protocol, action, details)

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        # Through Python logging, so the line has a time, level and logger like every
        # other (and is JSON with HUB_LOG_FORMAT=json). HTTP entries are DEBUG: the hub's
        # own `hub.access` line (hub/request_id.py) says the same with the request id,
        # route and duration. WebSocket entries (connect, reject, disconnect) stay INFO.
        access_log.log(
            logging.DEBUG if status is not None else logging.INFO,
            '%s "%s" %s %s',
            host,
            request,
            status or "-",
            length or "-",
        )

    __call__.hub_redacting = True
    AccessLogGenerator.__call__ = __call__
    AccessLogGenerator.write_entry = write_entry


def configure_logging(logging_settings: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig of LOGGING, then the redactions."""
    logging.config.dictConfig(logging_settings)
    install_record_redaction()
    install_daphne_access_log_redaction()
