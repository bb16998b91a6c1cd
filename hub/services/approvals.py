"""A manager's approval of an over-limit action in the same request (CONTRACT 15;
docs/api.md "Manager approval").

A cashier asked for more off than their limit (or to cancel a billed order) does not
hand the till over: the manager signs in on it (or on their own device) and the till
sends the manager's token with the cashier's request as `approved_by: {"token": ...}`. The action is then measured against
the manager's limits, done as the cashier's, and its audit entry names both (`staff`,
`approved_by`). A token is a secret too long to guess, so no throttle is needed; a
token that is not a usable manager token of the outlet answers 403 `approval_invalid`
and nothing is done.
"""

from __future__ import annotations

from hub.errors import ApprovalCode, Forbidden
from hub.models import Outlet, Staff
from hub.roles import MANAGER
from hub.services.tokens import token_resolve


def approver_resolve(*, outlet: Outlet, token: str | None) -> Staff | None:
    """The manager whose token approves the request; None when none was sent."""
    if token is None:
        return None
    found = token_resolve(token)
    if found is None or found[0].role != MANAGER or found[0].outlet_id != outlet.pk:
        raise Forbidden(
            "approved_by is not the token of a manager of this outlet.",
            code=ApprovalCode.APPROVAL_INVALID,
        )
    return found[0]
