"""What a print agent receives on /ws/v1/printers/{id}/ through the real PrinterConsumer:
the `print.job` event with the job's bytes (`payload_b64`), rendered from its ticket as
the event goes out, live and replayed; an event recorded with its bytes (before tickets
were kept) goes out as it is (docs/printing.md "The print agent")."""

from __future__ import annotations

import base64

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from hub.models import Event, Printer, PrintJob
from hub.services import printing as svc
from tests.realtime.conftest import open_stream, ws_demo  # noqa: F401 - a fixture

from .conftest import job_bytes, kitchen_kot


@database_sync_to_async
def _agent_printer_with_a_job() -> PrintJob:
    Printer.objects.filter(pk=1).update(connection="agent", address="")
    return svc.print_job_create_for_kot(kot=kitchen_kot(), by=None)


@database_sync_to_async
def _bytes_of(job: PrintJob) -> bytes:
    job.refresh_from_db()
    return job_bytes(job)


@database_sync_to_async
def _event_with_bytes_as_recorded_before(payload: bytes) -> None:
    from hub.events import record_event

    with transaction.atomic():  # the outbox row an older hub wrote, bytes included
        (event,) = record_event(
            outlet=1,
            streams=["printer.1"],
            type="print.job",
            data={"job_id": 1, "kind": "kot", "reprint": 0},
        )
        Event.objects.filter(pk=event.pk).update(
            data={**event.data, "payload_b64": base64.b64encode(payload).decode()}
        )


@pytest.mark.embedded
async def test_an_agent_gets_the_jobs_bytes_live_and_on_replay(ws_demo):  # noqa: F811
    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "cashier")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    job = await _agent_printer_with_a_job()
    live = await communicator.receive_json_from(timeout=5)
    assert live["type"] == "print.job" and set(live["data"]) == {
        "job_id", "kind", "reprint", "payload_b64"
    }  # fmt: skip
    assert base64.b64decode(live["data"]["payload_b64"]) == await _bytes_of(job)
    await communicator.disconnect()
    # a reconnecting agent gets the same bytes from the outbox
    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "cashier", query="since=0")
    await communicator.receive_json_from(timeout=5)
    replayed = await communicator.receive_json_from(timeout=5)
    assert replayed == live
    await communicator.disconnect()


@pytest.mark.embedded
async def test_an_event_recorded_with_its_bytes_goes_out_as_it_was(ws_demo):  # noqa: F811
    await _event_with_bytes_as_recorded_before(b"\x1b@OLD\n")
    communicator, _, _ = await open_stream("/ws/v1/printers/1/", "cashier", query="since=0")
    await communicator.receive_json_from(timeout=5)
    event = await communicator.receive_json_from(timeout=5)
    assert base64.b64decode(event["data"]["payload_b64"]) == b"\x1b@OLD\n"
    await communicator.disconnect()
