"""Every error code an operation answers during the test run must be listed in that
operation's OpenAPI schema (issue 14; docs/api.md "Status codes and error codes").

`ErrorCodeRecorder` is put first in the middleware by tests/conftest.py, so it sees each
answer as the client gets it (the envelope middleware's 413 and 500 included). It notes
(view class, method, status, code) for every error envelope a view of the API answered;
at the end of the run tests/conftest.py calls `codes_missing_from_the_schema()`, which
builds the schema as /api/v1/schema/ serves it and lists what an operation answered but
its schema does not name. Live servers (daphne subprocesses) are not seen: their
requests are covered by the same views' in-process tests.
"""

from __future__ import annotations

import json
import re
import threading

SEEN: set[tuple[type, str, int, str]] = set()
_LOCK = threading.Lock()
_CODE = re.compile(r"`([a-z][a-z0-9_]*)`")
# Never listed per operation: a fault of the hub, not an answer to the request.
UNLISTED = {"internal_error"}


class ErrorCodeRecorder:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = getattr(getattr(match, "func", None), "cls", None)
        if response.status_code >= 400 and view is not None:
            try:
                code = json.loads(response.content)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                return response
            with _LOCK:
                SEEN.add((view, request.method, response.status_code, code))
        return response


def _listed_codes() -> dict[tuple[type, str], dict[int, set[str]]]:
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    listed: dict[tuple[type, str], dict[int, set[str]]] = {}
    for path, _regex, method, callback in generator.endpoints:
        operation = schema["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue
        listed[(callback.cls, method)] = {
            int(status): set(_CODE.findall(response.get("description", "")))
            for status, response in operation["responses"].items()
            if status[0] in "45"
        }
    return listed


def codes_missing_from_the_schema() -> list[str]:
    with _LOCK:
        seen = set(SEEN)
    if not seen:
        return []
    listed = _listed_codes()
    missing = []
    for view, method, status, code in sorted(seen, key=lambda s: (s[0].__name__, *s[1:])):
        operation = listed.get((view, method))
        if operation is None or code in UNLISTED:
            continue  # a method the view does not offer (405) or a fault of the hub
        if code not in operation.get(status, set()):
            missing.append(f"{method} {view.__name__}: {status} {code}")
    return missing
