"""Load generator: simulated phones and a big screen over real Socket.IO websockets.

It starts Atelier (`run.py`, one or more processes) or targets one already running on this
machine, creates a workshop through the API, joins N participants, connects them and a big
screen, drives a scenario and prints the figures; `--json FILE` also writes them.

    python bench/loadgen.py connect    --phones 2000 --hold 10
    python bench/loadgen.py burst      --phones 1000
    python bench/loadgen.py steady     --phones 1000 --rate 300 --duration 60
    python bench/loadgen.py join-storm --phones 1000 --spread 10
    python bench/loadgen.py groups     --tables 10 --per-table 100

Loopback only, bounded in count and time (`--timeout`). See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
#: the server's default BROADCAST_WINDOW (workshop/config.py): the load generator measures it
DEFAULT_WINDOW = 0.1
PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")  # venv not on PATH
VERSION = re.compile(r'"version":\s*(\d+)')
GROUPS = [
    "Gouvernement",
    "Employeurs",
    "Travailleurs",
    "Agences publiques",
    "Partenaires",
    "Société civile",
]  # noqa: E501


# -- a minimal Socket.IO 5 / Engine.IO 4 client --------------------------------------------------


class Refused(Exception):
    """The server answered the Socket.IO connection with connect_error."""


class Client:
    """One websocket speaking Engine.IO 4 / Socket.IO 5 on the default namespace.

    A phone receives a snapshot every window: this client only looks for `"version"` in the
    raw text (what a phone's drop-stale rule needs) unless `parse` is set, so the load
    generator is not what limits the figures.
    """

    _ack_ids = itertools.count(1)
    #: permessage-deflate offered with this window (bits), as a browser does; 0: not offered
    compress = 15

    def __init__(self, session: aiohttp.ClientSession, base: str, auth: dict, parse=False):
        self.session, self.base, self.auth, self.parse = session, base, auth, parse
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.connected: asyncio.Future | None = None
        self.results: list[tuple[float, int]] = []  # (arrival, version), versions going up
        self.parsed_results: list[tuple[float, dict]] = []
        self.states = 0
        self.messages = 0
        self.reader: asyncio.Task | None = None

    async def connect(self, timeout: float) -> float:
        """Open the websocket and the namespace; return the seconds it took."""
        start = time.monotonic()
        url = self.base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await self.session.ws_connect(
            url,
            autoping=False,
            max_msg_size=0,
            compress=self.compress,
            timeout=aiohttp.ClientWSTimeout(ws_close=timeout),
        )
        self.connected = asyncio.get_running_loop().create_future()
        self.reader = asyncio.create_task(self._read())
        await self.ws.send_str("40" + json.dumps(self.auth))
        await asyncio.wait_for(asyncio.shield(self.connected), timeout)
        return time.monotonic() - start

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                self._handle(msg.data, time.monotonic())
        except (aiohttp.ClientError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if self.connected and not self.connected.done():
                self.connected.set_exception(ConnectionError("closed before connecting"))
            for fut in self.acks.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("closed"))

    def _handle(self, data: str, at: float) -> None:
        kind = data[0]
        if kind == "2":  # Engine.IO ping
            asyncio.get_running_loop().create_task(self.ws.send_str("3"))
            return
        if kind != "4":
            return  # "0" open packet, "6" noop
        sio = data[1]
        self.messages += 1
        if sio == "2":  # event: 42["name",{...}]
            name = data[4 : data.index('"', 4)]
            if name == "results":
                if self.parse is True:
                    self.parsed_results.append((at, json.loads(data[2:])[1]))
                else:
                    match = VERSION.search(data, len(data) - 40 if len(data) > 40 else 0)
                    match = match or VERSION.search(data)
                    version = int(match.group(1))
                    if not self.results or version > self.results[-1][1]:
                        self.results.append((at, version))
            elif name == "workshop_state":
                self.states += 1
                if self.parse == "table":  # a table screen: its group's snapshot
                    self.parsed_results.append((at, json.loads(data[2:])[1]))
        elif sio == "3":  # ack: 43<id>[{...}]
            end = data.index("[", 2)
            fut = self.acks.pop(int(data[2:end]), None)
            if fut is not None and not fut.done():
                fut.set_result((at, json.loads(data[end:])[0]))
        elif sio == "0":
            if not self.connected.done():
                self.connected.set_result(True)
        elif sio == "4" and not self.connected.done():
            self.connected.set_exception(Refused(data[2:]))

    async def call(self, event: str, payload: dict, timeout: float) -> tuple[float, float, dict]:
        """Emit with an acknowledgement; return (sent at, acked at, ack)."""
        ack_id = next(self._ack_ids)
        fut = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = fut
        sent = time.monotonic()
        await self.ws.send_str(f"42{ack_id}" + json.dumps([event, payload]))
        acked, ack = await asyncio.wait_for(fut, timeout)
        return sent, acked, ack

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            with contextlib.suppress(Exception):
                await self.ws.send_str("41")
                await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


class ScreenWatcher:
    """The big screen, in a process of its own.

    A big screen is another device: its snapshots must not wait behind the thousand
    simulated phones' messages in this process's event loop (they arrive together, every
    phones window), or the figure would measure the load generator. The child stamps each
    `results` on arrival (CLOCK_MONOTONIC, the same clock in every process of the machine)
    and writes one line per snapshot: arrival, version, total.
    """

    def __init__(self, base: str, auth: dict, kind: str = "screen"):
        self.base, self.auth, self.kind = base, auth, kind
        #: (arrival, version, total, pre-vote total): a big screen's `results` (the plenary's
        #: votes and every table's pre-votes); a table screen's (kind "table") group snapshot,
        #: its version and its pre-vote total in both places
        self.seen: list[tuple[float, int, int, int]] = []
        self.proc = None
        self.reader = None

    async def connect(self, timeout: float) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "_screen", self.base, json.dumps(self.auth), str(timeout),
            str(Client.compress), self.kind,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout + 5)
        if line.strip() != b"connected":
            raise ConnectionError(f"big screen did not connect: {line!r}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for line in self.proc.stdout:
            at, version, total, prevotes = line.split()
            self.seen.append((float(at), int(version), int(total), int(prevotes)))

    async def close(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 15)
        except TimeoutError:
            self.proc.kill()
        if self.reader is not None:
            await self.reader


def _prevote_total(tables: list[dict]) -> int:
    return int(sum(a["total"] for t in tables for a in (t.get("activities") or [])))


def snapshot_line(kind: str, at: float, snapshot: dict) -> str:
    """What a screen child reports of one snapshot: arrival, version, total, pre-vote total."""
    if kind == "table":  # a table screen's group snapshot: its pre-vote only
        group = snapshot.get("working_group") or {}
        total = int(sum(a["total"] for a in group.get("prevote") or []))
        return f"{at} {snapshot['version']} {total} {total}\n"
    total = sum(a["total"] for a in snapshot["activities"])
    return f"{at} {snapshot['version']} {total} {_prevote_total(snapshot.get('prevotes') or [])}\n"


async def watch_screen(base: str, auth: dict, timeout: float, kind: str = "screen") -> None:
    """The child of ScreenWatcher: connect as a big screen (or a table screen), report
    snapshots until stdin ends."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    async with aiohttp.ClientSession() as http:
        screen = Client(http, base, auth, parse="table" if kind == "table" else True)
        await screen.connect(timeout)
        print("connected", flush=True)
        done = 0
        while True:
            lines = [snapshot_line(kind, at, r) for at, r in screen.parsed_results[done:]]
            done += len(lines)
            if lines:
                sys.stdout.write("".join(lines))
                sys.stdout.flush()
            try:
                if not await asyncio.wait_for(stdin.read(1), 0.02):
                    break  # the parent closed our stdin: the run is over
            except TimeoutError:
                pass
        await screen.close()


# -- servers ------------------------------------------------------------------------------------


def loopback_only(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"refused: {url} is not a loopback address (this tool only sends to this machine)")
    return url.rstrip("/")


class Servers:
    """`run.py` processes started for the run (stopped by their own PID), or a given URL."""

    def __init__(self, args: argparse.Namespace, workdir: Path):
        self.args, self.workdir = args, workdir
        self.procs: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.pids: list[int] = []

    def start(self) -> None:
        args = self.args
        if args.url:
            self.urls = [loopback_only(u) for u in args.url]
            self.pids = list(args.server_pid or [])
            return
        database = args.database_url or f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        if database.startswith("postgresql"):  # a schema of its own, dropped at the end
            database = self.fresh_schema(database)
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "SECRET_KEY": "bench-secret",
            "ATELIER_HOST_KEY": "bench-host-key",
            "ATELIER_ASYNC_MODE": args.async_mode,
            "ATELIER_MAX_PARTICIPANTS": str(max(args.phones + 10, 2000)),
            "ATELIER_BROADCAST_WINDOW": str(args.window),
            # every simulated phone comes from 127.0.0.1: a room's phones have addresses of
            # their own, so the per-address join limit is off here (per-phone limits stay on)
            "ATELIER_RATE_JOIN_ADDRESS": "off",
            "ATELIER_RATE_PROPOSE_ADDRESS": "off",
        }
        if args.processes > 1 or args.redis_url:
            env["REDIS_URL"] = args.redis_url or "redis://127.0.0.1:6379/0"
            self.channel = f"atelier-bench-{uuid.uuid4().hex[:12]}"
            env["ATELIER_REDIS_CHANNEL"] = self.channel
        for i in range(args.processes):
            port = args.port + i
            url = f"http://127.0.0.1:{port}"
            log = open(self.workdir / f"server{i}.log", "ab")  # noqa: SIM115 - child's stdout
            if args.server == "gunicorn":
                cmd = [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "wsgi:app",
                ]
                env["ATELIER_BIND"] = f"127.0.0.1:{port}"
            else:
                cmd = [sys.executable, "run.py", "--host", "127.0.0.1", "--port", str(port)]
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env={**env, "PUBLIC_URL": url}, stdout=log, stderr=subprocess.STDOUT
            )
            self.procs.append(proc)
            self.urls.append(url)
            self.pids.append(proc.pid)
            self.wait_until_up(url, proc)  # one after the other: the first creates the tables

    def fresh_schema(self, url: str) -> str:
        from sqlalchemy import create_engine, text

        schema = "bench_" + uuid.uuid4().hex[:12]
        self.admin = create_engine(url)
        with self.admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        self.schema = schema
        extra = "".join(f"%20-c{o.replace('=', '%3D')}" for o in self.args.pg_setting or [])
        return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}{extra}"

    def wait_until_up(self, url: str, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = "".join(p.read_text()[-1500:] for p in self.workdir.glob("server*.log"))
                self.stop()
                sys.exit(f"server {url} did not start:\n{log}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        channel = getattr(self, "channel", None)
        if channel:  # the keys of this run only: never a flush
            import redis

            client = redis.Redis.from_url(self.args.redis_url or "redis://127.0.0.1:6379/0")
            for key in client.scan_iter(match=f"{channel}:*"):
                client.delete(key)
            client.close()
            self.channel = None
        if getattr(self, "schema", None):
            from sqlalchemy import text

            with self.admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))
            self.admin.dispose()
            self.schema = None

    def sample(self) -> dict:
        """CPU seconds and RSS of the server processes (when their PIDs are known)."""
        cpu = rss = 0.0
        for pid in self.pids:
            try:
                parent = psutil.Process(pid)
                for p in [parent, *parent.children(recursive=True)]:  # gunicorn: its worker
                    times = p.cpu_times()
                    cpu += times.user + times.system
                    rss += p.memory_info().rss
            except psutil.Error:
                pass
        return {"cpu_s": cpu, "rss_bytes": rss}


# -- the run ------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary_ms(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": _ms(pct(values, 50)),
        "p95_ms": _ms(pct(values, 95)),
        "p99_ms": _ms(pct(values, 99)),
        "max_ms": _ms(max(values) if values else None),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


class Run:
    def __init__(self, args: argparse.Namespace, servers: Servers):
        self.args, self.servers = args, servers
        self.report: dict = {"scenario": args.scenario, "errors": []}
        self.load: list[float] = []
        self.rng = random.Random(args.seed)

    # HTTP over the first server
    async def api(
        self, method: str, path: str, body=None, token=None, base=None
    ) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = (base or self.servers.urls[0]) + path
        async with self.http.request(method, url, json=body, headers=headers) as response:
            return response.status, await response.json(content_type=None)

    def profile_start(self) -> None:
        """Record the server with py-spy during the scenario itself (not the setup)."""
        self.profiler = None
        if self.args.py_spy and self.servers.pids:
            self.profiler = subprocess.Popen(
                [PY_SPY, "record", "-p", str(self.servers.pids[0]), "-s", "-f", "raw",
                 "-r", "200", "-o", self.args.py_spy,
                 *(["--idle"] if self.args.py_spy_idle else [])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip

    def profile_stop(self) -> None:
        if getattr(self, "profiler", None) is not None:
            self.profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            self.profiler.wait(30)

    async def loop_lag(self, lags: list[float]) -> None:
        """How late this process's event loop wakes up: the delay its own work adds to every
        acknowledgement and phone message it timestamps."""
        while True:
            start = time.monotonic()
            await asyncio.sleep(0.01)
            lags.append(time.monotonic() - start - 0.01)

    async def sample_load(self) -> None:
        while True:
            self.load.append(os.getloadavg()[0])
            await asyncio.sleep(1)

    async def setup_workshop(self) -> None:
        args = self.args
        status, w = await self.api(
            "POST",
            "/api/workshops",
            {
                "title": "Banc d'essai",
                "groups": GROUPS[: args.groups],
                "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
                "live_results": True,
            },
        )
        assert status == 201, w
        self.code, self.token = w["code"], w["facilitator_token"]
        self.screen_key = w["screen_url"].rsplit("/", 1)[1]
        self.activities = []
        for i in range(args.activities):
            status, a = await self.api(
                "POST",
                f"/api/workshops/{self.code}/activities",
                {"title": f"Activité {i + 1}: former et accompagner"},
                self.token,
            )
            assert status == 201, a
            self.activities.append(a["activity_id"])
        await self.phase("voting")

    async def phase(self, phase: str) -> None:
        status, body = await self.api(
            "POST", f"/api/workshops/{self.code}/phase", {"phase": phase}, self.token
        )
        assert status == 200, body

    def server_for(self, i: int) -> str:
        return self.servers.urls[i % len(self.servers.urls)]

    async def join(self, i: int) -> tuple[int, float, str | None]:
        start = time.monotonic()
        try:
            status, body = await self.api(
                "POST",
                f"/api/workshops/{self.code}/participants",
                {"organisation": f"Organisation {i % 97}", "group": GROUPS[i % self.args.groups]},
                base=self.server_for(i),
            )
        except (TimeoutError, aiohttp.ClientError) as error:
            return 0, time.monotonic() - start, repr(error)
        return status, time.monotonic() - start, body.get("participant_token")

    async def join_all(self, n: int) -> list[str]:
        gate = asyncio.Semaphore(20)

        async def one(i):
            async with gate:
                status, _t, token = await self.join(i)
                assert status == 201, (status, token)
                return token

        return list(await asyncio.gather(*(one(i) for i in range(n))))

    async def connect_phone(self, i: int, token: str) -> tuple[Client, float]:
        phone = Client(self.http, self.server_for(i), {"participant_token": token})
        took = await phone.connect(self.args.op_timeout)
        return phone, took

    async def connect_all(self, tokens: list[str]) -> tuple[list[Client], list[float]]:
        gate = asyncio.Semaphore(self.args.connect_concurrency)

        async def one(i, token):
            async with gate:
                return await self.connect_phone(i, token)

        done = await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
        return [p for p, _ in done], [t for _, t in done]

    async def connect_screen(self) -> ScreenWatcher:
        screen = ScreenWatcher(
            self.servers.urls[-1],  # with several processes: not the one most phones share
            {"code": self.code, "screen_key": self.screen_key},
        )
        await screen.connect(self.args.op_timeout)
        return screen

    async def current_version(self) -> int:
        status, state = await self.api("GET", f"/api/workshops/{self.code}")
        assert status == 200, state
        return state["version"]

    async def settle(self) -> None:
        """Wait for the trailing snapshot of whatever happened before (joins bump the version)."""
        await asyncio.sleep(max(0.5, 3 * self.args.window))

    # -- scenarios ---------------------------------------------------------------------------

    async def prepare_room(self) -> tuple[list[Client], Client]:
        args = self.args
        t0 = time.monotonic()
        tokens = await self.join_all(args.phones)
        self.report["join_http_s"] = round(time.monotonic() - t0, 2)
        await asyncio.sleep(1)
        before = self.servers.sample()
        screen = await self.connect_screen()
        t0 = time.monotonic()
        phones, took = await self.connect_all(tokens)
        connect_wall = time.monotonic() - t0
        await self.settle()
        await asyncio.sleep(1)
        after = self.servers.sample()
        grown = after["rss_bytes"] - before["rss_bytes"]
        self.report["connect"] = {
            "phones": len(phones),
            "wall_s": round(connect_wall, 2),
            "per_phone": summary_ms(took),
            "server_rss_before_mb": round(before["rss_bytes"] / 2**20, 1),
            "server_rss_after_mb": round(after["rss_bytes"] / 2**20, 1),
            "rss_per_phone_kb": round(grown / len(phones) / 1024, 1) if self.servers.pids else None,
            "server_cpu_s": round(after["cpu_s"] - before["cpu_s"], 2),
        }
        return phones, screen

    async def scenario_connect(self) -> None:
        phones, screen = await self.prepare_room()
        await asyncio.sleep(self.args.hold)
        alive = sum(1 for p in phones if not p.ws.closed)
        sample = self.servers.sample()
        self.report["held"] = {
            "seconds": self.args.hold,
            "still_connected": alive,
            "server_rss_mb": round(sample["rss_bytes"] / 2**20, 1),
        }
        await self.close(phones + [screen])

    async def vote(self, phone: Client, activity: int, points: int) -> dict:
        payload = {"activity_id": activity, "points": points, "op_id": uuid.uuid4().hex}
        try:
            sent, acked, ack = await phone.call("cast_vote", payload, self.args.op_timeout)
        except (TimeoutError, ConnectionError) as error:
            return {"ok": False, "error": repr(error)}
        return {"ok": ack.get("ok") is True, "sent": sent, "acked": acked, "ack": ack}

    async def run_votes(self, phones: list[Client], screen: Client, schedule: list[tuple]) -> None:
        """schedule: (offset seconds, phone index, activity, points), sorted by offset."""
        v0 = await self.current_version()
        self.profile_start()
        cpu0 = self.servers.sample()["cpu_s"]
        own0 = time.process_time()
        lags: list[float] = []
        lag_task = asyncio.create_task(self.loop_lag(lags))
        start = time.monotonic()
        tasks = []
        for offset, i, activity, points in schedule:
            delay = start + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.vote(phones[i], activity, points)))
        sent_all = time.monotonic()
        outcomes = await asyncio.gather(*tasks)
        acked_all = time.monotonic()
        ok = [o for o in outcomes if o["ok"]]
        refused = [o for o in outcomes if not o["ok"]]
        last_sent = max(o["sent"] for o in ok) if ok else sent_all
        final = v0 + len(ok)
        # wait (bounded) for the final snapshot to reach the screen and the phones
        deadline = time.monotonic() + self.args.fanout_timeout
        while time.monotonic() < deadline:
            if all(p.results and p.results[-1][1] >= final for p in phones) and (
                screen.seen and screen.seen[-1][1] >= final
            ):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        lag_task.cancel()
        end = self.servers.sample()
        cpu1 = end["cpu_s"]
        own1, until = time.process_time(), time.monotonic()
        self.profile_stop()
        server_version = await self.current_version()

        # vote -> big screen: the k-th acknowledged vote is the k-th committed one (SQLite and
        # PostgreSQL commit them one by one, each bumping the version by 1), so it is in the
        # first screen snapshot whose version is at least v0 + k.
        screen_seen = []  # (time, version), versions going up
        for at, version, _total, _prevotes in screen.seen:
            if not screen_seen or version > screen_seen[-1][1]:
                screen_seen.append((at, version))
        to_screen, missing_on_screen = [], 0
        j = 0
        for k, o in enumerate(sorted(ok, key=lambda o: o["acked"]), start=1):
            while j < len(screen_seen) and screen_seen[j][1] < v0 + k:
                j += 1
            if j == len(screen_seen):
                missing_on_screen += 1
            else:
                to_screen.append(screen_seen[j][0] - o["sent"])
        fanout, behind = [], 0
        for p in phones:
            first = next((at for at, v in p.results if v >= final), None)
            if first is None:
                behind += 1
            else:
                fanout.append(first - last_sent)
        duration = sent_all - start
        self.report["votes"] = {
            "sent": len(outcomes),
            "acknowledged_ok": len(ok),
            "refused_or_lost": len(refused),
            "refusals": sorted({str(o.get("ack", o).get("error")) for o in refused})[:5],
            "send_window_s": round(duration, 2),
            "all_acked_after_s": round(acked_all - start, 2),
            "throughput_acked_per_s": round(len(ok) / max(acked_all - start, 1e-9), 1),
            "version_before": v0,
            "version_expected": final,
            "version_on_server": server_version,
            "ack": summary_ms([o["acked"] - o["sent"] for o in ok]),
            "vote_to_screen": {**summary_ms(to_screen), "never_seen": missing_on_screen},
            "screen_snapshots": len(screen.seen),
            "fanout_to_phones_after_last_vote": {
                **summary_ms(fanout),
                "phones_without_final": behind,
            },
            "server_cpu_s": round(cpu1 - cpu0, 2),
            "server_cpu_pct_of_one_core": round(100 * (cpu1 - cpu0) / (until - start)),
            # after the votes: what the connections hold once they have sent and received
            "server_rss_end_mb": round(end["rss_bytes"] / 2**20, 1),
            # the phones are simulated in one process: if this nears 100, it is what limits
            "loadgen_cpu_pct_of_one_core": round(100 * (own1 - own0) / (until - start)),
            # the phones' event loop waking late: added to their ack and fan-out figures
            # (not to vote_to_screen: the big screen has a process of its own)
            "loadgen_loop_lag": summary_ms(lags),
        }
        if screen.seen:
            self.report["votes"]["screen_final_total"] = screen.seen[-1][2]
        status, results = await self.api(
            "GET", f"/api/workshops/{self.code}/results", token=self.token
        )
        self.report["votes"]["server_final_total"] = sum(a["total"] for a in results["activities"])

    async def scenario_burst(self) -> None:
        phones, screen = await self.prepare_room()
        schedule = sorted(
            (self.rng.uniform(0, self.args.spread), i, self.activities[i % len(self.activities)], 1)
            for i in range(len(phones))
        )
        await self.run_votes(phones, screen, schedule)
        self.report["votes"]["expected_final_total"] = len(phones)
        await self.close(phones + [screen])

    async def scenario_steady(self) -> None:
        args = self.args
        phones, screen = await self.prepare_room()
        count = int(args.rate * args.duration)
        schedule = []
        for j in range(count):
            i = j % len(phones)
            points = 1 + (j // len(phones)) % 3  # 1, 2, 3, 1, ...: always within cap and budget
            schedule.append((j / args.rate, i, self.activities[i % len(self.activities)], points))
        await self.run_votes(phones, screen, schedule)
        await self.close(phones + [screen])

    async def scenario_join_storm(self) -> None:
        args = self.args
        screen = await self.connect_screen()
        self.profile_start()
        cpu0 = self.servers.sample()["cpu_s"]
        start = time.monotonic()

        async def one(i):
            await asyncio.sleep(self.rng.uniform(0, args.spread))
            status, took, token = await self.join(i)
            if status != 201:
                return {"joined": False, "status": status, "join": took}
            try:
                phone, connect = await self.connect_phone(i, token)
            except (TimeoutError, Refused, ConnectionError, aiohttp.ClientError) as error:
                return {"joined": True, "connected": False, "join": took, "error": repr(error)}
            return {
                "joined": True,
                "connected": True,
                "join": took,
                "connect": connect,
                "phone": phone,
            }

        outcomes = await asyncio.gather(*(one(i) for i in range(args.phones)))
        wall = time.monotonic() - start
        await self.settle()
        cpu1 = self.servers.sample()["cpu_s"]
        self.profile_stop()
        connected = [o for o in outcomes if o.get("connected")]
        status, state = await self.api("GET", f"/api/workshops/{self.code}")
        self.report["join_storm"] = {
            "phones": args.phones,
            "spread_s": args.spread,
            "wall_s": round(wall, 2),
            "joined": sum(1 for o in outcomes if o["joined"]),
            "connected": len(connected),
            "refused": sum(1 for o in outcomes if not o.get("connected")),
            "errors": sorted(
                {o.get("error") or str(o.get("status")) for o in outcomes if not o.get("connected")}
            )[:5],  # noqa: E501
            "join_http": summary_ms([o["join"] for o in outcomes if o["joined"]]),
            "socket_connect": summary_ms([o["connect"] for o in connected]),
            "participants_on_server": state.get("participants"),
            "screen_snapshots": len(screen.seen),
            "server_cpu_s": round(cpu1 - cpu0, 2),
        }
        await self.close([o["phone"] for o in connected] + [screen])

    # -- working groups (issue 14): tables pre-vote in parallel, then the plenary votes --------

    async def setup_groups_workshop(self) -> None:
        """A workshop with a track per table, its activities, and a working group per track."""
        args = self.args
        tracks = [f"Composante {t + 1}" for t in range(args.tables)]
        status, w = await self.api(
            "POST",
            "/api/workshops",
            {
                "title": "Banc d'essai : groupes de travail",
                "groups": GROUPS[: args.groups],
                "tracks": tracks,
                "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
                "live_results": True,
            },
        )
        assert status == 201, w
        self.code, self.token = w["code"], w["facilitator_token"]
        self.screen_key = w["screen_url"].rsplit("/", 1)[1]
        for t, track in enumerate(tracks):
            for j in range(args.table_activities):
                title = f"Table {t + 1}, activité {j + 1}: former et accompagner"
                status, a = await self.api(
                    "POST",
                    f"/api/workshops/{self.code}/activities",
                    {"title": title, "track": track},
                    self.token,
                )
                assert status == 201, a
        status, made = await self.api(
            "POST", f"/api/workshops/{self.code}/working-groups", {"from_tracks": True}, self.token
        )
        assert status == 201, made
        self.tables = made["working_groups"]
        status, state = await self.api("GET", f"/api/workshops/{self.code}", token=self.token)
        assert status == 200, state
        self.table_activities = {
            g["id"]: [a["id"] for a in state["activities"] if a.get("working_group_id") == g["id"]]
            for g in self.tables
        }
        assert all(self.table_activities.values()), self.table_activities
        await self.phase("proposing")

    async def seat_all(self, tokens: list[str]) -> list[int]:
        """Each phone chooses its table (PUT /me/working-group): phone i at table i mod T."""
        gate = asyncio.Semaphore(20)
        ids = [g["id"] for g in self.tables]

        async def one(i, token):
            async with gate:
                status, body = await self.api(
                    "PUT",
                    f"/api/workshops/{self.code}/me/working-group",
                    {"working_group_id": ids[i % len(ids)]},
                    token,
                    base=self.server_for(i),
                )
                assert status == 200, (status, body)
                return body["working_group_id"]

        return list(await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens))))

    async def prevote(self, phone: Client, activity: int) -> dict:
        payload = {"activity_id": activity, "points": 1, "op_id": uuid.uuid4().hex}
        try:
            sent, acked, ack = await phone.call("cast_prevote", payload, self.args.op_timeout)
        except (TimeoutError, ConnectionError) as error:
            return {"ok": False, "error": repr(error)}
        return {"ok": ack.get("ok") is True, "sent": sent, "acked": acked, "ack": ack}

    async def run_prevotes(
        self,
        phones: list[Client],
        seats: list[int],
        tables: dict[int, ScreenWatcher],
        screen: ScreenWatcher,
    ) -> None:
        """Every phone pre-votes once (1 dot) at its table within --spread, all tables at once.

        Pre-vote -> table screen: a table's total grows by 1 per pre-vote, so its k-th
        acknowledged pre-vote is in the first snapshot of its table screen whose pre-vote total
        is at least k (as the plenary's burst reads versions). Likewise for the plenary screen,
        which sees every table's pre-vote in `results.prevotes`.
        """
        args = self.args
        schedule = sorted(
            (
                self.rng.uniform(0, args.spread),
                i,
                self.table_activities[seats[i]][
                    (i // len(self.tables)) % len(self.table_activities[seats[i]])
                ],
            )
            for i in range(len(phones))
        )
        self.profile_start()
        cpu0 = self.servers.sample()["cpu_s"]
        start = time.monotonic()
        tasks = []
        for offset, i, activity in schedule:
            delay = start + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append((seats[i], asyncio.create_task(self.prevote(phones[i], activity))))
        outcomes = [(table, await task) for table, task in tasks]
        acked_all = time.monotonic()
        ok = [(table, o) for table, o in outcomes if o["ok"]]
        expected = {g["id"]: sum(1 for table, _o in ok if table == g["id"]) for g in self.tables}
        deadline = time.monotonic() + args.fanout_timeout
        while time.monotonic() < deadline:
            if all(
                watcher.seen and watcher.seen[-1][3] >= expected[table]
                for table, watcher in tables.items()
            ) and (screen.seen and screen.seen[-1][3] >= len(ok)):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        cpu1 = self.servers.sample()["cpu_s"]
        until = time.monotonic()
        self.profile_stop()

        def latencies(seen: list[tuple], acks: list[dict]) -> tuple[list[float], int]:
            out, missing, j = [], 0, 0
            best = []  # (time, total), totals going up
            for at, _version, _total, prevotes in seen:
                if not best or prevotes > best[-1][1]:
                    best.append((at, prevotes))
            for k, o in enumerate(sorted(acks, key=lambda o: o["acked"]), start=1):
                while j < len(best) and best[j][1] < k:
                    j += 1
                if j == len(best):
                    missing += 1
                else:
                    out.append(best[j][0] - o["sent"])
            return out, missing

        per_table, every = [], []
        for position, g in enumerate(self.tables, start=1):
            acks = [o for table, o in ok if table == g["id"]]
            lat, missing = latencies(tables[g["id"]].seen, acks)
            every += lat
            per_table.append(
                {
                    "table": position,
                    "prevotes_ok": len(acks),
                    "table_screen_total": tables[g["id"]].seen[-1][3]
                    if tables[g["id"]].seen
                    else None,
                    "snapshots": len(tables[g["id"]].seen),
                    "to_table_screen": {**summary_ms(lat), "never_seen": missing},
                }
            )
        to_plenary, missing_plenary = latencies(screen.seen, [o for _t, o in ok])
        p99s = [t["to_table_screen"]["p99_ms"] for t in per_table if t["to_table_screen"]["n"]]
        self.report["prevotes"] = {
            "sent": len(outcomes),
            "acknowledged_ok": len(ok),
            "refused_or_lost": len(outcomes) - len(ok),
            "refusals": sorted(
                {str(o.get("ack", o).get("error")) for _t, o in outcomes if not o["ok"]}
            )[:5],
            "all_acked_after_s": round(acked_all - start, 2),
            "throughput_acked_per_s": round(len(ok) / max(acked_all - start, 1e-9), 1),
            "ack": summary_ms([o["acked"] - o["sent"] for _t, o in ok]),
            "to_table_screens_all": summary_ms(every),
            "table_screen_p99_ms": {
                "min": min(p99s, default=None),
                "median": pct(p99s, 50),
                "max": max(p99s, default=None),
            },
            "to_plenary_screen": {**summary_ms(to_plenary), "never_seen": missing_plenary},
            "server_cpu_s": round(cpu1 - cpu0, 2),
            "server_cpu_pct_of_one_core": round(100 * (cpu1 - cpu0) / (until - start)),
            "tables": per_table,
        }

    async def scenario_groups(self) -> None:
        """10 tables of 100 phones pre-vote in parallel, the roll-up, then the plenary votes."""
        args = self.args
        t0 = time.monotonic()
        tokens = await self.join_all(args.phones)
        seats = await self.seat_all(tokens)
        self.report["join_and_seat_http_s"] = round(time.monotonic() - t0, 2)
        for g in self.tables:
            status, body = await self.api(
                "POST",
                f"/api/workshops/{self.code}/working-groups/{g['id']}/phase",
                {"phase": "prevote"},
                self.token,
            )
            assert status == 200, body
        screen = await self.connect_screen()
        tables = {}
        for g in self.tables:
            watcher = ScreenWatcher(
                self.servers.urls[-1],
                {"code": self.code, "table_key": g["screen_url"].rstrip("/").rsplit("/", 1)[1]},
                kind="table",
            )
            await watcher.connect(args.op_timeout)
            tables[g["id"]] = watcher
        t0 = time.monotonic()
        phones, took = await self.connect_all(tokens)
        self.report["connect"] = {
            "phones": len(phones),
            "tables": len(tables),
            "wall_s": round(time.monotonic() - t0, 2),
            "per_phone": summary_ms(took),
        }
        await self.settle()
        await asyncio.sleep(1)
        await self.run_prevotes(phones, seats, tables, screen)
        status, ballot = await self.api(
            "POST", f"/api/workshops/{self.code}/rollup", {"top_n": args.top_n}, self.token
        )
        assert status in (200, 201), ballot
        on_ballot = [e["activity_id"] for e in ballot["ballot"]]
        self.report["ballot"] = len(on_ballot)
        await self.phase("voting")
        await self.settle()
        await asyncio.sleep(1)
        schedule = sorted(
            (self.rng.uniform(0, args.spread), i, on_ballot[i % len(on_ballot)], 1)
            for i in range(len(phones))
        )
        await self.run_votes(phones, screen, schedule)
        self.report["votes"]["expected_final_total"] = len(phones)
        await self.close(phones)
        await asyncio.gather(*(w.close() for w in [screen, *tables.values()]))

    async def close(self, clients: list[Client]) -> None:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    async def main(self) -> None:
        args = self.args
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        timeout = aiohttp.ClientTimeout(total=args.op_timeout)
        sampler = asyncio.create_task(self.sample_load())
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as self.http:
            if args.scenario == "groups":
                await self.setup_groups_workshop()
            else:
                await self.setup_workshop()
            scenario = getattr(self, "scenario_" + args.scenario.replace("-", "_"))
            await asyncio.wait_for(scenario(), args.timeout)
        sampler.cancel()


def machine() -> dict:
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    start = time.process_time()
    sum(i * i for i in range(2_000_000))  # the same work on every machine: compare speeds
    return {
        "nproc": os.cpu_count(),
        "cpu_ms_for_2m_loop": round((time.process_time() - start) * 1000),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "commit": commit,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )  # noqa: E501
    parser.add_argument("scenario", choices=["connect", "burst", "steady", "join-storm", "groups"])
    parser.add_argument("--phones", type=int, default=1000, help="simulated phones (max 5000)")
    parser.add_argument("--rate", type=float, default=300, help="steady: votes per second")
    parser.add_argument("--duration", type=float, default=60, help="steady: seconds (max 300)")
    parser.add_argument("--spread", type=float, help="burst: 1 s; join-storm: 10 s")
    parser.add_argument("--hold", type=float, default=10, help="connect: seconds held")
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--activities", type=int, default=12)
    parser.add_argument("--tables", type=int, default=10, help="groups: working groups")
    parser.add_argument("--per-table", type=int, default=100, help="groups: phones per table")
    parser.add_argument(
        "--table-activities", type=int, default=3, help="groups: activities per table"
    )
    parser.add_argument("--top-n", type=int, default=2, help="groups: each table's roll-up")
    parser.add_argument("--url", action="append", help="target a running server (loopback only)")
    parser.add_argument("--server-pid", type=int, action="append", help="its PID, for CPU and RSS")
    parser.add_argument("--processes", type=int, default=1, help="run.py processes to start")
    parser.add_argument("--port", type=int, default=5400, help="first port of the started servers")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", help="default with --processes > 1: local Redis")
    parser.add_argument(
        "--pg-setting", action="append", help="a PostgreSQL setting for the servers' sessions, "
        "e.g. synchronous_commit=off",
    )  # fmt: skip
    parser.add_argument("--server", default="run.py", choices=["run.py", "gunicorn"])
    parser.add_argument("--async-mode", default="gevent", choices=["gevent", "threading"])
    parser.add_argument(
        "--window", type=float, default=DEFAULT_WINDOW, help="ATELIER_BROADCAST_WINDOW"
    )
    parser.add_argument(
        "--ws-compress",
        type=int,
        default=15,
        choices=[0, *range(9, 16)],
        help="permessage-deflate window bits the phones offer (browsers offer it); 0: none",
    )
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--op-timeout", type=float, default=30, help="seconds for one ack/connect")
    parser.add_argument("--fanout-timeout", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole scenario")
    parser.add_argument("--py-spy", metavar="FILE", help="profile the scenario into FILE (raw)")
    parser.add_argument("--py-spy-idle", action="store_true", help="py-spy: count idle too")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--label", default="", help="free text stored with the figures")
    args = parser.parse_args(argv)
    if not 1 <= args.phones <= 5000 or not 0 < args.duration <= 300 or args.rate > 5000:
        parser.error("bounded: at most 5000 phones, 300 s and 5000 votes/s")
    if args.spread is None:
        args.spread = 10.0 if args.scenario == "join-storm" else 1.0
    if args.scenario == "groups":
        if not 1 <= args.tables <= 30 or args.per_table < 1 or args.table_activities < 1:
            parser.error("groups: 1 to 30 tables, at least one phone and one activity each")
        args.phones = args.tables * args.per_table
        if args.phones > 5000:
            parser.error("bounded: at most 5000 phones")
    return args


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_screen"]:  # the big screen's own process (ScreenWatcher)
        Client.compress = int(argv[4])
        kind = argv[5] if len(argv) > 5 else "screen"
        asyncio.run(watch_screen(argv[1], json.loads(argv[2]), float(argv[3]), kind))
        return {}
    args = parse_args(argv)
    Client.compress = args.ws_compress
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets, both ends
    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as tmp:
        servers = Servers(args, Path(tmp))
        servers.start()
        run = Run(args, servers)
        run.report["command"] = "python bench/loadgen.py " + " ".join(argv)
        run.report["label"] = args.label
        run.report["machine"] = machine()
        run.report["server"] = {
            "processes": len(servers.urls),
            "server": args.server if not args.url else "given",
            "async_mode": args.async_mode if not args.url else "as started",
            "database": "as started" if args.url else (args.database_url or "sqlite").split(":")[0],
            "redis": bool(args.redis_url or args.processes > 1),
            "window_s": args.window,
            "ws_compress": args.ws_compress,
        }
        started = time.monotonic()
        try:
            asyncio.run(run.main())
        except (TimeoutError, AssertionError) as error:
            run.report["errors"].append(repr(error))
        finally:
            logs = "".join(p.read_text(errors="replace") for p in Path(tmp).glob("server*.log"))
            servers.stop()
        run.report["elapsed_s"] = round(time.monotonic() - started, 1)
        run.report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if run.load:
            run.report["machine"]["loadavg_1min_during"] = {
                "mean": round(sum(run.load) / len(run.load), 2),
                "max": round(max(run.load), 2),
            }
        run.report["server_tracebacks"] = logs.count("Traceback")
        if "Traceback" in logs:  # the first one, to see what went wrong
            first = logs.index("Traceback")
            run.report["first_traceback"] = logs[max(0, first - 300) : first + 3000]
    text = json.dumps(run.report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n")
    return run.report


if __name__ == "__main__":
    main()
