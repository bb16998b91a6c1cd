"""hub.pricing.average_ticket: the sales report's average, rounded like money."""

from decimal import Decimal

import pytest

from hub.pricing import average_ticket

pytestmark = pytest.mark.embedded


def test_the_average_is_rounded_half_up_to_the_cent_and_none_without_orders():
    assert average_ticket(Decimal("54.56"), 2) == Decimal("27.28")
    assert average_ticket(Decimal("10.00"), 3) == Decimal("3.33")
    assert average_ticket(Decimal("0.05"), 2) == Decimal("0.03")  # 0.025 half-up
    assert average_ticket(Decimal("0"), 0) is None
