"""An access log without secrets or personal data: no client address, secrets redacted.

Facilitator links (/f/<code>/<token>), big-screen links (/screen/<code>/<key>), follow-up
links (/follow-up/<code>/<token>), outcome pages (/o/<key>), consolidated plans' pages
(/c/<key>), a table screen and its QR codes (/t/<code>/<key>, /qr/<code>/tables/<key>.svg),
the host key (/host?key=...) and Engine.IO session ids travel in URLs; none of them reaches the log.
"""

import re
from datetime import datetime
from urllib.parse import parse_qsl, quote

REDACTED = "…"
#: query parameters that are neither secret nor personal
_SAFE_PARAMS = {"lang", "EIO", "transport", "t", "edit"}
_SECRET_SEGMENTS = (
    (re.compile(r"^(/f/[^/?]+/)(?!pin$)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/screen/[^/?]+/)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/follow-up/[^/?]+/)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/o/)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/c/)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/qr/[^/?]+/tables/)[^/?]+"), r"\1" + REDACTED),
    (re.compile(r"^(/t/[^/?]+/)[^/?]+"), r"\1" + REDACTED),
)


def redact_path(target: str) -> str:
    """A request target fit for a log: secret path segments and query values replaced."""
    path, _, query = target.partition("?")
    for pattern, replacement in _SECRET_SEGMENTS:
        path = pattern.sub(replacement, path)
    if not query:
        return path
    pairs = [
        f"{quote(name)}={quote(value) if name in _SAFE_PARAMS else REDACTED}"
        for name, value in parse_qsl(query, keep_blank_values=True)
    ]
    return path + "?" + "&".join(pairs)


def redacting_handler():
    """gevent's WSGI handler, logging `time "METHOD target" status length seconds`."""
    from gevent.pywsgi import WSGIHandler

    class RedactingHandler(WSGIHandler):
        def handle_one_response(self):
            try:
                return super().handle_one_response()
            finally:
                if (self.environ or {}).get("HTTP_UPGRADE", "").lower() == "websocket":
                    # the websocket is over: its closing frame is no HTTP request to parse
                    self.close_connection = True

        def log_error(self, msg, *args):
            # gevent would add the client's address and echo what it sent (maybe a secret)
            message = msg % args if args else msg
            self.server.error_log.write(f"{message.split(':', 1)[0][:80]}\n")

        def format_request(self):
            method, target, *_rest = (self.requestline or "- -").split(" ") + ["-"]
            status = (self._orig_status or self.status or "000").split()[0]
            delta = f"{self.time_finish - self.time_start:.6f}" if self.time_finish else "-"
            now = datetime.now().replace(microsecond=0)
            return (
                f'[{now}] "{method} {redact_path(target)}" {status} '
                f"{self.response_length or '-'} {delta}"
            )

    return RedactingHandler
