"""Bearer token authentication for DRF (CONTRACT section 1)."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from hub.services.tokens import token_resolve


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise exceptions.AuthenticationFailed("Send Authorization: Bearer <token>.")
        resolved = token_resolve(parts[1])
        if resolved is None:
            raise exceptions.AuthenticationFailed(
                "The token is not valid, was revoked or expired unused; sign in again."
            )
        return resolved

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
