"""Money as people read it, in an outlet's locale (docs/printing.md "Money on paper").

Babel's CLDR data, not a hand-written grouping: en_IN (and hi_IN, ta_IN) group in lakhs
and crores, `12,34,567.00`; en_US `1,234,567.00`; de_DE `1.234.567,00`. Always two
decimals, ROUND_HALF_UP like hub/pricing.py. Only for paper and screens: the API keeps
plain numbers (CONTRACT 2). An empty locale gives the hub's old `1,234,567.00`, so a
print job queued before locales prints as it would have.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern

CENT = Decimal("0.01")


@lru_cache(maxsize=64)
def _pattern(locale: str) -> tuple[NumberPattern, Locale] | None:
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    pattern = parse_pattern(parsed.decimal_formats[None].pattern)
    pattern.frac_prec = (2, 2)  # money: always two decimals, whatever the locale's default
    return pattern, parsed


def money_text(value: Decimal | int | None, locale: str = "") -> str:
    """`value` with two decimals, grouped as `locale` groups it (`12,34,567.00` for en_IN)."""
    amount = Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)
    found = _pattern(locale) if locale else None
    if found is None:
        return f"{amount:,.2f}"
    pattern, parsed = found
    return pattern.apply(amount, parsed)


def currency_symbol(currency: str, locale: str = "") -> str:
    """The symbol `locale` writes `currency` with (INR in en_IN: the rupee sign); the
    code itself without a locale or a symbol."""
    if not currency:
        return ""
    if not locale or _pattern(locale) is None:
        return currency
    return get_currency_symbol(currency, locale)
