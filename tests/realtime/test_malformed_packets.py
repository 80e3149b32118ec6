"""Malformed Socket.IO packets, sent raw over a real websocket to a real server process:
answered when they carry an ack id, otherwise refused with one log line, never a traceback;
the connection goes on."""

import json

import pytest
import websocket
from socketio import packet

from tests.serverproc import running_server
from tests.test_integrity_server import Room
from workshop.realtime.packets import ClientPacket

BAD_REQUEST = {"ok": False, "error": "bad_request"}

#: (packet, its ack id or None): what a broken or hostile client might send
MALFORMED = [
    ('421[123,{"op_id":"z"}]', 1),  # a number as the event name
    ('422[{"name":"sync"},{}]', 2),  # an object as the event name
    ("423[null]", 3),  # null as the event name
    ("424[]", 4),  # no event name at all
    ("425{}", 5),  # not an array
    ("426", 6),  # no payload
    ('427["sync",{"op_id":', 7),  # truncated JSON
    ("428" + "[" * 20_000 + "]" * 20_000, 8),  # nested past any recursion limit
    ("42[]", None),  # the same, without an ack id: nothing to answer
    ('42["sync",', None),
    ("42" + "[" * 20_000, None),
    ("49zzz", None),  # an unknown Socket.IO packet type
    ("44{}", None),  # CONNECT_ERROR: only a server sends it
    ('451-["sync",{"_placeholder":true,"num":9}]', None),  # binary: Atelier has none
    ("4", None),  # an empty Engine.IO message
    # Engine.IO parses a message that does not start with a digit as JSON itself
    ("4" + "[" * 20_000, None),
    ("4true", None),
    ("4null", None),
    ("4{}", None),
    ("4-1", None),
    (b"\x00\xff", None),  # a binary frame
]


class RawSocket:
    """A Socket.IO client written by hand: Engine.IO v4 frames over websocket-client."""

    def __init__(self, base: str, token: str) -> None:
        url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, timeout=10)
        assert self.ws.recv().startswith("0{")  # Engine.IO open
        self.ws.send("40" + json.dumps({"participant_token": token}))
        assert self.next_packet(lambda p: p.startswith("40") or p.startswith("44")).startswith(
            "40{"
        )

    def next_packet(self, wanted) -> str:
        while True:
            frame = self.ws.recv()
            if frame == "2":  # Engine.IO ping
                self.ws.send("3")
            elif wanted(frame):
                return frame

    def ack(self, ack_id: int):
        """The payload of the ack with this id."""
        prefix = f"43{ack_id}["
        frame = self.next_packet(lambda p: p.startswith(prefix))
        return json.loads(frame[len(prefix) - 1 :])

    def call(self, event: str, data: dict, ack_id: int):
        self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        return self.ack(ack_id)


@pytest.mark.parametrize(
    ("encoded", "ack_id"),
    # what python-socketio is given: the Socket.IO packets above without their Engine.IO "4"
    [(p[1:], a) for p, a in MALFORMED if isinstance(p, str) and p[1:2].isdigit()]
    + [('21[7,"x"]', 1), ("31{}", None), ("3[]", None), ("7", None), ("2/x,5", 5)]
    # and what Engine.IO gives when a message does not start with a digit
    + [("[" * 5000, None), ("", None), (True, None), (None, None), ({}, None), (-1, None)]
    + [(b"\x00\xff", None)],
)
def test_a_packet_that_cannot_be_used_becomes_an_event_without_a_name(encoded, ack_id, caplog):
    pkt = ClientPacket(encoded_packet=encoded)
    assert (pkt.packet_type, pkt.data, pkt.id) == (packet.EVENT, [None], ack_id)
    assert pkt.attachment_count == 0
    (record,) = caplog.records
    assert record.getMessage().startswith("refused a Socket.IO packet")


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ('2["sync",{}]', (packet.EVENT, ["sync", {}], None)),
        (
            '212["cast_vote",{"activity_id":1}]',
            (packet.EVENT, ["cast_vote", {"activity_id": 1}], 12),
        ),
        ('0{"participant_token":"t"}', (packet.CONNECT, {"participant_token": "t"}, None)),
        ("0", (packet.CONNECT, None, None)),
        ("1", (packet.DISCONNECT, None, None)),
        ("33[]", (packet.ACK, [], 3)),
    ],
)
def test_a_packet_a_client_may_send_is_decoded_as_before(encoded, decoded, caplog):
    pkt = ClientPacket(encoded_packet=encoded)
    assert (pkt.packet_type, pkt.data, pkt.id) == decoded
    assert caplog.records == []
    assert ClientPacket(packet.EVENT, data=["x", {}], id=4).encode() == '24["x",{}]'


@pytest.mark.parametrize("name", [123, {"name": "sync"}, None, ["sync"], True])
def test_an_event_name_that_is_not_a_string_gets_bad_request(
    make_workshop, join, socket_client, name
):
    w = make_workshop()
    phone = socket_client({"participant_token": join(w["code"])})
    ack = phone.emit(name, {"op_id": "z"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "bad_request" and ack["message"], ack
    assert phone.emit("sync", {}, callback=True) == {"ok": True}


@pytest.mark.server
def test_malformed_packets_are_answered_or_refused_in_one_line(tmp_path):
    with running_server(tmp_path) as server:
        room = Room(server.url, {"mode": "approval"}, activities=1, participants=1)
        raw = RawSocket(server.url, room.participants[0])
        assert raw.call("sync", {}, 90) == [{"ok": True}]
        for n, (packet, ack_id) in enumerate(MALFORMED):
            before = server.log_path.read_text(errors="replace").splitlines()
            if isinstance(packet, bytes):
                raw.ws.send_binary(packet)
            else:
                raw.ws.send(packet)
            if ack_id is not None:
                (ack,) = raw.ack(ack_id)
                assert {k: ack[k] for k in BAD_REQUEST} == BAD_REQUEST, packet[:40]
                assert ack["message"]
            # the connection still answers a valid event after each malformed packet
            assert raw.call("sync", {}, 100 + n) == [{"ok": True}], packet[:40]
            after = server.log_path.read_text(errors="replace").splitlines()
            new = after[len(before) :]
            # one line says why, and quotes nothing of the packet
            assert len(new) == 1 and "refused a Socket.IO packet" in new[0], (packet[:40], new)
            assert len(new[0]) < 200, new
        unknown = raw.call("no_such_event", {}, 99)
        assert unknown[0]["error"] == "unknown_event"  # a string name keeps its own key
        raw.ws.close()
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert "message handler error" not in log, log[-3000:]
