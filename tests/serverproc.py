"""Start Atelier as a real server process (gevent, as in production) for end-to-end tests,
and how to start the machine's headless Chromium (tests, bench/ and scripts/ share it)."""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Debian's Chromium (a test tool's own browser download cannot work here), and its flags
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """A free port on 127.0.0.1: within ATELIER_TEST_PORTS ("5500-5599") when it is set."""
    span = os.environ.get("ATELIER_TEST_PORTS")
    if not span:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    low, high = (int(p) for p in span.split("-"))
    for port in random.sample(range(low, high + 1), high - low + 1):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {span}")


class ServerProcess:
    """`python run.py` on 127.0.0.1 with its own database; stopped by its own PID only."""

    def __init__(self, database_url: str, port: int | None = None, env: dict | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "PUBLIC_URL": self.url,
            "SECRET_KEY": "e2e-secret",
            "ATELIER_HOST_KEY": "e2e-host-key",
            "ATELIER_ASYNC_MODE": "gevent",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def start(self, log_path: Path, *args: str, timeout: float = 20) -> "ServerProcess":
        self.log_path = log_path
        log = open(log_path, "ab")  # noqa: SIM115 - handed to the child for its lifetime
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "run.py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *args,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer in {timeout}s: {log_path.read_text()[-2000:]}")

    def restart(self, *args: str, timeout: float = 20) -> "ServerProcess":
        """Start again on the same port, with the same database and log."""
        assert self.log_path is not None
        return self.start(self.log_path, *args, timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no chance to flush or say goodbye."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running_server(tmp_path: Path, *args: str, database_url: str | None = None, env=None):
    server = ServerProcess(database_url or f"sqlite:///{tmp_path / 'server.sqlite3'}", env=env)
    server.start(tmp_path / "server.log", *args)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def running_servers(tmp_path: Path, database_url: str, env: dict):
    """Two processes on one database (logs server-a.log, server-b.log), started one after the
    other (the first creates the tables), stopped by their own PIDs; then their logs must be
    clean (`assert_clean_log`)."""
    servers = []
    try:
        for name in ("a", "b"):
            server = ServerProcess(database_url, env=env)
            server.start(tmp_path / f"server-{name}.log")
            servers.append(server)
        yield servers
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert_clean_log(server.log_path)


def assert_clean_log(path: Path) -> None:
    """Fail with a short report when the log holds a Traceback or a yield inside a transaction
    (never the whole log: pytest
    would print all of it after the mark, and a CI tail would cut the reason off)."""
    import pytest

    from workshop.db import YIELD_MARK  # ATELIER_WATCH_YIELDS=1: a yield holding the lock

    log = path.read_text(errors="replace")
    for mark in ("Traceback", YIELD_MARK):
        if mark in log:
            pytest.fail(log_trouble(log, mark), pytrace=False)


def log_trouble(log: str, mark: str) -> str:
    """What went wrong in a server's log, short enough to read at the end of a CI run.

    Named first and last (a Traceback's exception, or the yield's innermost frame), with the
    lines just before it and the 70 after it.
    """
    lines = log.splitlines()
    at = next(i for i, line in enumerate(lines) if mark in line)
    after = lines[at : at + 70]
    if mark == "Traceback":  # its exception: the first line not indented after it
        said = next((line for line in after[1:] if line and not line[0].isspace()), after[0])
    else:  # the innermost frame of the stack (it ends at a blank line)
        stack = after[1 : after.index("") if "" in after else None]
        said = next((line.strip() for line in reversed(stack) if "File" in line), "")
    name = f"the server's log holds {mark!r}: {said}"
    return "\n".join([name, *lines[max(0, at - 8) : at], *after, name])
