"""The webhook job in a real `manage.py hub_worker` process (CONTRACT part two and 16):
killed with SIGKILL in the middle of a delivery and started again, with Redis
unreachable the whole time, every event still arrives, in order per stream; the only
duplicate is the event whose answer the killed worker never recorded."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from hub import models as m
from tests.given import order_given
from tests.integrations.receiver import Receiver
from tests.integrations.test_webhooks import SECRET, recorded, subscribe
from tests.liveserver import ROOT, server_env

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


def start_worker(log):
    env = server_env(REDIS_URL=DEAD_REDIS, HUB_WEBHOOK_LEASE_SECONDS="6")
    return subprocess.Popen(
        [sys.executable, "manage.py", "hub_worker", "--only", "webhooks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.postgres
def test_a_worker_killed_mid_delivery_loses_nothing_and_redis_down_changes_nothing(
    transactional_demo, api_as, tmp_path
):
    receiver = Receiver().start()
    sub = subscribe(api_as("manager"), receiver.url)
    for status in ("paid", "kot", "paid"):
        order_given(status=status)
    events = recorded(sub["id"])
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    assert len(events) >= 8
    # three events through, then the receiver takes its time with the fourth ...
    receiver.hang, receiver.hang_at = 3.0, 3
    worker = start_worker(log)
    try:
        wait_for(lambda: receiver.arrived == 4, 30, "the fourth request to arrive")
        assert len(receiver.answered) == 3
        # ... and the worker dies in the middle of it
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        wait_for(lambda: len(receiver.answered) == 4, 10, "the hung request to end")
        assert len(receiver.messages()) == 4  # the receiver has it; the hub never heard
        # events keep being recorded while no worker runs
        order_given(status="kot")
        worker = start_worker(log)
        wait_for(
            lambda: (
                {msg["id"] for msg in receiver.messages()} >= {e.pk for e in recorded(sub["id"])}
            ),
            40,
            "every event after the restart",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        receiver.stop()
    events = recorded(sub["id"])
    ids = [msg["id"] for msg in receiver.messages()]
    assert set(ids) == {e.pk for e in events}, "an event was lost"
    doubled = {i for i in ids if ids.count(i) > 1}
    assert doubled == {receiver.messages()[3]["id"]}, f"only the unacknowledged one: {doubled}"
    by_stream: dict[str, list[int]] = {}
    for msg in receiver.messages():
        seqs = by_stream.setdefault(msg["stream"], [])
        if not seqs or msg["seq"] != seqs[-1]:  # a redelivery repeats the last one
            seqs.append(msg["seq"])
    for stream, seqs in by_stream.items():
        assert seqs == sorted(seqs), f"{stream} out of order"
    assert all(msg[2]["X-Hub-Signature"].startswith("sha256=") for msg in receiver.received)
    assert SECRET not in (tmp_path / "worker.log").read_text()
    assert m.WebhookSubscription.objects.get(pk=sub["id"]).failing_since is None
