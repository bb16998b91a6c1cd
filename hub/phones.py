"""Phone numbers as guests type them, read with phonenumbers in the outlet's country
(docs/api.md "Customers"). Pure functions: services and selectors both use them.
"""

from __future__ import annotations

import phonenumbers


def phone_digits(raw: str) -> str:
    """The ASCII digits of `raw`, nothing else (for phone-like search queries)."""
    return "".join(ch for ch in raw if ch.isascii() and ch.isdigit())


def phone_normalize(raw: str, *, region: str) -> str:
    """The E.164 digits of `raw` read in `region` ("IN"), without the "+".

    Raises ValueError unless phonenumbers calls it a possible number. A number
    that is possible only locally (a landline without its area code) is refused
    too: without the area code it is not one number.
    """
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError(f"not a possible number ({reason})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
