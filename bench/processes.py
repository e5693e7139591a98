"""Starting the product's processes for a run outside `make run` (the load test, the
end-to-end and fault tests): a free port, a process in a group of its own (so that a test can
kill -9 it with every child), and waiting until a server says it is ready."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_group(
    command: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path
) -> subprocess.Popen:
    """`command` as the leader of a new process group (its workers join it), output to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Sends `sig` to the group `process` leads (started by start_group) and reaps it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def child_pids(pid: int) -> list[int]:
    """The live children of `pid` (Linux /proc; no psutil in either environment)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def wait_healthy(
    url: str,
    processes: Sequence[subprocess.Popen],
    logs: list[Path],
    seconds: float,
    *,
    path: str = "/health",
) -> None:
    """Until `url` + `path` answers 200. RuntimeError, with the logs' tails, when a process
    exits first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                raise RuntimeError(f"{log.name} exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}{path}", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    raise RuntimeError(f"the stack did not become healthy in {seconds}s\n{tails}")
