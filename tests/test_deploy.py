"""Production serving as deploy/ describes it: gunicorn's gevent worker behind nginx.

The nginx site of deploy/nginx/atelier.conf is used as it is, with only its ports changed.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
import socketio

from tests.conftest import missing_server
from tests.seeding import Room
from tests.serverproc import ROOT, assert_clean_log, free_port

pytestmark = pytest.mark.server


def _wait_http(url: str, proc: subprocess.Popen, log, timeout=20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url}: {log.read_text()[-2000:]}")


def _stop(proc: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if proc is not None and proc.poll() is None:
        os.kill(proc.pid, sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def gunicorn_server(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SECRET_KEY": "deploy-secret",
        "ATELIER_HOST_KEY": "deploy-host-key",
        "ATELIER_BIND": f"127.0.0.1:{port}",
    }
    env.pop("ATELIER_ASYNC_MODE", None)  # production default: gevent
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
        yield port, log
    finally:
        _stop(proc)
    assert_clean_log(log)


@pytest.fixture
def nginx(tmp_path, gunicorn_server):
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        missing_server("nginx (apt-get install nginx)", FileNotFoundError("nginx"))
    upstream_port, _ = gunicorn_server
    port = free_port()
    site = (ROOT / "deploy" / "nginx" / "atelier.conf").read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"server 127\.0\.0\.1:5000;", f"server 127.0.0.1:{upstream_port};", site)
    (tmp_path / "site.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    log = tmp_path / "nginx.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [binary, "-p", str(tmp_path), "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc, signal.SIGQUIT)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_phone_and_screen_through_nginx_and_gunicorn(nginx, transport):
    base = nginx
    room = Room.create(base, "Atelier", groups=["Gouvernement"])
    w = room.created
    assert w["join_url"].startswith(base)  # Host passed through: the links point at nginx
    activity_id = room.add("Former")
    participant_token = room.join("CGEM", "Gouvernement")
    room.phase("voting")

    seen = threading.Event()
    screen = socketio.Client(reconnection=False)

    @screen.on("results")
    def _results(data):
        if any(r["total"] == 3 for r in data["activities"]):
            seen.set()

    # a browser's Origin is nginx's address, which the server must match with the Host that
    # nginx passes on (websocket-client sends one by itself, from the URL)
    headers = {"Origin": base} if transport == "polling" else {}
    screen.connect(
        base,
        auth={"code": w["code"], "screen_key": w["screen_url"].rsplit("/", 1)[1]},
        transports=[transport],
        headers=headers,
        wait_timeout=10,
    )
    phone = socketio.Client(reconnection=False)
    phone.connect(
        base,
        auth={"participant_token": participant_token},
        transports=[transport],
        headers=headers,
        wait_timeout=10,
    )
    try:
        assert phone.transport() == transport
        ack = phone.call(
            "cast_vote",
            {"activity_id": activity_id, "points": 3, "op_id": "n-1"},
            timeout=10,
        )
        assert ack["ok"] is True, ack
        assert seen.wait(10), "the big screen behind nginx never received the vote"
    finally:
        phone.disconnect()
        screen.disconnect()
