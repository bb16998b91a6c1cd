"""The production topology on loopback (docs/operations.md "Deploy kit", issue 22):
Debian's nginx (installed by .ci/nginx) with the kit's proxy settings in front of two
daphne workers and a hub_worker, PostgreSQL and Redis. REST and WebSockets go through
nginx only. One worker is SIGKILLed mid-service, then the workers are replaced one at a
time (a rolling restart: a new one joins, nginx reloads, the old one gets SIGTERM).
POS clients retry unanswered writes with the same Idempotency-Key; screens reconnect
through nginx with ?since=. Then: no request failed in the end, each order exists once,
every screen saw every event exactly once."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from tests.liveserver import ROOT, free_port, server_env

from .conftest import ResumingScreen, call, stream_seqs, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ORDERS = 36
RETRY_STATUSES = {502, 503, 504}


class Nginx:
    """nginx -p <dir> with deploy/nginx/hub.conf's proxy block and our upstreams."""

    def __init__(self, directory: Path):
        self.dir = directory
        (directory / "logs").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def write(self, ports: list[int]) -> None:
        kit = (ROOT / "deploy" / "nginx" / "hub.conf").read_text()
        servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n" for p in ports)
        start = kit.index("upstream hub_workers {")
        end = kit.index("}", start) + 1
        conf = (
            kit[:start] + "upstream hub_workers {\n" + servers + "    keepalive 32;\n}" + kit[end:]
        )
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        conf = conf.replace("/var/log/nginx/hub.access.log", str(self.dir / "logs/access.log"))
        temp = " ".join(
            f"{k}_temp_path {self.dir / k};"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"pid {self.dir / 'nginx.pid'};\nerror_log {self.dir / 'logs/error.log'};\n"
            f"events {{}}\nhttp {{\n{temp}\n{conf}\n}}\n"
        )

    def start(self, ports: list[int]) -> None:
        self.write(ports)
        args = [NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([*args, "-g", "daemon off;"])

    def reload(self, ports: list[int]) -> None:
        self.write(ports)
        subprocess.run(
            [NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-s", "reload"],
            check=True,
        )
        time.sleep(0.5)  # new workers take over; old ones finish their requests

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


async def test_nginx_two_workers_kill_and_rolling_restart_lose_nothing(
    async_db_released, hubs, settings, tmp_path
):
    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it there")
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (.ci/nginx installs Debian's)")
    started = time.monotonic()
    env = {
        "REDIS_URL": settings.REDIS_URL,
        "HUB_CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] + "-lb",
        "HUB_TRUSTED_PROXIES": "127.0.0.1",
    }
    a, b = await sync_to_async(hubs)(**env), await sync_to_async(hubs)(**env)
    worker_log = open(tmp_path / "hub_worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "hub_worker"],
        cwd=ROOT, env=server_env(**env), stdout=worker_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    lb = Nginx(tmp_path / "nginx")
    lb.start([a.port, b.port])
    try:
        token = await sync_to_async(token_for)("cashier")
        for _ in range(50):
            try:
                if call(lb.http, "GET", "/readyz").status == 200:
                    break
            except OSError:
                pass
            await asyncio.sleep(0.1)
        path = f"/ws/v1/orders/?token={token}"
        screens = [ResumingScreen([lb.ws + path]) for _ in range(3)]
        for screen in screens:
            screen.begin()
            await screen.connected_once()

        tag = uuid.uuid4().hex[:8]
        answered: dict[int, int] = {}
        retries = 0
        request_ids: set[str] = set()
        gate = asyncio.Semaphore(4)

        async def place(i: int) -> None:
            nonlocal retries
            key = str(uuid.uuid4())
            body = {
                "order_type_id": 2,
                "items": [{"menu_item_id": 15, "quantity": 1}],
                "notes": f"{tag}-{i}",
            }
            async with gate:
                for _attempt in range(40):
                    try:
                        reply = await asyncio.to_thread(
                            call, lb.http, "POST", "/api/v1/pos/orders", token=token, body=body,
                            headers={"Idempotency-Key": key}, timeout=15,
                        )  # fmt: skip
                    except OSError:
                        retries += 1
                        await asyncio.sleep(0.3)
                        continue
                    if reply.status in RETRY_STATUSES or (
                        reply.status == 409
                        and reply.body["error"]["code"] == "idempotency_in_progress"
                    ):
                        retries += 1
                        await asyncio.sleep(0.3)
                        continue
                    assert reply.status == 201, (i, reply)
                    request_ids.add(reply.headers.get("X-Request-Id", ""))
                    answered[i] = reply.body["data"]["id"]
                    return
                raise AssertionError(f"order {i} never answered")

        async def faults() -> None:
            while len(answered) < 8:
                await asyncio.sleep(0.05)
            await asyncio.to_thread(a.kill)  # mid-service, requests in flight
            while len(answered) < 16:
                await asyncio.sleep(0.05)
            # rolling restart: c joins, b leaves (SIGTERM), d joins, c leaves
            c = await sync_to_async(hubs)(**env)
            await asyncio.to_thread(lb.reload, [b.port, c.port])
            await asyncio.to_thread(b.stop)
            while len(answered) < 26:
                await asyncio.sleep(0.05)
            d = await sync_to_async(hubs)(**env)
            await asyncio.to_thread(lb.reload, [c.port, d.port])
            await asyncio.to_thread(c.stop)

        async with asyncio.timeout(120):
            await asyncio.gather(faults(), *(place(i) for i in range(ORDERS)))

        from hub.models import Order

        rows = await sync_to_async(
            lambda: list(Order.objects.filter(notes__startswith=tag).values_list("notes", "id"))
        )()
        assert len(answered) == ORDERS
        assert sorted(rows) == sorted((f"{tag}-{i}", oid) for i, oid in answered.items())
        seqs = await sync_to_async(stream_seqs)("orders.1")
        assert seqs == list(range(1, len(seqs) + 1))
        final = seqs[-1]
        lost = doubled = 0
        for screen in screens:
            assert await screen.caught_up(final, timeout=20), (screen.last, final)
        await asyncio.sleep(0.5)
        for screen in screens:
            await screen.stop()
            expected = screen.expected(final)
            lost += len(set(expected) - set(screen.seqs))
            doubled += len(screen.seqs) - len(set(screen.seqs))
            assert screen.oddities == []
        figures = {
            "requests": ORDERS,
            "retries": retries,
            "events": len(expected) * len(screens),
            "lost": lost,
            "doubled": doubled,
            "reconnects": sum(s.connections - 1 for s in screens),
            "seconds": round(time.monotonic() - started, 1),
        }
        print("nginx topology:", json.dumps(figures))
        assert lost == 0 and doubled == 0
        # every worker a screen started on is gone by now: each one resumed at least once
        assert all(s.connections >= 2 for s in screens), [s.connections for s in screens]
        # nginx's $request_id (in its access log) is the id the hub answered with
        access = (lb.dir / "logs" / "access.log").read_text()
        assert len(request_ids) == ORDERS and all(f"rid={rid}" in access for rid in request_ids)
        assert worker.poll() is None, (tmp_path / "hub_worker.log").read_text()[-2000:]
    finally:
        lb.stop()
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
