"""The access log's redaction of secrets carried in URLs."""

import pytest

from workshop.accesslog import redact_path


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/f/ABC234/s3cr3t-t0ken", "/f/ABC234/…"),
        ("/f/ABC234/pin", "/f/ABC234/pin"),
        ("/f/ABC234", "/f/ABC234"),
        ("/screen/ABC234/k3y", "/screen/ABC234/…"),
        ("/o/0utc0me-k3y", "/o/…"),
        ("/o/0utc0me-k3y/stamp", "/o/…/stamp"),
        ("/c/c0ns0l-k3y", "/c/…"),
        ("/c/c0ns0l-k3y/qr.svg", "/c/…/qr.svg"),
        ("/host?key=h0st-key", "/host?key=…"),
        ("/j/ABC234?lang=ar", "/j/ABC234?lang=ar"),
        ("/?code=abc234", "/?code=…"),
        (
            "/socket.io/?EIO=4&transport=polling&sid=S1D",
            "/socket.io/?EIO=4&transport=polling&sid=…",
        ),
        ("/lang/en?next=/f/ABC234/s3cr3t", "/lang/en?next=…"),
    ],
)
def test_secrets_in_urls_never_reach_the_log(target, logged):
    assert redact_path(target) == logged
