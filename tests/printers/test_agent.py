"""The print agent (printers/agent.py) against a fake hub: a websockets server speaking the
printer stream protocol of CONTRACT section 6 (hello, replay with ?since=, print.job,
print.ack -> print.ack_ok). The end-to-end run over a real daphne is in test_agent_e2e.py."""

from __future__ import annotations

import asyncio
import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest
from websockets.asyncio.server import serve

from printers.agent import AgentState, PrintAgent, parse_output


class FakeHub:
    """One printer stream: events kept in order, replayed after `since`, acks recorded."""

    def __init__(self, token: str = "T0K3N") -> None:
        self.token = token
        self.events: list[dict] = []
        self.acks: list[dict] = []
        self.sinces: list[int | None] = []
        self.connections = 0
        self.drop_before_ack_reply = 0  # close instead of answering this many acks
        self.live: set = set()
        self.server = None

    async def start(self) -> str:
        self.server = await serve(
            self.handler, "127.0.0.1", 0, subprotocols=[f"bearer.{self.token}"]
        )
        port = self.server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()

    def add_job(self, job_id: int, payload: bytes, kind: str = "kot") -> dict:
        event = {
            "type": "print.job",
            "stream": "printer.1",
            "seq": len(self.events) + 1,
            "at": "2026-03-14T19:42:00+05:30",
            "data": {
                "job_id": job_id,
                "kind": kind,
                "reprint": 0,
                "payload_b64": base64.b64encode(payload).decode(),
            },
        }
        self.events.append(event)
        return event

    async def push_job(self, job_id: int, payload: bytes) -> None:
        event = self.add_job(job_id, payload)
        for ws in list(self.live):
            await ws.send(json.dumps(event))

    async def handler(self, ws) -> None:
        self.connections += 1
        assert ws.subprotocol == f"bearer.{self.token}"
        assert urlparse(ws.request.path).path == "/ws/v1/printers/1/"
        query = parse_qs(urlparse(ws.request.path).query)
        since = int(query["since"][0]) if "since" in query else None
        self.sinces.append(since)
        await ws.send(json.dumps({"type": "hello", "stream": "printer.1", "seq": len(self.events)}))
        if since is not None:
            for event in self.events[since:]:
                await ws.send(json.dumps(event))
        self.live.add(ws)
        try:
            async for raw in ws:
                message = json.loads(raw)
                assert message["type"] == "print.ack"
                self.acks.append(message)
                if self.drop_before_ack_reply:
                    self.drop_before_ack_reply -= 1
                    await ws.close()  # the ack is lost with the connection
                    return
                await ws.send(
                    json.dumps(
                        {
                            "type": "print.ack_ok",
                            "job_id": message["job_id"],
                            "status": message["status"],
                        }
                    )
                )
        finally:
            self.live.discard(ws)


async def wait_until(predicate, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


@pytest.fixture
async def hub():
    fake = FakeHub()
    url = await fake.start()
    fake.url = url
    yield fake
    await fake.stop()


async def start_agent(hub, tmp_path, output=None):
    agent = PrintAgent(
        hub=hub.url,
        printer_id=1,
        token=hub.token,
        output=output or f"file:{tmp_path / 'paper.bin'}",
        state_path=tmp_path / "state.json",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run_forever(stop=stop))
    return agent, stop, task


async def stop_agent(stop, task):
    stop.set()
    await asyncio.wait_for(task, timeout=5)


async def test_agent_prints_a_job_acks_it_and_remembers_the_seq(hub, tmp_path):
    agent, stop, task = await start_agent(hub, tmp_path)
    await wait_until(lambda: hub.live)
    await hub.push_job(7, b"\x1b@KOT-007\n")
    await wait_until(lambda: hub.acks)
    await wait_until(lambda: agent.state.last_seq == 1)
    await stop_agent(stop, task)
    assert (tmp_path / "paper.bin").read_bytes() == b"\x1b@KOT-007\n"
    assert hub.acks == [{"type": "print.ack", "job_id": 7, "status": "printed", "error": ""}]
    saved = json.loads((tmp_path / "state.json").read_text())
    assert saved == {"last_seq": 1, "printed": [7]}
    assert hub.sinces == [None]  # first run: from the live end


async def test_a_resent_job_is_acked_again_but_never_printed_twice(hub, tmp_path):
    agent, stop, task = await start_agent(hub, tmp_path)
    await wait_until(lambda: hub.live)
    await hub.push_job(7, b"ONE\n")
    await hub.push_job(7, b"ONE\n")  # the hub resent it (ack late)
    await wait_until(lambda: len(hub.acks) == 2)
    await wait_until(lambda: agent.state.last_seq == 2)
    await stop_agent(stop, task)
    assert (tmp_path / "paper.bin").read_bytes() == b"ONE\n"
    assert [a["status"] for a in hub.acks] == ["printed", "printed"]


async def test_a_lost_ack_is_replayed_after_reconnect_and_not_printed_again(hub, tmp_path):
    hub.add_job(1, b"OLD\n")  # before the agent's time: not printed
    hub.drop_before_ack_reply = 1
    agent, stop, task = await start_agent(hub, tmp_path)
    await wait_until(lambda: hub.live)
    await hub.push_job(8, b"KOT-008\n")
    # the connection dies with the ack unconfirmed; the agent reconnects from seq 1,
    # gets job 8 again, and acks it without printing
    await wait_until(lambda: hub.connections == 2 and len(hub.acks) == 2, timeout=8)
    await wait_until(lambda: agent.state.last_seq == 2)
    await stop_agent(stop, task)
    assert hub.sinces == [None, 1]
    assert (tmp_path / "paper.bin").read_bytes() == b"KOT-008\n"
    assert [a["job_id"] for a in hub.acks] == [8, 8]


async def test_a_restarted_agent_resumes_after_the_last_seq_it_finished(hub, tmp_path):
    AgentState(path=tmp_path / "state.json", last_seq=1, printed=[5]).save()
    hub.add_job(5, b"FIVE\n")
    hub.add_job(6, b"SIX\n")  # arrived while the agent was down
    agent, stop, task = await start_agent(hub, tmp_path)
    await wait_until(lambda: agent.state.last_seq == 2)
    await stop_agent(stop, task)
    assert hub.sinces == [1]
    assert (tmp_path / "paper.bin").read_bytes() == b"SIX\n"
    assert [a["job_id"] for a in hub.acks] == [6]


async def test_a_printer_that_is_off_gets_a_failed_ack_with_the_reason(hub, tmp_path):
    agent, stop, task = await start_agent(hub, tmp_path, output="network:127.0.0.1:9219")
    await wait_until(lambda: hub.live)
    await hub.push_job(9, b"X")
    await wait_until(lambda: hub.acks)
    await wait_until(lambda: agent.state.last_seq == 1)
    await stop_agent(stop, task)
    (ack,) = hub.acks
    assert ack["status"] == "failed" and "connection refused" in ack["error"]
    assert agent.state.printed == []  # a resend will print it


async def test_the_agent_keeps_retrying_while_the_hub_is_down(tmp_path):
    agent = PrintAgent(
        hub="ws://127.0.0.1:9218",
        printer_id=1,
        token="x",
        output="file:/dev/null",
        state_path=tmp_path / "s.json",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run_forever(stop=stop))
    await asyncio.sleep(0.3)
    assert not task.done()
    await stop_agent(stop, task)


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("network:10.0.0.9:9100", ("network", "10.0.0.9:9100")),
        ("10.0.0.9:9100", ("network", "10.0.0.9:9100")),
        ("tcp://printer.local:9100", ("network", "printer.local:9100")),
        ("file:/dev/usb/lp0", ("file", "/dev/usb/lp0")),
        ("/tmp/out.bin", ("file", "/tmp/out.bin")),
        ("usb:04b8:0202", ("usb", "04b8:0202")),
        ("serial:/dev/ttyUSB0@19200", ("serial", "/dev/ttyUSB0@19200")),
    ],
)
def test_parse_output(output, expected):
    assert parse_output(output) == expected


def test_state_file_survives_garbage(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json")
    state = AgentState.load(path)
    assert state.last_seq is None and state.printed == []
    state.last_seq = 4
    state.mark_printed(3)
    assert AgentState.load(path).printed == [3] and AgentState.load(path).last_seq == 4
