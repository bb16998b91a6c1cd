"""hub_worker (CONTRACT part two; docs/operations.md "hub_worker"): one process, a registry
of jobs, one job's failure never stops the others, print_dispatcher kept as its alias."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command

from hub import worker
from hub.worker import WorkerJob, worker_job_register, worker_jobs, worker_pass, worker_run

pytestmark = pytest.mark.embedded


def test_the_print_queue_webhooks_and_the_kot_timer_are_registered_by_their_apps():
    from hub.services.kitchen_ack import kots_unseen_handle

    names = [job.name for job in worker_jobs()]
    assert set(names) >= {"print_queue", "webhooks", "kot_ack"}
    (print_queue,) = worker_jobs(["print_queue"])
    assert print_queue.notify_channel == "hub_print_jobs"
    (kot_ack,) = worker_jobs(["kot_ack"])
    assert kot_ack.run is kots_unseen_handle and kot_ack.every == 1.0


def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    ran = []

    def broken():
        raise RuntimeError("boom")

    done = worker_pass(
        [
            WorkerJob(name="broken", run=broken),
            WorkerJob(name="fine", run=lambda: ran.append(1) or 1),
        ]
    )
    assert done == {"broken": None, "fine": 1} and ran == [1]
    assert "worker job broken failed" in caplog.text


def test_the_loop_runs_a_busy_job_again_at_once_and_an_idle_one_at_its_interval():
    calls = {"busy": 0, "idle": 0}
    stop = threading.Event()

    def busy():
        calls["busy"] += 1
        if calls["busy"] >= 20:
            stop.set()
        return 1

    def idle():
        calls["idle"] += 1
        return 0

    thread = threading.Thread(
        target=worker_run,
        kwargs={
            "jobs": [WorkerJob("busy", busy, every=5), WorkerJob("idle", idle, every=5)],
            "stop": stop.is_set,
        },
    )
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert calls["busy"] >= 20 and calls["idle"] == 1


def test_a_job_registered_later_runs_in_hub_worker(demo, capsys, monkeypatch):
    monkeypatch.setattr(worker, "_JOBS", dict(worker._JOBS))
    seen = []
    worker_job_register(name="kot_ack", run=lambda: seen.append("tick") or 0)
    call_command("hub_worker", "--once")
    out = capsys.readouterr().out
    assert seen == ["tick"]
    assert "print_queue: 0" in out and "webhooks: 0" in out and "kot_ack: 0" in out
    call_command("hub_worker", "--once", "--only", "kot_ack")
    assert seen == ["tick", "tick"]


def test_print_dispatcher_is_the_same_worker_under_its_old_name(demo, capsys):
    call_command("print_dispatcher", "--once")
    assert "printed 0, retrying 0" in capsys.readouterr().out
    from hub.management.commands.hub_worker import Command as HubWorker
    from printers.management.commands.print_dispatcher import Command as Alias

    assert issubclass(Alias, HubWorker)
