"""Socket.IO packets from clients, decoded without ever raising.

python-socketio decodes a client's packet in `Server._handle_eio_message`, called by
python-engineio's "message" handler: anything the decoder raises (bad JSON, nesting deeper
than the recursion limit, an unknown packet type, `42[]` whose event name is missing) ends
in a "message handler error" traceback and no answer. `ClientPacket`, given to the server
as its `serializer` (a documented option), turns every such packet into an event with no
name, keeping its ack id when it had one: the namespace answers it `bad_request`
(namespace.py), and one line without the packet's content says why it was refused. The
connection stays open, as after any other refused event.
"""

import json
import logging

from engineio import json as engineio_json
from socketio import packet

log = logging.getLogger(__name__)

_SENT_BY_US = object()  #: no encoded packet given: the server builds one to send

#: what a client may send: CONNECT_ERROR is the server's, and Atelier has no binary events
FROM_CLIENTS = frozenset({packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK})


class NestedTooDeeply(ValueError):
    """JSON nested deeper than Python's recursion limit lets the decoder go."""


class SafeJSON:
    """python-engineio's JSON, whose `loads` refuses nesting too deep as invalid JSON.

    Given to the server as its `json` module: Engine.IO parses a message that does not
    start with a digit as JSON, and catches only ValueError.
    """

    dumps = staticmethod(engineio_json.dumps)

    @staticmethod
    def loads(*args, **kwargs):
        try:
            return engineio_json.loads(*args, **kwargs)
        except RecursionError:
            raise NestedTooDeeply("JSON nested too deeply") from None


class ClientPacket(packet.Packet):
    """A Socket.IO packet whose decoding refuses, instead of raising, what it cannot use."""

    json = SafeJSON

    def __init__(self, *args, encoded_packet=_SENT_BY_US, **kwargs):
        if encoded_packet is _SENT_BY_US:
            super().__init__(*args, **kwargs)
            return
        super().__init__(*args, encoded_packet=encoded_packet, **kwargs)
        if not encoded_packet:  # `4`, `4null`, `4{}`: the parent leaves these undecoded
            self._refuse(encoded_packet, "an empty packet")

    def decode(self, encoded_packet):
        if not isinstance(encoded_packet, str):
            # binary data (Atelier has no binary events), or a message that Engine.IO
            # parsed as JSON itself because it did not start with a digit (`4true`)
            return self._refuse(encoded_packet, "not a text packet")
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, RecursionError) as error:
            unknown = self.packet_type not in FROM_CLIENTS  # `49zzz`: say so, not "bad JSON"
            return self._refuse(encoded_packet, self._problem() if unknown else _reason(error))
        problem = self._problem()
        if problem:
            return self._refuse(encoded_packet, problem)
        return attachments

    def _problem(self) -> str | None:
        if self.packet_type not in FROM_CLIENTS:
            return f"packet type {self.packet_type!r} is not sent by clients"
        if self.packet_type == packet.EVENT:
            if not isinstance(self.data, list) or not self.data:
                return "an event without a name"
            if not isinstance(self.data[0], str):
                return "an event name that is not a string"
        if self.packet_type == packet.ACK and (self.id is None or not isinstance(self.data, list)):
            return "an ack without an id or a list"
        return None

    def _refuse(self, encoded_packet, reason: str) -> int:
        """Become an event without a name (answered `bad_request` when it has an ack id)."""
        size = len(encoded_packet) if isinstance(encoded_packet, str | bytes) else "?"
        log.warning("refused a Socket.IO packet (length %s): %s", size, reason)
        if self.packet_type not in (packet.EVENT, packet.BINARY_EVENT):
            self.id = None  # an ack id belongs to events only
        self.packet_type = packet.EVENT
        self.data = [None]
        return 0


def _reason(error: Exception) -> str:
    """Why, in words that quote nothing the client sent."""
    if isinstance(error, (NestedTooDeeply, RecursionError)):
        return "JSON nested too deeply"
    if isinstance(error, json.JSONDecodeError):
        return "invalid JSON"
    return "cannot be decoded"
