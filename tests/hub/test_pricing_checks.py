"""Splitting a bill into checks (hub/pricing.py split_by_items / split_equally; CONTRACT 12).

Properties over random orders, discounts, tax mixes and splits: the checks add up exactly
to the order's every figure, each check's total is its own figures' sum, and an equal
split's totals differ by at most 0.01.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.pricing import (
    CENT,
    ZERO,
    CheckFigures,
    Discount,
    Line,
    PricingInput,
    TaxRate,
    price,
    split_by_items,
    split_equally,
)

pytestmark = pytest.mark.embedded

D = Decimal
GST5 = (TaxRate("CGST", D("2.5")), TaxRate("SGST", D("2.5")))
GST18 = (TaxRate("CGST", D("9")), TaxRate("SGST", D("9")))

prices = st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2)
rates = st.sampled_from(
    [(), GST5, GST18, (TaxRate("VAT", D("12.5")),), GST5 + (TaxRate("CESS", D("1")),)]
)
lines = st.builds(Line, unit_price=prices, quantity=st.integers(1, 12), taxes=rates)
discounts = st.one_of(
    st.none(),
    st.builds(Discount, kind=st.just("percent"), value=st.decimals(0, 100, places=2)),
    st.builds(Discount, kind=st.just("fixed"), value=st.decimals(0, 5000, places=2)),
)
orders = st.builds(
    PricingInput,
    lines=st.lists(lines, min_size=1, max_size=8).map(tuple),
    discount=discounts,
    service_charge_percent=st.decimals(min_value=0, max_value=20, places=2),
    prices_include_tax=st.booleans(),
    round_off=st.booleans(),
)


def _sums_match(order, checks: list[CheckFigures]) -> None:
    for name in (
        "subtotal",
        "discount_amount",
        "tax_total",
        "service_charge",
        "round_off",
        "total",
    ):
        assert sum((getattr(c, name) for c in checks), ZERO) == getattr(order, name), name
    for i, tax in enumerate(order.taxes):
        assert [(c.taxes[i].name, c.taxes[i].rate) for c in checks] == [(tax.name, tax.rate)] * len(
            checks
        )
        assert sum((c.taxes[i].amount for c in checks), ZERO) == tax.amount
    for check in checks:
        tax = ZERO if order.prices_include_tax else check.tax_total
        assert check.total == (
            check.subtotal - check.discount_amount + tax + check.service_charge + check.round_off
        )
        assert check.tax_total == sum((t.amount for t in check.taxes), ZERO)
        for value in (check.subtotal, check.total, *(t.amount for t in check.taxes)):
            assert value == value.quantize(CENT)


@settings(max_examples=500, deadline=None)
@given(orders, st.integers(2, 20))
def test_an_equal_split_adds_up_and_its_totals_differ_by_a_cent_at_most(data, parts):
    order = price(data)
    checks = split_equally(order, parts)
    assert len(checks) == parts
    _sums_match(order, checks)
    totals = [c.total for c in checks]
    assert max(totals) - min(totals) <= CENT


@st.composite
def splits(draw):
    data = draw(orders)
    count = draw(st.integers(2, 5))
    parts: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for index, line in enumerate(data.lines):
        left = line.quantity
        while left:
            take = draw(st.integers(1, left))
            parts[draw(st.integers(0, count - 1))].append((index, take))
            left -= take
    parts = [p for p in parts if p]
    if len(parts) < 2:
        parts = [parts[0][:1], parts[0][1:]] if len(parts[0]) > 1 else parts
    return data, parts


@settings(max_examples=500, deadline=None)
@given(splits())
def test_a_split_by_items_adds_up_exactly_to_the_order(case):
    data, parts = case
    order = price(data)
    checks = split_by_items(data, order, parts)
    assert len(checks) == len(parts)
    _sums_match(order, checks)
    for check in checks:  # the remainder never makes a figure of the last check negative
        assert min(check.subtotal, check.discount_amount, check.service_charge) >= 0
        assert all(t.amount >= 0 for t in check.taxes)
    # each check but the last holds exactly its lines
    for check, check_parts in zip(checks[:-1], parts[:-1], strict=True):
        assert check.subtotal == sum((data.lines[i].unit_price * q for i, q in check_parts), ZERO)


def test_the_section_4_order_split_in_three():
    # docs/api.md "Checks": 2 x Paneer Tikka 12.99 (GST 5%), 10% off -> 24.54
    data = PricingInput(
        lines=(Line(D("12.99"), 2, GST5),), discount=Discount(kind="percent", value=D("10"))
    )
    order = price(data)
    assert order.total == D("24.54")
    checks = split_equally(order, 3)
    assert [c.total for c in checks] == [D("8.18"), D("8.18"), D("8.18")]
    assert [c.subtotal for c in checks] == [D("8.66"), D("8.66"), D("8.66")]
    assert [c.discount_amount for c in checks] == [D("0.86"), D("0.87"), D("0.87")]
    assert [[t.amount for t in c.taxes] for c in checks] == [
        [D("0.19"), D("0.19")],
        [D("0.19"), D("0.19")],
        [D("0.20"), D("0.20")],
    ]
    assert [c.round_off for c in checks] == [D("0.00"), D("0.01"), D("-0.01")]
