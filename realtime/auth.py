"""Token auth for WebSockets: ?token= or the bearer.<token> subprotocol (CONTRACT 6)."""

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


@database_sync_to_async
def _resolve(raw: str):
    resolved = token_resolve(raw)
    return resolved[0] if resolved else None


class TokenAuthMiddleware:
    """Puts `staff` (or None) into the scope; consumers close with 4401 when it is None."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        raw = token_from_scope(scope)
        scope = dict(scope, staff=await _resolve(raw) if raw else None)
        return await self.inner(scope, receive, send)
