"""Servers under test, each a uvicorn subprocess on a free loopback port."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serve(
    args: list[str],
    env: dict[str, str],
    ready_path: str,
    method: str = "GET",
    *,
    start_seconds: float = 60,
) -> AsyncIterator[str]:
    """Start ``args`` (given ``{port}``), wait until ``ready_path`` answers, yield its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 - started here, stopped in finally
        [a.format(port=port) for a in args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(int(start_seconds / 0.05)):
                if process.poll() is not None:
                    err = process.stderr.read() if process.stderr else ""
                    raise RuntimeError(f"{args} exited: {err}")
                try:
                    response = await http.request(method, url + ready_path)
                    if response.status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError(f"{args} did not start")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def graphql_server_args() -> list[str]:
    return [sys.executable, "-m", "api.cli", "serve", "--port", "{port}", "--log-level", "warning"]


POSTGRAPHILE = ROOT / "bench" / "postgraphile"


def postgraphile_server_args() -> list[str]:
    """PostGraphile 5 on the project's own Node 22 (``bench/postgraphile``), installed
    from its lock file on first use."""
    node = POSTGRAPHILE / "node_modules" / ".bin" / "node"
    if not node.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=POSTGRAPHILE, check=True)
    return [str(node), str(POSTGRAPHILE / "server.mjs"), "{port}"]


def handwritten_server_args() -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "bench.handwritten:app",
        "--port", "{port}", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
