"""Compressed websockets (permessage-deflate) that keep no zlib state between messages."""

import asyncio
import json
import zlib
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from tests.json_http import call
from tests.serverproc import running_server
from workshop.realtime import deflate
from workshop.realtime.deflate import SMALL, StatelessDeflate

SNAPSHOT = json.dumps(
    {"activities": [{"activity_id": i, "total": 3 * i, "by_group": [1, 2, 3]} for i in range(60)]}
)


def handshake(offer: PerMessageDeflate):
    """A server speaking StatelessDeflate and a client (a browser's offer), connected."""
    server, client = WSConnection(ConnectionType.SERVER), WSConnection(ConnectionType.CLIENT)
    server.receive_data(client.send(Request(host="h", target="/", extensions=[offer])))
    next(server.events())
    client.receive_data(server.send(AcceptConnection(extensions=[StatelessDeflate()])))
    accepted = next(client.events())
    return server, client, accepted


def deliver(sender, receiver, text: str) -> tuple[bytes, str]:
    wire = sender.send(TextMessage(data=text))
    receiver.receive_data(wire)
    return wire, "".join(e.data for e in receiver.events())


def test_the_server_asks_for_no_context_in_either_direction():
    _server, _client, accepted = handshake(PerMessageDeflate(client_max_window_bits=15))
    (agreed,) = accepted.extensions
    assert agreed.server_no_context_takeover and agreed.client_no_context_takeover


def test_large_messages_travel_compressed_and_arrive_whole():
    server, client, _ = handshake(PerMessageDeflate())
    for text in (SNAPSHOT, SNAPSHOT.replace("3", "4"), SNAPSHOT):
        wire, got = deliver(server, client, text)
        assert got == text
        assert wire[0] & 0x40  # RSV1: compressed
        assert len(wire) < len(text) / 5


def test_small_messages_go_uncompressed():
    server, client, _ = handshake(PerMessageDeflate())
    text = "x" * (SMALL - 1)
    wire, got = deliver(server, client, text)
    assert got == text and not wire[0] & 0x40


def test_a_message_sent_to_many_is_compressed_once(monkeypatch):
    deflate._recent.clear()
    made = []
    real = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda *a: made.append(a) or real(*a))
    pairs = [handshake(PerMessageDeflate()) for _ in range(5)]
    wires = {deliver(server, client, SNAPSHOT)[0] for server, client, _ in pairs}
    assert len(wires) == 1 and len(made) == 1
    deliver(*pairs[0][:2], SNAPSHOT + " ")
    assert len(made) == 2


def test_every_phone_decodes_the_shared_payload_after_other_messages():
    """No context is kept, so a payload compressed for one connection is right for all,
    whatever each connection received before."""
    deflate._recent.clear()
    first, second = handshake(PerMessageDeflate()), handshake(PerMessageDeflate())
    deliver(*second[:2], SNAPSHOT.replace("1", "9"))
    for server, client, _ in (first, second):
        assert deliver(server, client, SNAPSHOT)[1] == SNAPSHOT


def test_compressed_messages_from_the_phone_are_read_one_by_one():
    server, client, _ = handshake(PerMessageDeflate())
    for text in ('42["cast_vote",{"points":1}]' * 20, '42["cast_vote",{"points":2}]' * 20):
        assert deliver(client, server, text)[1] == text


@pytest.mark.server
def test_a_real_server_compresses_what_a_browser_offers_to(tmp_path):
    """As a browser does: offer permessage-deflate, join over the websocket, get the
    snapshot compressed, vote."""
    with running_server(tmp_path) as server:
        base = server.url + "/api/workshops"
        w = call("POST", base, {"title": "Atelier", "groups": ["Gouvernement"]})
        for i in range(30):
            call(
                "POST",
                f"{base}/{w['code']}/activities",
                {"title": f"Activité {i}"},
                w["facilitator_token"],
            )
        call("POST", f"{base}/{w['code']}/phase", {"phase": "voting"}, w["facilitator_token"])
        phone = call(
            "POST",
            f"{base}/{w['code']}/participants",
            {"organisation": "OIT", "group": "Gouvernement"},
        )

        async def talk():
            async with aiohttp.ClientSession() as http:
                ws = await http.ws_connect(
                    server.url + "/socket.io/?EIO=4&transport=websocket", compress=15
                )
                agreed = ws._response.headers["Sec-WebSocket-Extensions"]
                await ws.receive_str()  # Engine.IO open
                await ws.send_str(
                    "40" + json.dumps({"participant_token": phone["participant_token"]})
                )
                events = {}
                while "workshop_state" not in events:
                    text = await asyncio.wait_for(ws.receive_str(), 10)
                    if text.startswith("42"):
                        name, payload = json.loads(text[2:])
                        events[name] = payload
                await ws.close()
                return agreed, events

        # in a thread of its own: the browser tests' Playwright may hold this thread's loop
        with ThreadPoolExecutor(1) as pool:
            agreed, events = pool.submit(asyncio.run, talk()).result(timeout=60)
        assert "permessage-deflate" in agreed
        assert "server_no_context_takeover" in agreed and "client_no_context_takeover" in agreed
        assert len(events["workshop_state"]["activities"]) == 30
