"""The garbage collector of a server process that holds hundreds of websockets.

Measured (docs/performance.md): with 1,000 phones connected, Python's default thresholds ran
a full collection every ~5.5 s under 300 votes/s, each one pausing the whole gevent process
for ~200 ms. A vote's objects die young, so: freeze what exists after start-up (imports, the
app) out of every collection, collect the youngest generation less often, and need ten
times as many middle collections before a full one. Cyclic garbage that reaches the oldest
generation waits longer to be freed (700-1,000 objects per full collection were seen).
"""

import gc

#: gen0 allocations, gen1 and gen2 collections between two collections of the next one
DEFAULT = (5000, 10, 100)


def parse_thresholds(text: str | None) -> tuple[int, int, int] | None:
    """ATELIER_GC_THRESHOLDS: "5000,10,100" (default when empty), or "off" for Python's."""
    if text is None or not text.strip():
        return DEFAULT
    if text.strip().lower() == "off":
        return None
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or min(values) < 1:
        raise ValueError(
            f"ATELIER_GC_THRESHOLDS must be three positive integers like 5000,10,100 "
            f"or 'off', not {text!r}"
        )
    return values  # type: ignore[return-value]


def tune_for_server(thresholds: tuple[int, int, int] | None) -> None:
    """Call once the app is built, in a process that will serve (run.py, wsgi.py)."""
    if thresholds is None:
        return
    gc.collect()
    gc.freeze()  # what start-up made stays: never scanned again
    gc.set_threshold(*thresholds)
