"""hub/pricing.py: the worked example, and properties that hold for any order (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.pricing import (
    CENT,
    FIXED,
    PERCENT,
    ZERO,
    Discount,
    Line,
    PaymentAmount,
    PricingInput,
    TaxRate,
    discount_amount,
    money,
    price,
    taxable_values,
)

pytestmark = pytest.mark.embedded

D = Decimal
GST5 = (TaxRate("CGST", D("2.5")), TaxRate("SGST", D("2.5")))
GST18 = (TaxRate("CGST", D("9")), TaxRate("SGST", D("9")))


def test_reference_example_exclusive():
    # item 15 x2 at 12.99, 10% off, GST 5% split in CGST and SGST
    result = price(
        PricingInput(lines=(Line(D("12.99"), 2, GST5),), discount=Discount(PERCENT, D("10")))
    )
    assert result.subtotal == D("25.98")
    assert result.discount_amount == D("2.60")  # 2.598 rounds half up
    assert [(t.name, t.rate, t.amount) for t in result.taxes] == [
        ("CGST", D("2.5"), D("0.58")),
        ("SGST", D("2.5"), D("0.58")),
    ]
    assert result.tax_total == D("1.16")
    assert result.total == D("24.54")
    assert result.balance_due == D("24.54")


def test_tax_components_of_different_rates_are_kept_apart_and_sorted():
    result = price(PricingInput(lines=(Line(D("100"), 1, GST5), Line(D("100"), 1, GST18))))
    assert [(t.name, str(t.rate), t.amount) for t in result.taxes] == [
        ("CGST", "2.5", D("2.50")),
        ("SGST", "2.5", D("2.50")),
        ("CGST", "9", D("9.00")),
        ("SGST", "9", D("9.00")),
    ]
    assert result.total == D("223.00")


def test_discount_is_shared_pro_rata_so_tax_free_lines_carry_their_part():
    # 100 taxed at 18% + 100 tax-free, 50 off: the taxed line's share is 75
    result = price(
        PricingInput(
            lines=(Line(D("100"), 1, GST18), Line(D("100"), 1, ())),
            discount=Discount(FIXED, D("50")),
        )
    )
    assert result.tax_total == D("13.50")
    assert result.total == D("163.50")


def test_void_lines_count_for_nothing():
    result = price(PricingInput(lines=(Line(D("10"), 3, GST5, void=True), Line(D("5"), 1, ()))))
    assert result.line_totals == (ZERO, D("5.00"))
    assert result.subtotal == D("5.00") and result.tax_total == ZERO


def test_coupon_minimum_and_cap():
    coupon = Discount(PERCENT, D("50"), minimum=D("200"), cap=D("30"))
    assert discount_amount(D("199.99"), coupon) == ZERO
    assert discount_amount(D("200"), coupon) == D("30.00")
    assert discount_amount(D("40"), Discount(PERCENT, D("50"), cap=D("30"))) == D("20.00")


def test_fixed_discount_never_exceeds_subtotal():
    assert discount_amount(D("20.00"), Discount(FIXED, D("50"))) == D("20.00")


def test_service_charge_on_discounted_subtotal_and_round_off():
    result = price(
        PricingInput(
            lines=(Line(D("99.99"), 1, GST5),),
            discount=Discount(FIXED, D("9.99")),
            service_charge_percent=D("10"),
            round_off=True,
        )
    )
    # 90.00 + tax 4.50 + service 9.00 = 103.50 -> rounds half up to 104
    assert result.service_charge == D("9.00")
    assert result.round_off == D("0.50")
    assert result.total == D("104.00")


def test_inclusive_prices_extract_the_tax():
    result = price(PricingInput(lines=(Line(D("105.00"), 1, GST5),), prices_include_tax=True))
    assert result.subtotal == D("105.00")
    assert result.tax_total == D("5.00")
    assert result.total == D("105.00")
    assert result.net_amount == D("100.00")


def test_tips_are_not_part_of_the_total_or_the_balance():
    result = price(
        PricingInput(
            lines=(Line(D("10"), 1, ()),),
            payments=(PaymentAmount(D("6"), tip=D("2")), PaymentAmount(D("4"))),
        )
    )
    assert result.total == D("10.00")
    assert result.tip_total == D("2.00")
    assert result.paid_total == D("10.00")
    assert result.balance_due == ZERO


# --- properties -------------------------------------------------------------

prices = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2)
rates = st.sampled_from(
    [(), GST5, GST18, (TaxRate("VAT", D("12.5")),), (TaxRate("CESS", D("1")),) + GST18]
)
lines = st.builds(
    Line, unit_price=prices, quantity=st.integers(1, 999), taxes=rates, void=st.booleans()
)
discounts = st.one_of(
    st.none(),
    st.builds(
        Discount,
        kind=st.just(PERCENT),
        value=st.decimals(min_value=0, max_value=100, places=2),
        minimum=st.decimals(min_value=0, max_value=500, places=2),
        cap=st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2)),
    ),
    st.builds(
        Discount, kind=st.just(FIXED), value=st.decimals(min_value=0, max_value=10**6, places=2)
    ),
)
inputs = st.builds(
    PricingInput,
    lines=st.lists(lines, max_size=12).map(tuple),
    discount=discounts,
    service_charge_percent=st.decimals(min_value=0, max_value=25, places=2),
    prices_include_tax=st.booleans(),
    round_off=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_totals_are_never_negative(data):
    r = price(data)
    for value in (
        r.subtotal,
        r.discount_amount,
        r.tax_total,
        r.service_charge,
        r.total,
        *r.line_totals,
    ):
        assert value >= 0
    assert all(t.amount >= 0 for t in r.taxes)
    assert r.net_amount >= 0


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_discount_never_exceeds_subtotal(data):
    r = price(data)
    assert ZERO <= r.discount_amount <= r.subtotal


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_total_equals_its_parts_to_the_cent(data):
    r = price(data)
    for value in (
        r.subtotal,
        r.discount_amount,
        r.tax_total,
        r.service_charge,
        r.round_off,
        r.total,
    ):
        assert value == money(value)  # every figure is whole cents
    assert r.subtotal == sum(r.line_totals, ZERO)
    assert r.tax_total == sum((t.amount for t in r.taxes), ZERO)
    added_tax = ZERO if data.prices_include_tax else r.tax_total
    assert r.total == r.subtotal - r.discount_amount + added_tax + r.service_charge + r.round_off
    assert r.total == r.net_amount + r.tax_total + r.service_charge + r.round_off
    assert abs(r.round_off) <= D("0.50")
    if data.round_off:
        assert r.total == r.total.to_integral_value()
    assert r.balance_due == r.total - r.paid_total


@settings(max_examples=300, deadline=None)
@given(
    net=st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2),
    quantity=st.integers(1, 50),
    taxes=st.sampled_from([GST5, GST18, (TaxRate("VAT", D("12.5")),)]),
    percent=st.decimals(min_value=0, max_value=100, places=0),
)
def test_inclusive_and_exclusive_agree_on_their_own_terms(net, quantity, taxes, percent):
    """A net price taxed exclusively, and the same goods priced gross inclusively, agree:
    the gross total is the exclusive total and the tax is the same, up to the cents lost
    when the gross price itself is rounded to the cent."""
    combined = sum((t.rate for t in taxes), D(0))
    gross_unit = money(net * (100 + combined) / 100)
    discount = Discount(PERCENT, percent)
    exclusive = price(PricingInput(lines=(Line(net, quantity, taxes),), discount=discount))
    inclusive = price(
        PricingInput(
            lines=(Line(gross_unit, quantity, taxes),), discount=discount, prices_include_tax=True
        )
    )
    # rounding the gross unit price moves each unit by at most half a cent
    slack = CENT * quantity + CENT * (len(taxes) + 2)
    assert abs(inclusive.total - exclusive.total) <= slack
    assert abs(inclusive.tax_total - exclusive.tax_total) <= slack
    assert abs(inclusive.net_amount - exclusive.net_amount) <= slack
    # and on its own terms the inclusive split is exact: net + tax is what the guest pays
    assert inclusive.net_amount + inclusive.tax_total == inclusive.total


def test_splitting_a_line_never_changes_the_tax():
    one = price(PricingInput(lines=(Line(D("3.33"), 3, GST5),), discount=Discount(PERCENT, D("7"))))
    three = price(
        PricingInput(lines=(Line(D("3.33"), 1, GST5),) * 3, discount=Discount(PERCENT, D("7")))
    )
    assert one.taxes == three.taxes and one.total == three.total


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_the_invoices_taxable_values_reconcile_with_the_taxes(data):
    # each component's tax is its taxable value times its rate, to within the rounding of
    # the taxable value itself (half a cent times the rate), and they name the same taxes
    taxes = price(data).taxes
    taxable = taxable_values(data.lines, data.discount, inclusive=data.prices_include_tax)
    assert [(t.name, t.rate) for t in taxes] == list(taxable)
    for tax in taxes:
        value = taxable[(tax.name, tax.rate)]
        assert value >= 0 and value == money(value)
        assert abs(value * tax.rate / 100 - tax.amount) <= CENT / 2 * (1 + tax.rate / 100)
