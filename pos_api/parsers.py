"""The one JSON body parser (CONTRACT 1: no input may produce a 500; docs/api.md "Conventions").

DRF's JSONParser, plus what Python's json module and the database cannot take:
- nesting deeper than MAX_DEPTH (Python's parser would hit its recursion limit);
- strings with NUL characters (PostgreSQL cannot store them in text or jsonb);
- lone UTF-16 surrogates such as "\\ud800" (valid JSON escapes, but not text:
  encoding them to UTF-8 for the database fails).
All answer 400 `validation_error` through the usual ParseError path.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class HubJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.") from None
        check_json_value(data)
        return data


def check_json_value(data: Any) -> None:
    """Raise ParseError for values the hub cannot store; iterative, so any depth is safe."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ParseError("Text may not contain NUL (\\u0000) characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError("Text is not valid Unicode (unpaired surrogate).") from None
