"""JSON over HTTP to a server this machine started (127.0.0.1): the one helper of the tests and
scripts that talk to a real server process."""

import json
import urllib.error
import urllib.request

#: seconds; a test that waits this long has failed anyway
TIMEOUT = 30


def _request(method, url, body=None, token=None, headers=None) -> urllib.request.Request:
    return urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
        url,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
            **(headers or {}),
        },
    )


def _decoded(raw: bytes):
    return json.loads(raw) if raw else None


def http(method, url, body=None, token=None, *, headers=None, timeout=TIMEOUT):
    """(status, the JSON answer): an HTTP error is an answer too."""
    try:
        with urllib.request.urlopen(  # noqa: S310
            _request(method, url, body, token, headers), timeout=timeout
        ) as response:
            return response.status, _decoded(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _decoded(error.read())


def call(method, url, body=None, token=None, *, headers=None, timeout=TIMEOUT):
    """The JSON answer of a request that must succeed (an HTTP error raises)."""
    with urllib.request.urlopen(  # noqa: S310
        _request(method, url, body, token, headers), timeout=timeout
    ) as response:
        return _decoded(response.read())


def download(url, token=None, *, timeout=TIMEOUT) -> bytes:
    """The raw body of a GET that must succeed (an export, an archive)."""
    with urllib.request.urlopen(_request("GET", url, token=token), timeout=timeout) as response:  # noqa: S310
        return response.read()
