"""The admin's settings for CONTRACT 17's bills (docs/admin.md "Printers", "Outlet"): a
printer's python-escpos profile and code page, the outlet's UPI id, locale and logo."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from hub.models import Outlet, Printer, PrintJob
from printers.escpos_png import blocks

from .test_admin import signed_in
from .test_admin_printing import ask_test_page, printer_form

pytestmark = pytest.mark.embedded


def test_a_manager_picks_the_printers_profile_and_a_code_page_it_has(demo):
    client = signed_in("manager")
    page = client.get("/admin/hub/printer/1/change/").content.decode()
    assert 'value="POS-5890"' in page and 'value="TM-T88V"' in page  # python-escpos's
    printer = Printer.objects.get(pk=1)
    saved = client.post(
        "/admin/hub/printer/1/change/", printer_form(printer, profile="POS-5890", codepage="CP866")
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    printer.refresh_from_db()
    assert (printer.profile, printer.codepage) == ("POS-5890", "CP866")
    # a code page the model does not have is refused, with the ones it has
    refused = client.post(
        "/admin/hub/printer/1/change/",
        printer_form(printer, profile="TM-T88III", codepage="CP1251"),
    )
    assert refused.status_code == 200
    assert "The TM-T88III profile has no CP1251" in refused.content.decode()
    printer.refresh_from_db()
    assert printer.profile == "POS-5890"
    unknown = client.post(
        "/admin/hub/printer/1/change/", printer_form(printer, profile="NoSuchModel")
    )
    assert unknown.status_code == 200 and "errorlist" in unknown.content.decode()


def test_the_test_page_says_the_profile_and_prints_each_script_as_an_image(demo):
    Printer.objects.filter(pk=2).update(profile="POS-5890", codepage="CP858", paper_width_mm=58)
    ask_test_page(signed_in("manager"), 2)
    job = PrintJob.objects.filter(printer_id=2, kind="test_page").latest("id")
    from printers.jobs import job_rendered

    rendered = job_rendered(job)
    assert "Code page CP858, profile POS-5890" in " ".join(rendered.preview.split())
    pictures = [b.image for b in blocks(rendered.payload) if b.kind == "image"]
    assert [p.width for p in pictures] == [384, 384, 384]  # Hindi, Tamil, the rupee


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((300, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_manager_sets_the_upi_id_locale_and_uploads_the_logo(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in("manager")
    page = client.get("/admin/hub/outlet/1/change/").content.decode()
    form = dict(re.findall(r'<input type="(?:text|number)" name="(\w+)" value="([^"]*)"', page))
    assert form["upi_id"] == "desibits@upi" and form["locale"] == "en_IN"
    outlet = Outlet.objects.get(pk=1)
    data = {
        field.name: getattr(outlet, field.attname)
        for field in Outlet._meta.concrete_fields
        if field.name not in ("id", "code", "logo")
    }
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update(upi_id="not a upi id", locale="xx_nowhere")
    refused = client.post("/admin/hub/outlet/1/change/", data)
    text = refused.content.decode()
    assert refused.status_code == 200 and "is not a UPI id" in text and "is not a locale" in text
    data.update(upi_id="desibits@okhdfc", locale="hi_IN")
    data["logo"] = io.BytesIO(_png())
    data["logo"].name = "desibits.png"
    saved = client.post("/admin/hub/outlet/1/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    outlet.refresh_from_db()
    assert (outlet.upi_id, outlet.locale) == ("desibits@okhdfc", "hi_IN")
    assert outlet.logo.name.startswith("logos/desibits") and (tmp_path / outlet.logo.name).exists()
