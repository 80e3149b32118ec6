"""Start Atelier: `python run.py [--host H] [--port P] [--demo]`.

Prints the facilitator's link and, for each workshop, the join URL with its QR code.
"""

import os
import sys

# gevent must patch the standard library before anything else imports it.
if os.environ.get("ATELIER_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import ipaddress  # noqa: E402

import psutil  # noqa: E402
import qrcode  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.accesslog import redacting_handler  # noqa: E402
from workshop.db import transaction  # noqa: E402
from workshop.extensions import socketio  # noqa: E402
from workshop.gctuning import parse_thresholds, tune_for_server  # noqa: E402
from workshop.services.demo import create_demo_workshop  # noqa: E402
from workshop.services.workshops import list_workshops  # noqa: E402


def lan_address() -> str | None:
    """The machine's address on the local network (what phones on the same wifi can reach)."""
    candidates = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family.name != "AF_INET":
                continue
            ip = ipaddress.ip_address(address.address)
            if ip.is_loopback or ip.is_link_local:
                continue
            candidates.append((not ip.is_private, address.address))
    return sorted(candidates)[0][1] if candidates else None


def print_qr(url: str) -> None:
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.print_ascii(out=sys.stdout, invert=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Atelier: live participatory workshops. Prints the facilitator's link "
        "and each workshop's join URL with its QR code, then serves.",
        epilog="Other settings are environment variables: see the README's Configuration.",
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("HOST", "0.0.0.0"),  # noqa: S104
        help="address to listen on (default: $HOST or 0.0.0.0, every interface, so that "
        "phones on the same wifi can reach it; 127.0.0.1 for this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "5000")),
        help="port to listen on (default: $PORT or 5000)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create a ready-to-use demo workshop and print its console link",
    )
    args = parser.parse_args(argv)

    config = {}
    if not os.environ.get("PUBLIC_URL"):
        host = args.host
        if host in ("0.0.0.0", "::"):  # noqa: S104
            host = lan_address() or "127.0.0.1"
        config["PUBLIC_URL"] = f"http://{host}:{args.port}"
    app = create_app(config)
    tune_for_server(parse_thresholds(os.environ.get("ATELIER_GC_THRESHOLDS")))
    base = app.config["PUBLIC_URL"]

    demo_link = None
    with transaction(app) as db:
        if args.demo:
            workshop, token = create_demo_workshop(db)
            demo_link = f"{base}/f/{workshop.code}/{token}"
        workshops = [(w.code, w.title) for w in list_workshops(db)]

    print(f"\nAtelier is running on {args.host}:{args.port}")
    print(f"Facilitator (keep this link private): {base}/host?key={app.config['HOST_KEY']}")
    if demo_link:
        print(f"Demo workshop console: {demo_link}")
    for code, title in workshops:
        print(f"\n{title} — code {code}\nJoin: {base}/j/{code}")
        print_qr(f"{base}/j/{code}")
    sys.stdout.flush()
    options = {}
    if app.config["SOCKETIO_ASYNC_MODE"] == "gevent":
        # an access log with neither client addresses nor the secrets that URLs carry
        options = {"log_output": True, "handler_class": redacting_handler()}
    socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True, **options)


if __name__ == "__main__":
    main()
