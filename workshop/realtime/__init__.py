"""Socket.IO: the namespace participants, screens and consoles connect to, and the emitter."""
