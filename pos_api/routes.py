"""Paths are served exactly as the API reference writes them, and the same with a
trailing slash, never with a redirect (CONTRACT section 1)."""

from __future__ import annotations

from django.urls import path


def api_path(route: str, view, name: str | None = None) -> list:
    """Both `route` and `route/`; only the first is named (and in the schema)."""
    route = route.strip("/")
    return [path(route, view, name=name), path(route + "/", view)]


def exclude_trailing_slash_duplicates(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: list each path once, as the reference writes it."""
    return [e for e in endpoints if not (e[0].endswith("/") and e[0] != "/")]
