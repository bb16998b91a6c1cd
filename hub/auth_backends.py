"""The password backend of every Django sign-in form (the admin's /admin/login/), with
the API login's throttle (docs/operations.md "Sign-in throttle", docs/dependencies.md
"Why no django-axes").

Django's ModelBackend, wrapped in hub.services.tokens.login_attempt: the same rule
(failures per username and per client address in a window) over the same FailedLogin
rows, so ten wrong passwords for "manager" lock both doors, and the client address
comes from hub/client_address.py (HUB_TRUSTED_PROXIES), like the API's.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from hub.client_address import client_address_of_request
from hub.services.tokens import LoginThrottled, login_attempt


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a password sign-in: nothing to count
        # Without a request (a shell, a script) the address is unknown: username only.
        address = client_address_of_request(request) if request is not None else None
        check = partial(
            super().authenticate, request, username=username, password=password, **kwargs
        )
        try:
            return login_attempt(username=username, address=address, check=check)
        except LoginThrottled as exc:
            # A ValidationError raised inside authenticate() surfaces from the form's
            # clean() as the form's error, so the admin shows why (PermissionDenied, the
            # documented way to stop authenticate(), would read "wrong password").
            raise ValidationError(exc.message, code=exc.code) from exc
