"""Secrets the hub must be able to read back: a delivery platform's intake key and a
webhook subscription's signing key (docs/integrations.md "Secrets").

HMAC needs the key itself on both sides, so a one-way hash (as for passwords and API
tokens) cannot verify or sign. They are sealed instead: Fernet (AES-128-CBC with an
HMAC-SHA256 tag, from the `cryptography` package) under a key derived from the hub's
secret key, so a copy of the database alone does not reveal them. Changing HUB_SECRET_KEY
makes sealed secrets unreadable: set them again in the admin (or `POST /webhooks` again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

_PURPOSE = b"hub.secrets.v1"


def _fernet() -> Fernet:
    key = hashlib.sha256(_PURPOSE + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode("ascii")


def secret_open(sealed: str) -> str | None:
    """The secret, or None when there is none or it was sealed under another secret key."""
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def signature_of(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature` value of `body`: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str | None, body: bytes, header: str | None) -> bool:
    """Constant-time comparison of `header` with the body's signature."""
    if not secret or not header:
        return False
    return hmac.compare_digest(signature_of(secret, body).encode(), header.strip().encode())
