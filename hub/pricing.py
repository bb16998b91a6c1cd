"""Order money math: pure functions on Decimal, no ORM (docs/api.md "Orders and money").

The steps run in the order CONTRACT section 2 gives:

1. ``line_total = unit_price * quantity`` for every line that is not void;
2. ``subtotal = sum(line_total)``;
3. one order-level discount -> ``discount_amount``: a percent of the subtotal or a
   fixed value (a coupon adds its minimum subtotal and its cap), rounded to the
   cent and never more than the subtotal;
4. tax per line on its pro-rata share of the discounted subtotal, at each of the
   line's tax components, summed per component (name and rate) and rounded once
   per component;
5. service charge: a percent of ``subtotal - discount_amount``;
6. optional round-off of the total to a whole unit;
7. ``total = subtotal - discount_amount + tax_total + service_charge + round_off``
   (exclusive prices);
8. ``tip_total`` and ``paid_total`` from the payments; ``balance_due = total - paid_total``.

Tax-inclusive prices (``Outlet.prices_include_tax``): menu prices already
contain the tax, so line totals and the subtotal are gross. The discount is
taken off the gross subtotal; the tax is the part of each line's discounted
gross share that is tax, ``gross * rate / (100 + line's total rate)``, summed
and rounded per component exactly like the exclusive case. The tax is then
*included*, not added: ``total = subtotal - discount_amount + service_charge +
round_off``, and ``tax_total`` tells how much of it is tax. Both modes satisfy
``total == taxable + tax_total + service_charge + round_off`` where ``taxable``
is the net (tax-free) value of the goods (``PricingResult.net_amount``).

Rounding is ROUND_HALF_UP to two places, in this module only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
UNIT = Decimal("1")
HUNDRED = Decimal("100")

PERCENT = "percent"
FIXED = "fixed"


def money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up: the one rounding rule for money."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxRate:
    """One tax component of a line, e.g. CGST at 2.5 (percent)."""

    name: str
    rate: Decimal


@dataclass(frozen=True)
class Line:
    unit_price: Decimal
    quantity: int
    taxes: tuple[TaxRate, ...] = ()
    void: bool = False


@dataclass(frozen=True)
class Discount:
    """The order-level discount: manual percent/fixed, or a coupon's terms.

    ``minimum``: below this subtotal the discount gives nothing (coupons);
    ``cap``: the most it may take off (percent coupons).
    """

    kind: str  # PERCENT or FIXED
    value: Decimal
    minimum: Decimal = ZERO
    cap: Decimal | None = None


@dataclass(frozen=True)
class PaymentAmount:
    amount: Decimal
    tip: Decimal = ZERO


@dataclass(frozen=True)
class PricingInput:
    lines: tuple[Line, ...]
    discount: Discount | None = None
    service_charge_percent: Decimal = Decimal("0")
    prices_include_tax: bool = False
    round_off: bool = False
    payments: tuple[PaymentAmount, ...] = ()


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PricingResult:
    line_totals: tuple[Decimal, ...]  # one per input line; ZERO for void lines
    subtotal: Decimal
    discount_amount: Decimal
    taxes: tuple[TaxAmount, ...] = field(default_factory=tuple)
    tax_total: Decimal = ZERO
    service_charge: Decimal = ZERO
    round_off: Decimal = ZERO
    total: Decimal = ZERO
    tip_total: Decimal = ZERO
    paid_total: Decimal = ZERO
    balance_due: Decimal = ZERO
    prices_include_tax: bool = False

    @property
    def net_amount(self) -> Decimal:
        """The goods after discount, without tax (for both modes)."""
        discounted = self.subtotal - self.discount_amount
        return discounted - self.tax_total if self.prices_include_tax else discounted


def unit_price_with_options(item_price: Decimal, options: Iterable[tuple[Decimal, int]]) -> Decimal:
    """CONTRACT 11: a line's unit price is its item's price plus each chosen option's
    price times that option's quantity (options are taxed at the item's rate)."""
    return money(item_price + sum((price * quantity for price, quantity in options), ZERO))


def line_total(line: Line) -> Decimal:
    if line.void:
        return ZERO
    return money(line.unit_price * line.quantity)


def discount_amount(subtotal: Decimal, discount: Discount | None) -> Decimal:
    """The discount in money: rounded to the cent, never negative, never above the subtotal."""
    if discount is None or subtotal <= 0 or subtotal < discount.minimum:
        return ZERO
    if discount.kind == PERCENT:
        amount = money(subtotal * discount.value / HUNDRED)
    elif discount.kind == FIXED:
        amount = money(discount.value)
    else:
        raise ValueError(f"unknown discount kind {discount.kind!r}")
    if discount.cap is not None:
        amount = min(amount, money(discount.cap))
    return max(ZERO, min(amount, subtotal))


def _tax_bases(
    lines: Sequence[Line],
    totals: Sequence[Decimal],
    subtotal: Decimal,
    discount: Decimal,
    *,
    inclusive: bool,
) -> dict[tuple[str, Decimal], Decimal]:
    """Per tax component (name, rate): the exact value it is charged on, i.e. the sum of
    each line's pro-rata share of the discounted subtotal (net of tax when prices
    include it). One loop for the tax (`taxes_for`) and the invoice's taxable values
    (`taxable_values`), so the two always reconcile."""
    if subtotal <= 0:
        return {}
    bases: dict[tuple[str, Decimal], Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 50
        factor = (subtotal - discount) / subtotal
        for line, total in zip(lines, totals, strict=True):
            if line.void or not line.taxes or total == 0:
                continue
            share = total * factor
            if inclusive:
                combined = sum((t.rate for t in line.taxes), Decimal(0))
                share = share * HUNDRED / (HUNDRED + combined)
            for tax in line.taxes:
                key = (tax.name, plain_rate(tax.rate))
                bases[key] = bases.get(key, Decimal(0)) + share
    return bases


def _by_rate(item: tuple[tuple[str, Decimal], Decimal]) -> tuple[Decimal, str]:
    (name, rate), _ = item
    return rate, name


def taxes_for(
    lines: Sequence[Line],
    totals: Sequence[Decimal],
    subtotal: Decimal,
    discount: Decimal,
    *,
    inclusive: bool,
) -> tuple[TaxAmount, ...]:
    """Tax per component on each line's pro-rata share of the discounted subtotal.

    The shares are kept exact (high precision) and each component is rounded
    once, so splitting a line in two never changes the tax.
    """
    bases = _tax_bases(lines, totals, subtotal, discount, inclusive=inclusive)
    with localcontext() as ctx:
        ctx.prec = 50
        return tuple(
            TaxAmount(name=name, rate=rate, amount=money(base * rate / HUNDRED))
            for (name, rate), base in sorted(bases.items(), key=_by_rate)
        )


def taxable_values(
    lines: Sequence[Line], discount: Discount | None, *, inclusive: bool
) -> dict[tuple[str, Decimal], Decimal]:
    """What each tax component (name, rate) was charged on, rounded to the cent: the tax
    invoice's "taxable value" column (CONTRACT 15's GST report reconciles with it).
    Each component's tax is that exact value times its rate, rounded once."""
    totals = tuple(line_total(line) for line in lines)
    subtotal = sum(totals, ZERO)
    discount_value = discount_amount(subtotal, discount)
    bases = _tax_bases(lines, totals, subtotal, discount_value, inclusive=inclusive)
    return {key: money(base) for key, base in sorted(bases.items(), key=_by_rate)}


def plain_rate(rate: Decimal | int | str) -> Decimal:
    """A rate without trailing zeros or exponent: 2.500 -> 2.5, 10.000 -> 10."""
    value = Decimal(rate).normalize()
    return value.quantize(UNIT) if value == value.to_integral_value() else value


def price(data: PricingInput) -> PricingResult:
    """Everything CONTRACT section 2 computes, from lines, discount, settings and payments."""
    totals = tuple(line_total(line) for line in data.lines)
    subtotal = sum(totals, ZERO)
    discount = discount_amount(subtotal, data.discount)
    taxes = taxes_for(data.lines, totals, subtotal, discount, inclusive=data.prices_include_tax)
    tax_total = sum((t.amount for t in taxes), ZERO)
    service_charge = money((subtotal - discount) * data.service_charge_percent / HUNDRED)
    before_round = subtotal - discount + service_charge
    if not data.prices_include_tax:
        before_round += tax_total
    round_off = ZERO
    if data.round_off:
        round_off = before_round.quantize(UNIT, rounding=ROUND_HALF_UP) - before_round
        round_off = money(round_off)
    total = before_round + round_off
    tip_total, paid_total = payment_totals(data.payments)
    return PricingResult(
        line_totals=totals,
        subtotal=subtotal,
        discount_amount=discount,
        taxes=taxes,
        tax_total=tax_total,
        service_charge=service_charge,
        round_off=round_off,
        total=total,
        tip_total=tip_total,
        paid_total=paid_total,
        balance_due=total - paid_total,
        prices_include_tax=data.prices_include_tax,
    )


def payment_totals(payments: Iterable[PaymentAmount]) -> tuple[Decimal, Decimal]:
    """(tip_total, paid_total): tips are never part of what is paid against the total."""
    tips = ZERO
    paid = ZERO
    for payment in payments:
        tips += money(payment.tip)
        paid += money(payment.amount)
    return tips, paid


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """What percent `part` is of `whole` (for discount limits); infinite-ish when whole is 0."""
    if whole <= 0:
        return Decimal("Infinity") if part > 0 else Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 30
        return part * HUNDRED / whole


def average_ticket(total: Decimal, orders: int) -> Decimal | None:
    """The average paid order of a report (its total / its orders), rounded to the cent
    half-up like every amount; None with no order (nothing to average, not 0)."""
    if orders <= 0:
        return None
    return money(Decimal(total) / orders)


# --- checks (CONTRACT 12: splitting one order's bill) -------------------------------


@dataclass(frozen=True)
class CheckFigures:
    """One check's share of an order's bill. The checks of an order add up exactly to the
    order's subtotal, discount, each tax, service charge, round-off and total."""

    subtotal: Decimal
    discount_amount: Decimal
    taxes: tuple[TaxAmount, ...]
    tax_total: Decimal
    service_charge: Decimal
    round_off: Decimal
    total: Decimal


def _check(
    subtotal: Decimal,
    discount: Decimal,
    taxes: tuple[TaxAmount, ...],
    service_charge: Decimal,
    round_off: Decimal,
    *,
    inclusive: bool,
) -> CheckFigures:
    tax_total = sum((t.amount for t in taxes), ZERO)
    total = subtotal - discount + service_charge + round_off + (ZERO if inclusive else tax_total)
    return CheckFigures(subtotal, discount, taxes, tax_total, service_charge, round_off, total)


def apportion(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` shared in proportion to `weights`, to the cent, adding up exactly.

    Each share is its exact value cut to the cent; the cents left over go one each to
    the shares cut the most (the largest remainder), later shares first on a tie, so no
    share is ever negative or more than a cent from its exact value."""
    whole = sum(weights, Decimal(0))
    if whole <= 0 or amount == 0:
        return [ZERO for _ in weights]
    cents = int((amount / CENT).to_integral_value())
    with localcontext() as ctx:
        ctx.prec = 50
        exact = [Decimal(cents) * w / whole for w in weights]
    floors = [int(e) for e in exact]  # int() cuts towards 0; amounts here are >= 0
    left = cents - sum(floors)
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (exact[i] - floors[i], i), reverse=True
    )
    for i in by_remainder[:left]:
        floors[i] += 1
    return [f * CENT for f in floors]


def split_by_items(
    data: PricingInput, order: PricingResult, parts: Sequence[Sequence[tuple[int, int]]]
) -> list[CheckFigures]:
    """Checks holding lines or parts of lines: `parts[c]` lists (line index, quantity).

    A check's subtotal is its lines' totals. The order's discount and service charge
    are shared in proportion to the checks' subtotals, and each tax component in
    proportion to the part of its base each check holds (`apportion`: exact sums,
    rounding cents to the shares cut most). The order's round-off goes to the last
    check. Each check's total is its own figures' sum, so the checks add up exactly.
    """
    inclusive = data.prices_include_tax
    subtotals: list[Decimal] = []
    bases: list[dict[tuple[str, Decimal], Decimal]] = []
    for check_parts in parts:
        subtotal = ZERO
        base: dict[tuple[str, Decimal], Decimal] = {}
        for i, quantity in check_parts:
            line = data.lines[i]
            amount = line_total(Line(line.unit_price, quantity))
            subtotal += amount
            combined = sum((t.rate for t in line.taxes), Decimal(0))
            with localcontext() as ctx:
                ctx.prec = 50
                net = amount * HUNDRED / (HUNDRED + combined) if inclusive else amount
            for tax in line.taxes:
                key = (tax.name, plain_rate(tax.rate))
                base[key] = base.get(key, Decimal(0)) + net
        subtotals.append(subtotal)
        bases.append(base)
    discounts = apportion(order.discount_amount, subtotals)
    services = apportion(order.service_charge, subtotals)
    taxes = [
        apportion(t.amount, [b.get((t.name, t.rate), Decimal(0)) for b in bases])
        for t in order.taxes
    ]
    last = len(parts) - 1
    return [
        _check(
            subtotals[c],
            discounts[c],
            tuple(TaxAmount(t.name, t.rate, taxes[j][c]) for j, t in enumerate(order.taxes)),
            services[c],
            order.round_off if c == last else ZERO,
            inclusive=inclusive,
        )
        for c in range(len(parts))
    ]


def split_equally(order: PricingResult, parts: int) -> list[CheckFigures]:
    """`parts` checks whose totals differ by at most 0.01 (the extra cents on the last
    ones). Each figure is shared the same way; what keeps each check's own sum exact
    is its round-off, which absorbs the cents the separate sharing left over (the
    checks' round-offs add up to the order's)."""
    if parts < 1:
        raise ValueError("at least one part")
    equal = [Decimal(1)] * parts
    totals = apportion(order.total, equal)
    subtotals = apportion(order.subtotal, equal)
    discounts = apportion(order.discount_amount, equal)
    services = apportion(order.service_charge, equal)
    taxes = [apportion(t.amount, equal) for t in order.taxes]
    inclusive = order.prices_include_tax
    checks = []
    for i in range(parts):
        check_taxes = tuple(
            TaxAmount(t.name, t.rate, taxes[j][i]) for j, t in enumerate(order.taxes)
        )
        tax_total = sum((t.amount for t in check_taxes), ZERO)
        before = subtotals[i] - discounts[i] + services[i] + (ZERO if inclusive else tax_total)
        checks.append(
            _check(
                subtotals[i],
                discounts[i],
                check_taxes,
                services[i],
                totals[i] - before,
                inclusive=inclusive,
            )
        )
    return checks
