"""A Schemathesis check for what no schema can state (docs/api.md "The schema and the live
tester"; schemathesis.toml).

A request the schema allows may still be a 400 `validation_error` by contract when a
field's validity depends on the outlet's stored data (an unknown id, a dine-in order
without a table, a phone number impossible in the outlet's country) or on another part
of the request (a body `version` against `If-Match`). schemathesis.toml lets
`positive_data_acceptance` pass such a 400; this check then refuses every other one:
a schema-valid request answered 400 must name only such fields. So a limit the schema
leaves out (a header's length, an amount's decimals, a list's size) still fails.

Loaded by tests/pos_api/test_fuzz_schemathesis.py, and by the CLI with
`SCHEMATHESIS_HOOKS=tests.pos_api.schemathesis_checks`.
"""

from __future__ import annotations

import json

import schemathesis

# The last segment of a field path (`items.0.menu_item_id` -> `menu_item_id`).
DATA_FIELDS = frozenset(
    {
        # ids of objects that must exist in the caller's outlet
        "id",
        "order_type_id",
        "table_id",
        "customer_id",
        "platform_id",
        "driver_id",
        "payment_id",
        "source_order_id",
        "order_id",
        "resume_held_id",
        "menu_item_id",
        "payment_method",
        # a modifier option of that line's item, listed once (CONTRACT 11): stored data
        "option_id",
        # a number possible in the outlet's country (hub.services.customers)
        "phone",
        # against the If-Match header of the same request
        "version",
        # a hold with nothing to hold: the session's stored cart is empty
        "cart",
        # a report range's end against its start (CONTRACT 15: from <= to, at most 365 days)
        "to",
    }
)


@schemathesis.check
def refusals_only_for_stored_data(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        raise AssertionError("A 400 outside the error envelope") from None
    fields = error.get("fields") or {}
    outside = sorted(path for path in fields if path.rsplit(".", 1)[-1] not in DATA_FIELDS)
    if error.get("code") != "validation_error" or not fields or outside:
        raise AssertionError(
            "A request the schema allows was refused for something the schema could state: "
            f"{error.get('message')!r} {outside or fields}"
        )
    return None
