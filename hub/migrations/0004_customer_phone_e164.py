"""Customer.phone_digits becomes the E.164 number's digits, read in the outlet's country
(docs/api.md "Customers", hub/services/customers.py)."""

import phonenumbers
from django.db import migrations


def phone_normalize(raw, *, region):
    # hub.services.customers.phone_normalize as of this migration, frozen here.
    try:
        number = phonenumbers.parse(raw, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError("not a possible number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]


def phone_digits_to_e164(apps, schema_editor):
    Customer = apps.get_model("hub", "Customer")
    Outlet = apps.get_model("hub", "Outlet")
    for outlet in Outlet.objects.order_by("id"):
        rows = list(Customer.objects.filter(outlet=outlet).exclude(phone="").order_by("id"))
        wanted = {}
        for row in rows:
            try:
                wanted[row.pk] = phone_normalize(row.phone, region=outlet.country)
            except ValueError:
                wanted[row.pk] = row.phone_digits  # not a possible number: kept as it was
        changing = [row for row in rows if wanted[row.pk] != row.phone_digits]
        # Clear first, so no update collides with a value another row is about to give up.
        Customer.objects.filter(pk__in=[row.pk for row in changing]).update(phone_digits="")
        in_use = {row.phone_digits for row in rows if row not in changing and row.phone_digits}
        for row in changing:
            if wanted[row.pk] in in_use:
                # One guest entered twice under two spellings: the row that already had
                # these digits, else the oldest, keeps them; this one stays findable by
                # name until a manager merges the two.
                print(
                    f"\n  customer {row.pk} ({row.name!r}, {row.phone!r}) of outlet "
                    f"{outlet.code} has another customer's number; its phone_digits "
                    "are left empty"
                )
                continue
            in_use.add(wanted[row.pk])
            Customer.objects.filter(pk=row.pk).update(phone_digits=wanted[row.pk])


class Migration(migrations.Migration):
    dependencies = [("hub", "0003_order_discount_by_status_check")]

    operations = [migrations.RunPython(phone_digits_to_e164, migrations.RunPython.noop)]
