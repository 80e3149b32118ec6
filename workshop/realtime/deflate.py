"""Compressed websockets that keep nothing between two messages, and compress a room's
snapshot once, not once per phone.

Browsers offer permessage-deflate (RFC 7692) on every websocket, and simple-websocket (the
websocket server of python-engineio, under gevent's server and gunicorn alike) accepts it
with wsproto's defaults: a zlib compressor and decompressor per connection, kept for the
whole connection (context takeover). With the load generator offering compression as a
browser does, a server holding 2,000 phones went from 75 to 209 KB per phone
(`bench/loadgen.py connect`), and sending a room its snapshot meant one compression per
phone.

Here the server answers `server_no_context_takeover; client_no_context_takeover`: each
message is compressed (and decompressed) on its own, and the zlib state is freed after
it. Both parameters are the server's to choose (RFC 7692, 7.1.1), and browsers implement
them. A message compressed on its own comes out the same for every phone, so the few
messages sent last are remembered: a snapshot to a room of 1,000 phones is compressed
once. Messages under `SMALL` bytes (acks, pings) go uncompressed (RSV1 clear, which the
RFC allows per message): deflate would not shorten them and would cost a zlib set-up each.
A snapshot of results (9.4 KB of JSON for 12 activities and 6 groups) travels as ~0.6 KB,
which is what a room on poor wifi needs.

simple-websocket builds its extension as `PerMessageDeflate()`, with no way to pass
parameters, so `install()` gives its module this subclass instead.
"""

import threading

import simple_websocket.ws
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import Opcode, RsvBits

#: messages shorter than this (bytes) are sent uncompressed
SMALL = 256
#: how many recent (window bits, message) -> compressed payloads are remembered
REMEMBERED = 8

_recent: dict[tuple[int, bytes], bytes] = {}
_lock = threading.Lock()


class StatelessDeflate(PerMessageDeflate):
    """permessage-deflate with no context kept between messages, in either direction."""

    def __init__(self) -> None:
        super().__init__(server_no_context_takeover=True, client_no_context_takeover=True)

    def frame_outbound(self, proto, opcode, rsv: RsvBits, data: bytes, fin: bool):
        whole = fin and opcode in (Opcode.TEXT, Opcode.BINARY)  # one frame, one message
        if not whole or proto.client:
            return super().frame_outbound(proto, opcode, rsv, data, fin)
        if len(data) < SMALL:
            return rsv, data
        key = (self.server_max_window_bits, data)
        payload = _recent.get(key)
        if payload is None:
            rsv, payload = super().frame_outbound(proto, opcode, rsv, data, fin)
            with _lock:
                if len(_recent) >= REMEMBERED:
                    _recent.pop(next(iter(_recent)))  # the oldest
                _recent[key] = payload
            return rsv, payload
        return RsvBits(True, rsv.rsv2, rsv.rsv3), payload


def install() -> None:
    """Make simple-websocket negotiate StatelessDeflate (process-wide, idempotent)."""
    simple_websocket.ws.PerMessageDeflate = StatelessDeflate
