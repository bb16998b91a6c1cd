"""hub/services/clock.py: outlet-local dates, and a stored zone that is not one is refused,
never read as UTC (docs/operations.md "Outlet time zones")."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from hub.errors import ServiceUnavailable
from hub.models import Outlet
from hub.services import clock

TYPO = "Asia/Calcuta"


def _break_zone(outlet: Outlet, zone: str = TYPO) -> Outlet:
    # update() skips the field's validator, as raw SQL or a script would
    Outlet.objects.filter(pk=outlet.pk).update(timezone=zone)
    outlet.refresh_from_db()
    return outlet


@pytest.mark.embedded
def test_the_business_date_is_the_outlets_local_date(demo):
    # 20:00 UTC on 1 March is 01:30 on 2 March in Kolkata
    at = datetime(2031, 3, 1, 20, 0, tzinfo=ZoneInfo("UTC"))
    with mock.patch("hub.services.clock.timezone.now", return_value=at):
        assert clock.outlet_today(demo) == date(2031, 3, 2)


def test_full_clean_refuses_a_misspelt_zone(demo):
    demo.timezone = TYPO
    with pytest.raises(ValidationError) as info:
        demo.full_clean()
    assert "timezone" in info.value.message_dict


def test_a_form_of_the_outlet_refuses_a_misspelt_zone(demo):
    # the admin's change form is a ModelForm of Outlet: the field's validator runs in it
    form = modelform_factory(Outlet, fields=["timezone"])({"timezone": TYPO}, instance=demo)
    assert not form.is_valid()
    assert "timezone" in form.errors
    form = modelform_factory(Outlet, fields=["timezone"])({"timezone": "Asia/Kolkata"})
    assert form.is_valid()


@pytest.mark.embedded
@pytest.mark.parametrize("zone", [TYPO, "", "asia/kolkata", "Asia/", "Asia/../Kolkata", "Asia"])
def test_a_stored_zone_that_is_not_one_is_refused_not_read_as_utc(demo, caplog, zone):
    outlet = _break_zone(demo, zone)
    with pytest.raises(ServiceUnavailable) as info:
        clock.outlet_zone(outlet)
    assert (info.value.status, info.value.code) == (503, "outlet_misconfigured")
    assert repr(zone) in info.value.message
    assert any(r.levelname == "ERROR" and repr(zone) in r.getMessage() for r in caplog.records)
    # every way to a business date goes through it
    with pytest.raises(ServiceUnavailable):
        clock.outlet_today(outlet)
    with pytest.raises(ServiceUnavailable):
        clock.outlet_now(outlet)


def test_invoice_numbers_refuse_a_bad_zone_rather_than_guess_the_financial_year(demo):
    from hub.services.printing import invoice_number_issue
    from tests.given import order_given

    order = order_given(status="billed")
    order.outlet = _break_zone(demo)
    with pytest.raises(ServiceUnavailable):
        invoice_number_issue(order=order)
    order.refresh_from_db()
    assert order.invoice_number == ""
