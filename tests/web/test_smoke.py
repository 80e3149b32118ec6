def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["ok"] is True


def test_flow(client, make_workshop, join, socket_client):
    w = make_workshop()
    code = w["code"]
    r = client.post(
        f"/api/workshops/{code}/activities",
        json={"title": "Former", "track": "Emploi"},
        headers=w["auth"],
    )
    assert r.status_code == 201, r.get_json()
    aid = r.get_json()["activity_id"]
    token = join(code)
    phone = socket_client({"participant_token": token})
    assert phone.is_connected()
    got = phone.get_received()
    assert [m["name"] for m in got][:1] == ["workshop_state"]
    r = client.post(f"/api/workshops/{code}/phase", json={"phase": "voting"}, headers=w["auth"])
    assert r.status_code == 200, r.get_json()
    ack = phone.emit("cast_vote", {"activity_id": aid, "points": 2, "op_id": "a1"}, callback=True)
    assert ack["ok"], ack
    ack = phone.emit("cast_vote", {"activity_id": aid, "points": 4, "op_id": "a2"}, callback=True)
    assert not ack["ok"] and ack["error"] == "over_activity_cap", ack
    r = client.get(f"/api/workshops/{code}/results", headers=w["auth"])
    assert r.get_json()["activities"][0]["total"] == 2
    r = client.get(f"/api/workshops/{code}/export/activities.csv", headers=w["auth"])
    assert r.status_code == 200
    print(r.data.decode())
