"""Invisible text over the socket: refused with field_required, nothing stored or broadcast."""

PROBE = "\u2060\u200d\u202e"  # word joiner, zero-width joiner, right-to-left override
PERSIAN = "برنامه\u200cریزی"  # ZWNJ inside the word: kept


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def set_phase(client, w, phase):
    r = client.post(url(w, "/phase"), json={"phase": phase}, headers=w["auth"])
    assert r.status_code == 200, r.get_json()


def refused(ack, key):
    assert isinstance(ack, dict) and ack["ok"] is False and ack["error"] == key, ack


def test_invisible_titles_and_comments_are_refused(client, make_workshop, join, socket_client):
    w = make_workshop()
    phone = socket_client({"participant_token": join(w["code"])})
    set_phase(client, w, "proposing")
    for title in (PROBE, "\u3164", "\u200b\u00ad\ufeff", "\u0651", "\u2066\u2069 \u200e"):
        ack = phone.emit("propose_activity", {"title": title, "op_id": "p"}, callback=True)
        refused(ack, "field_required")
    ack = phone.emit(
        "propose_activity", {"title": f"\u202e{PERSIAN}\u202c", "op_id": "q"}, callback=True
    )
    assert ack["ok"], ack
    activities = client.get(url(w)).get_json()["activities"]
    assert [a["title"] for a in activities] == [PERSIAN]

    activity_id = ack["activity_id"]
    ack = phone.emit(
        "add_comment", {"activity_id": activity_id, "text": PROBE, "op_id": "c"}, callback=True
    )
    refused(ack, "field_required")
    ack = phone.emit(
        "add_comment",
        {"activity_id": activity_id, "text": "Oui\u202e ❤️\u200d🔥", "op_id": "d"},
        callback=True,
    )
    assert ack["ok"], ack
    assert [c["text"] for c in ack["my_comments"]] == ["Oui ❤️\u200d🔥"]
