"""Start and stop hub processes for benchmarks and fault tests (loopback only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def prepare_database(env: dict) -> None:
    """Fresh PostgreSQL database (or SQLite file) with the demo loaded."""
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        var = Path(env.get("HUB_VAR_DIR", ROOT / "var" / "bench"))
        for suffix in ("", "-wal", "-shm"):
            (var / f"hub.sqlite3{suffix}").unlink(missing_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")


def start_server(env: dict, port: int, *, server: str = "daphne") -> subprocess.Popen:
    if server == "daphne":
        cmd = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "hub.asgi:application",
        ]
    elif server == "uvicorn":
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "hub.asgi:application",
        ]
    else:
        raise ValueError(server)
    # The server's log goes to a file: a pipe nobody reads would fill up and block it.
    log_path = Path(env.get("HUB_VAR_DIR", ROOT / "var" / "bench")) / f"{server}-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
    except TimeoutError:
        process.kill()
        raise RuntimeError(log_path.read_text()[-2000:]) from None
    process.log_path = log_path
    return process


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def bench_env(*, database_url: str | None, redis_url: str | None, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["HUB_CHANNEL_PREFIX"] = "bench"
    env["HUB_VAR_DIR"] = str(var_dir)
    env["HUB_BENCH_FLOOR"] = "1"
    env["HUB_LOG_LEVEL"] = "WARNING"
    var_dir.mkdir(parents=True, exist_ok=True)
    return env
