"""Wordings over Socket.IO: each phone or big screen gets the originals in every snapshot and
its own language's wordings apart, once, and again only when they change."""

from workshop.extensions import socketio


def received(sio) -> dict[str, list]:
    """What the client received since last asked, by event."""
    out: dict[str, list] = {}
    for packet in sio.get_received():
        out.setdefault(packet["name"], []).append(packet["args"][0])
    return out


def connect(app, client, auth, lang=None):
    query = f"lang={lang}" if lang else None
    return socketio.test_client(app, flask_test_client=client, auth=auth, query_string=query)


def test_each_reader_gets_its_language_and_the_originals_only(app, client, make_workshop, join):
    w = make_workshop(groups=["Gouvernement | ar: الحكومة | en: Government", "Employeurs"])
    r = client.post(
        f"/api/workshops/{w['code']}/activities",
        json={"title": "Observatoire", "title_ar": "مرصد", "description_en": "An observatory"},
        headers=w["auth"],
    )
    assert r.status_code == 201, r.get_json()
    token = join(w["code"])
    arabic = connect(app, client, {"participant_token": token}, "ar")
    plain = connect(app, client, {"participant_token": token})
    screen = connect(
        app,
        client,
        {"code": w["code"], "screen_key": w["screen_url"].rstrip("/").rsplit("/", 1)[-1]},
        "en",
    )
    try:
        to_arabic, to_plain, to_screen = received(arabic), received(plain), received(screen)
        got = to_arabic["wordings"]
        assert len(got) == 1
        assert got[0]["activities"] == [{"id": r.get_json()["activity_id"], "title": "مرصد"}]
        assert [g["name"] for g in got[0]["groups"]] == ["الحكومة"]
        state = to_arabic["workshop_state"][-1]
        assert state["activities"][0]["title"] == "Observatoire"
        assert "title_ar" not in state["activities"][0]  # not twice: the snapshot is lean
        assert "wordings" not in to_plain  # no language asked: the originals
        english = to_screen["wordings"][0]
        assert english["activities"] == [
            {"id": r.get_json()["activity_id"], "description": "An observatory"}
        ]

        # the facilitator gives a track's Arabic name: the Arabic room hears it, once
        track = client.get(f"/api/workshops/{w['code']}", headers=w["auth"]).get_json()["tracks"][0]
        r = client.patch(
            f"/api/workshops/{w['code']}/tracks/{track['id']}",
            json={"name_ar": "التشغيل"},
            headers=w["auth"],
        )
        assert r.status_code == 200 and r.get_json()["track"]["name_ar"] == "التشغيل"
        again = received(arabic).get("wordings", [])
        assert len(again) == 1 and again[0]["tracks"] == [{"id": track["id"], "name": "التشغيل"}]
        assert "wordings" not in received(screen)  # English did not change: nothing sent
    finally:
        for sio in (arabic, plain, screen):
            sio.disconnect()
