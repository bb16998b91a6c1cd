"""The print agent end to end: a real daphne serving /ws/v1/printers/{id}/, the real
`manage.py print_agent` process, jobs queued by the hub's print service (CONTRACT 6, 7)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub.models import Printer, PrintJob, Staff
from hub.services import printing as svc
from hub.services.tokens import token_issue
from tests.liveserver import run_daphne, server_env

from .conftest import job_bytes, kitchen_kot

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _wait(predicate, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def daphne_hub(transactional_demo):
    with run_daphne("agent-e2e") as server:
        yield server.ws


def _start_agent(hub: str, token: str, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "print_agent",
            "--hub",
            hub,
            "--printer-id",
            "1",
            "--output",
            f"file:{tmp_path / 'paper.bin'}",
            "--state",
            str(tmp_path / "agent.json"),
        ],
        cwd=ROOT,
        env=server_env() | {"HUB_AGENT_TOKEN": token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _status(job_id: int) -> str:
    return PrintJob.objects.get(pk=job_id).status


@pytest.mark.postgres
def test_agent_prints_acks_and_resumes_without_printing_twice(daphne_hub, tmp_path):
    Printer.objects.filter(pk=1).update(connection="agent", address="", status="unknown")
    token = token_issue(staff=Staff.objects.get(username="manager"))
    paper = tmp_path / "paper.bin"
    agent = _start_agent(daphne_hub, token, tmp_path)
    try:
        # the agent connects and records where the stream is
        _wait(lambda: (tmp_path / "agent.json").exists(), what="the agent's first state")
        # a KOT queued on the agent printer reaches the agent, is printed and acked
        kot = kitchen_kot()
        first = svc.print_job_create_for_kot(kot=kot, by=None)
        _wait(lambda: _status(first.pk) == "printed", what="job 1 printed")
        assert paper.read_bytes() == job_bytes(first)
        assert kot.number.encode() in paper.read_bytes()
        printer = Printer.objects.get(pk=1)
        assert printer.status == "online" and printer.last_contact_at
    finally:
        agent.terminate()
        agent.wait(timeout=10)

    # while the agent is away, a reprint is queued; it waits
    kot = first.kot
    second = svc.print_job_create_for_kot(kot=kot, by=None, reprint=True)
    time.sleep(0.5)
    assert _status(second.pk) == "queued"

    # the agent comes back, replays from its last seq, prints the reprint once
    agent = _start_agent(daphne_hub, token, tmp_path)
    try:
        _wait(lambda: _status(second.pk) == "printed", what="job 2 printed after reconnect")
        assert paper.read_bytes() == job_bytes(first) + job_bytes(second)
        assert b"REPRINT 1" in job_bytes(second)
        # the hub resends an unconfirmed job (as after a lost ack): acked, not printed again
        PrintJob.objects.filter(pk=first.pk).update(status="queued")
        PrintJob.objects.filter(pk=first.pk).update(next_attempt_at=first.created_at)
        assert svc.print_jobs_resend_to_agents() == 1
        _wait(lambda: _status(first.pk) == "printed", what="resent job 1 acked")
        time.sleep(0.3)
        assert paper.read_bytes() == job_bytes(first) + job_bytes(second)
    finally:
        agent.terminate()
        agent.wait(timeout=10)
