"""What Chromium negotiates with the server for a phone's websocket (permessage-deflate)."""

import pytest

from tests.e2e.conftest import join
from tests.e2e.test_journeys import plus

pytestmark = pytest.mark.browser


def test_chromium_compresses_without_context_and_the_phone_works(contexts, make_workshop):
    w = make_workshop()
    titles = [f"Activité {i} — formation des conseillers d'orientation" for i in range(12)]
    for title in titles:
        w.add(title)
    w.phase("voting")
    context = contexts("phone", "fr")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    handshakes, frames = [], []
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: handshakes.append(e))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(e))
    join(page, w, "Inspection du travail", "Gouvernement")
    plus(page, titles[0]).click()
    page.locator("li.activity .vote-status-ok").first.wait_for()
    assert w.results()["activities"][0]["voters"] == 1

    (handshake,) = handshakes
    headers = {k.lower(): v for k, v in handshake["response"]["headers"].items()}
    agreed = headers["sec-websocket-extensions"]
    assert "permessage-deflate" in agreed
    assert "server_no_context_takeover" in agreed and "client_no_context_takeover" in agreed
    # the snapshots arrived, and Chromium inflated them (CDP shows what the page received)
    payloads = [f["response"]["payloadData"] for f in frames]
    states = [p for p in payloads if p.startswith('42["workshop_state"')]
    assert states and all(p.count("formation des conseillers") == 12 for p in states), payloads
