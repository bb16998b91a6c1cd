"""Printers in the admin: "Print a test page" through the real queue and dispatcher to a
real TCP socket, and where a manager may point a printer (docs/admin.md "Printers")."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from hub.models import Event, Printer, PrintJob, Staff
from hub.services.printing import TEST_PAGE_KIND
from printers import dispatcher
from printers.jobs import job_rendered, print_job_wire_data
from printers.render import TestPageTicket, render_test_page
from tests.printers.conftest import fake_printer, use_network_printer  # noqa: F401 - a fixture

from .test_admin import PASSWORD, signed_in


def paper(payload: bytes) -> str:
    return payload.decode("cp858", errors="replace")


def ask_test_page(client, *printer_ids: int):
    return client.post(
        "/admin/hub/printer/",
        {"action": "print_test_page", "_selected_action": [str(i) for i in printer_ids]},
    )


# --- the page ------------------------------------------------------------------------


@pytest.mark.parametrize("width, columns", [(80, 48), (58, 32)])
def test_the_test_page_shows_the_settings_a_full_ruler_and_is_cut(width, columns):
    ticket = TestPageTicket(
        printer="Pass Printer",
        connection="network 192.168.1.50:9100",
        paper_width_mm=width,
        outlet="DesiBits Demo",
        printed_at=datetime(2026, 11, 27, 3, 58, tzinfo=UTC),
        timezone="Asia/Kolkata",
        asked_by="Maya Manager",
    )
    rendered = render_test_page(ticket, paper_width_mm=width)
    lines = rendered.preview.splitlines()
    words = " ".join(rendered.preview.split())  # long lines wrap on 58 mm paper
    assert "TEST PAGE" in lines[0]
    assert "Printer: Pass Printer" in lines
    assert "Connection: network 192.168.1.50:9100" in words
    assert f"Paper: {width} mm, {columns} columns" in lines
    assert "Printed: 27 Nov 2026 09:28" in lines  # outlet time
    assert "Asked by: Maya Manager" in lines
    ruler = next(line for line in lines if line.startswith("123456789"))
    assert len(ruler) == columns
    assert max(len(line) for line in lines) <= columns
    # the bytes: reset, code page 19, the same text, the cut
    assert rendered.payload.startswith(b"\x1b@\x1bt\x13")
    assert rendered.payload.endswith(b"\x1dV\x00")
    assert "Pass Printer" in paper(rendered.payload) and "€" in paper(rendered.payload)


# --- the action ------------------------------------------------------------------------


@pytest.mark.embedded
def test_a_test_page_asked_in_the_admin_reaches_a_network_printer(demo, fake_printer):  # noqa: F811
    fake_printer.on()
    use_network_printer(1, fake_printer)
    client = signed_in("manager")
    response = ask_test_page(client, 1)
    assert response.status_code == 302
    job = PrintJob.objects.get(printer_id=1)
    assert (job.kind, job.status) == (TEST_PAGE_KIND, "queued")
    assert job.kot_id is None and job.order_id is None
    preview = job_rendered(job).preview
    assert "TEST PAGE" in preview and "Asked by: Maya Manager" in preview
    messages = client.get("/admin/hub/printer/").content.decode()
    assert f"Test page queued for Kitchen Printer (print job {job.pk})" in messages

    # the same dispatcher as every ticket delivers it over raw TCP
    report = dispatcher.dispatch_once()
    assert report.printed == [job.pk]
    (received,) = fake_printer.wait_for(1)
    assert received == job_rendered(job).payload
    text = paper(received)
    assert "TEST PAGE" in text and "Kitchen Printer" in text
    assert f"network {fake_printer.address}" in text
    job.refresh_from_db()
    assert job.status == "printed"
    printer = Printer.objects.get(pk=1)
    assert printer.status == "online" and printer.last_contact_at is not None


@pytest.mark.embedded
def test_a_printer_that_is_off_keeps_the_test_page_queued_and_says_why(demo, fake_printer):  # noqa: F811
    use_network_printer(1, fake_printer)  # nothing listens on its port
    ask_test_page(signed_in("manager"), 1)
    dispatcher.dispatch_once()
    job = PrintJob.objects.get(printer_id=1)
    assert job.status == "queued" and job.attempts == 1 and "connect" in job.last_error
    assert Printer.objects.get(pk=1).status == "offline"


@pytest.mark.embedded
def test_an_agent_printer_gets_its_test_page_as_a_print_job_event(demo):
    Printer.objects.filter(pk=2).update(connection=Printer.Connection.AGENT, address="")
    ask_test_page(signed_in("manager"), 2)
    job = PrintJob.objects.get(printer_id=2)
    (event,) = Event.objects.filter(stream="printer.2", type="print.job")
    assert event.data["job_id"] == job.pk and event.data["kind"] == TEST_PAGE_KIND
    wire = print_job_wire_data(printer_id=2, data=event.data)  # as the stream sends it
    assert base64.b64decode(wire["payload_b64"]) == job_rendered(job).payload


@pytest.mark.embedded
def test_manager2_cannot_print_on_outlet_001s_printers(demo):
    response = ask_test_page(signed_in("manager2"), 1, 3)
    assert response.status_code == 302
    assert list(PrintJob.objects.values_list("printer_id", flat=True)) == [3]


# --- where a printer may point ------------------------------------------------------


def printer_form(printer: Printer, **changes) -> dict:
    data = {
        "name": printer.name,
        "role": printer.role,
        "connection": printer.connection,
        "address": printer.address,
        "paper_width_mm": str(printer.paper_width_mm),
        "profile": printer.profile,
        "codepage": printer.codepage,
    }
    data.update(changes)
    return data


@pytest.mark.embedded
@pytest.mark.parametrize(
    "connection, address",
    [
        ("file", "/etc/cron.d/hub"),
        ("file", "{spool}/../secret_key"),
        ("file", "{spool}/../hub.sqlite3"),
        ("network", "127.0.0.1:6379"),
        ("network", "localhost:5432"),
        ("network", "[::1]:9100"),
        ("network", "127.1:6379"),
        ("serial", "/etc/passwd"),
    ],
)
def test_a_manager_cannot_point_a_printer_at_the_hubs_own_machine(
    demo, settings, connection, address
):
    address = address.format(spool=settings.HUB_PRINT_SPOOL_DIR)
    printer = Printer.objects.get(pk=1)
    before = (printer.connection, printer.address)
    response = signed_in("manager").post(
        "/admin/hub/printer/1/change/",
        printer_form(printer, connection=connection, address=address),
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "errorlist" in response.content.decode()
    printer.refresh_from_db()
    assert (printer.connection, printer.address) == before


@pytest.mark.embedded
@pytest.mark.parametrize(
    "connection, address",
    [
        ("network", "192.168.1.50:9100"),
        ("file", "{spool}/pass.bin"),
        ("file", "/dev/usb/lp0"),
        ("usb", "04b8:0202"),
        ("serial", "/dev/ttyUSB0@19200"),
        ("agent", ""),
    ],
)
def test_a_manager_sets_up_printers_on_the_restaurants_network(demo, settings, connection, address):
    address = address.format(spool=settings.HUB_PRINT_SPOOL_DIR)
    printer = Printer.objects.get(pk=1)
    response = signed_in("manager").post(
        "/admin/hub/printer/1/change/",
        printer_form(printer, connection=connection, address=address),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    printer.refresh_from_db()
    assert (printer.connection, printer.address) == (connection, address)


@pytest.mark.embedded
def test_a_superuser_may_point_a_printer_anywhere_and_a_manager_may_still_rename_it(demo):
    Staff.objects.create_superuser("root", password=PASSWORD)
    printer = Printer.objects.get(pk=1)
    response = signed_in("root").post(
        "/admin/hub/printer/1/change/",
        printer_form(printer, connection="network", address="127.0.0.1:9100", outlet="1"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    printer.refresh_from_db()
    assert printer.address == "127.0.0.1:9100"
    response = signed_in("manager").post(
        "/admin/hub/printer/1/change/", printer_form(printer, name="Pass Printer")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Printer.objects.get(pk=1).name == "Pass Printer"
