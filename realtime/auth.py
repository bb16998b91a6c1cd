"""Token auth for WebSockets: ?token= or the bearer.<token> subprotocol (CONTRACT 6,
docs/realtime.md "Connecting" and "Revoked tokens")."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from hub.services.tokens import token_resolve


def token_from_scope(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    for protocol in scope.get("subprotocols", []) or []:
        if protocol.startswith("bearer."):
            return protocol[len("bearer.") :]
    return None


_resolve = database_sync_to_async(token_resolve)


class TokenAuthMiddleware:
    """Puts `staff` and `api_token` (or None for both) into the scope; consumers close
    with 4401 when `staff` is None. The token stays in the scope so that the worker's
    connection watch (realtime/watch.py) can close the socket when it is revoked later."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        raw = token_from_scope(scope)
        resolved = await _resolve(raw) if raw else None
        staff, api_token = resolved if resolved else (None, None)
        scope = dict(scope, staff=staff, api_token=api_token)
        return await self.inner(scope, receive, send)
