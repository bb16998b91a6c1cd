"""The print agent: runs on the restaurant's LAN, prints the jobs of one agent printer
(docs/printing.md "The print agent").

It holds `/ws/v1/printers/{id}/` open, prints each `print.job` event on a local
printer (network host:port, a file or device, USB, serial) and answers
`print.ack`. Its state file keeps two things across restarts:

- `last_seq`: the last event of the stream it has finished with (printed and
  acked, and the hub confirmed the ack). It reconnects with `?since=last_seq`,
  so a job whose ack never reached the hub is replayed;
- `printed`: the ids of jobs it has printed, so a replayed or resent job is
  acked again without printing twice.

The hub also resends a job whose ack it did not get in time (a new event with
the same job id), so nothing is lost even when the replay window was cut.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from .connections import PrinterUnavailable, deliver

log = logging.getLogger("printers.agent")

REMEMBER_PRINTED = 5000


def parse_output(output: str) -> tuple[str, str]:
    """`network:host:port`, `file:/path`, `usb:04b8:0202`, `serial:/dev/ttyUSB0[@baud]`;
    a bare `host:port` is a network printer, anything else a file path."""
    for kind in ("network", "file", "usb", "serial"):
        if output.startswith(kind + ":"):
            return kind, output[len(kind) + 1 :]
    if output.startswith("tcp://"):
        return "network", output[len("tcp://") :]
    host, sep, port = output.rpartition(":")
    if sep and host and port.isdigit() and "/" not in output:
        return "network", output
    return "file", output


@dataclass
class AgentState:
    path: Path
    last_seq: int | None = None
    printed: list[int] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> AgentState:
        try:
            data = json.loads(path.read_text())
            return cls(
                path=path,
                last_seq=data.get("last_seq"),
                printed=[int(j) for j in data.get("printed", [])],
            )
        except FileNotFoundError:
            return cls(path=path)
        except (ValueError, TypeError):
            log.warning("state file %s unreadable; starting from the live stream", path)
            return cls(path=path)

    def save(self) -> None:
        """Write atomically (temp file + rename) so a crash never leaves half a state."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"last_seq": self.last_seq, "printed": self.printed[-REMEMBER_PRINTED:]})
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".agent-state")
        with os.fdopen(fd, "w") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def was_printed(self, job_id: int) -> bool:
        return job_id in self.printed

    def mark_printed(self, job_id: int) -> None:
        self.printed.append(job_id)
        self.printed = self.printed[-REMEMBER_PRINTED:]
        self.save()  # before the ack: a crash after this never prints the job again


class PrintAgent:
    def __init__(
        self, *, hub: str, printer_id: int, token: str, output: str, state_path: str | Path
    ) -> None:
        self.hub = hub.rstrip("/")
        self.printer_id = printer_id
        self.token = token
        self.output_kind, self.output_address = parse_output(output)
        self.state = AgentState.load(Path(state_path))
        # (seq, job_id or None): events in order, waiting for the hub to confirm our ack
        self.pending: deque[list] = deque()
        self.acks_in_flight: deque[int] = deque()

    def url(self) -> str:
        query = {"since": self.state.last_seq} if self.state.last_seq is not None else {}
        path = f"{self.hub}/ws/v1/printers/{self.printer_id}/"
        return path + ("?" + urlencode(query) if query else "")

    async def run_forever(self, *, stop: asyncio.Event | None = None) -> None:
        delay = 1.0
        while not (stop and stop.is_set()):
            try:
                await self.run_connection(stop=stop)
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # hub down, network gone: wait and reconnect
                log.warning("connection to %s failed: %s; retrying in %.0fs", self.hub, exc, delay)
            if stop and stop.is_set():
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait() if stop else asyncio.sleep(delay), timeout=delay)
            delay = min(delay * 2, 30.0)

    async def run_connection(self, *, stop: asyncio.Event | None = None) -> None:
        """One connection: resume from the state, handle messages until it closes."""
        import websockets

        self.pending.clear()
        self.acks_in_flight.clear()
        async with websockets.connect(
            self.url(),
            subprotocols=[f"bearer.{self.token}"],
            open_timeout=10,
            ping_interval=20,
            ping_timeout=20,
            max_size=8 * 1024 * 1024,
        ) as ws:
            log.info(
                "connected to %s (printer %s, since %s)",
                self.hub,
                self.printer_id,
                self.state.last_seq,
            )
            while not (stop and stop.is_set()):
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                await self.handle(ws, json.loads(raw))

    async def handle(self, ws, message: dict) -> None:
        kind = message.get("type")
        if kind == "hello":
            if self.state.last_seq is None:  # first run: start with what comes next
                self.state.last_seq = int(message.get("seq") or 0)
                self.state.save()
        elif kind == "resync_required":
            # events before `seq` are gone from the hub; unacked jobs among them are
            # resent by the hub as new events, so carry on from here
            self._finish(int(message["seq"]))
        elif kind == "print.job":
            await self.print_job(ws, message)
        elif kind in ("print.ack_ok", "error") and self.acks_in_flight:
            job_id = self.acks_in_flight.popleft()
            if kind == "error":
                log.warning("hub refused the ack of job %s: %s", job_id, message.get("message"))
            self._confirm(job_id)
        elif "seq" in message and isinstance(message.get("seq"), int):
            self.pending.append([message["seq"], None])  # another event type: nothing to do
            self._advance()

    async def print_job(self, ws, message: dict) -> None:
        data = message.get("data") or {}
        job_id = int(data["job_id"])
        self.pending.append([message["seq"], job_id])
        status, error = "printed", ""
        if self.state.was_printed(job_id):
            log.info("job %s already printed; acking again", job_id)
        else:
            try:
                payload = base64.b64decode(data["payload_b64"])
                await asyncio.to_thread(deliver, self.output_kind, self.output_address, payload)
                self.state.mark_printed(job_id)
                log.info("job %s (%s) printed", job_id, data.get("kind"))
            except (PrinterUnavailable, ValueError, KeyError) as exc:
                status, error = "failed", str(exc)[:300]
                log.warning("job %s failed: %s", job_id, error)
        self.acks_in_flight.append(job_id)
        await ws.send(
            json.dumps({"type": "print.ack", "job_id": job_id, "status": status, "error": error})
        )

    def _confirm(self, job_id: int) -> None:
        for entry in self.pending:
            if entry[1] == job_id:
                entry[1] = None
                break
        self._advance()

    def _advance(self) -> None:
        """Move last_seq over the events that are done, in order, and save it."""
        moved = False
        while self.pending and self.pending[0][1] is None:
            seq = self.pending.popleft()[0]
            if self.state.last_seq is None or seq > self.state.last_seq:
                self.state.last_seq = seq
                moved = True
        if moved:
            self.state.save()

    def _finish(self, seq: int) -> None:
        self.pending.clear()
        self.acks_in_flight.clear()
        self.state.last_seq = seq
        self.state.save()
