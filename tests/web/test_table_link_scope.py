"""A table link (a co-host link scoped to one working group) tried on EVERY route of a workshop:
refused with 403 table_link_scope everywhere but the table routes, which act on its own group
only; nothing it is refused writes anything; its console page, report pages and sockets too."""

import json
import re

import pytest
from sqlalchemy import select

from workshop.db import transaction
from workshop.models import Workshop

PREFIX = "/api/workshops/<code>"

#: the routes a table link may use (`table=True`), as the design allows them: its group's
#: list, phase and countdown; moderation, edits and merges of its group's activities; its
#: roll-up mark and pre-vote. A route that opts in must be added here, on purpose.
TABLE_ALLOWED = {
    ("GET", "/working-groups"),
    ("GET", "/working-groups/<int:group_id>"),
    ("POST", "/working-groups/<int:group_id>/phase"),
    ("POST", "/working-groups/<int:group_id>/timer"),
    ("GET", "/working-groups/<int:group_id>/prevote"),
    ("PATCH", "/activities/<int:activity_id>"),
    ("POST", "/activities/<int:activity_id>/hide"),
    ("POST", "/activities/<int:activity_id>/restore"),
    ("POST", "/activities/<int:activity_id>/to-plenary"),
    ("POST", "/merges"),
    ("POST", "/merges/<int:merge_id>/undo"),
}
#: routes written as a plain function that calls a decorated one (no `access` of their own)
TABLE_WRAPPERS = {"api.hide_activity", "api.restore_activity"}
#: plain functions that are not the facilitator's (phones and anyone)
PUBLIC_WRAPPERS = {"api.similar", "participants_api.recover_api"}


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


@pytest.fixture
def room(client, make_workshop, join):
    """Two tables made from tracks, an activity or two at each, a phone at each, a link to A."""
    w = make_workshop(tracks=["Gouvernance", "Compétences"])
    auth = w["auth"]
    a, b = client.post(
        url(w, "/working-groups"), json={"from_tracks": True}, headers=auth
    ).get_json()["working_groups"]

    def add(title, track):
        response = client.post(
            url(w, "/activities"), json={"title": title, "track": track}, headers=auth
        )
        assert response.status_code == 201
        return response.get_json()["activity_id"]

    ids = {
        "own": add("Politique migratoire", "Gouvernance"),
        "own2": add("Accords bilatéraux", "Gouvernance"),
        "own3": add("Observatoire", "Gouvernance"),
        "other": add("Reconnaissance des acquis", "Compétences"),
        "other2": add("Formation", "Compétences"),
    }
    people = []
    for group, organisation in (("Gouvernement", "MIEPEEC"), ("Employeurs", "CGEM")):
        joined = client.post(
            url(w, "/participants"),
            json={"name": "", "organisation": organisation, "group": group},
        ).get_json()
        people.append(joined["participant_id"])
    client.put(
        url(w, f"/participants/{people[0]}/working-group"),
        json={"working_group_id": a["id"]},
        headers=auth,
    )
    client.post(url(w, "/phase"), json={"phase": "proposing"}, headers=auth)
    merge = client.post(
        url(w, "/merges"),
        json={"target_id": ids["other"], "source_ids": [ids["other2"]]},
        headers=auth,
    ).get_json()["merge"]
    cohost = client.post(url(w, "/cohosts"), json={"label": "Co"}, headers=auth).get_json()
    assert "id" in cohost, cohost
    link = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={"label": "A"}, headers=auth
    )
    assert link.status_code == 201
    return {
        "w": w,
        "a": a,
        "b": b,
        "ids": ids,
        "people": people,
        "merge_id": merge["merge_id"],
        "cohost_id": cohost["id"],
        "link": link.get_json(),
        "table": {"Authorization": f"Bearer {link.get_json()['token']}"},
    }


def workshop_rules(app):
    """(method, rule suffix, endpoint, access) of every route of a workshop."""
    out = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/")):
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, rule.rule[len(PREFIX) :], rule.endpoint, access))
    return sorted(out, key=lambda r: (r[1], r[0]))


def is_table(endpoint, access) -> bool:
    return endpoint in TABLE_WRAPPERS or bool(access and access["table"])


def is_facilitators(endpoint, access) -> bool:
    if access is None:
        return endpoint not in PUBLIC_WRAPPERS
    return access["who"] in ("facilitator", "owner")


def fill(suffix, room, *, own=True):
    """The rule's path with real ids: the table's own group and activities, or the other's."""
    ids = room["ids"]
    values = {
        "group_id": room["a"]["id"] if own else room["b"]["id"],
        "activity_id": ids["own"] if own else ids["other"],
        "merge_id": room["merge_id"],
        "link_id": room["cohost_id"],
        "participant_id": room["people"][0],
        "name": "activities",
        "fmt": "csv",
    }

    def value(match):
        name = match.group(1).split(":")[-1]
        return str(values.get(name, 1))

    return re.sub(r"<([^>]+)>", value, suffix)


def version(app, code):
    with transaction(app) as db:
        return db.scalar(select(Workshop.version).where(Workshop.code == code))


def call(client, method, path, headers, body=None):
    if method in ("POST", "PUT", "PATCH"):
        return client.open(path, method=method, json=body or {}, headers=headers)
    return client.open(path, method=method, headers=headers)


def test_every_facilitator_route_refuses_a_table_link(app, client, room):
    w, table = room["w"], room["table"]
    rules = workshop_rules(app)
    opted_in = {(m, s) for m, s, e, a in rules if is_table(e, a)}
    assert opted_in <= TABLE_ALLOWED, opted_in - TABLE_ALLOWED  # no route opts in unseen
    before = version(app, w["code"])
    tried = []
    for method, suffix, endpoint, access in rules:
        if is_table(endpoint, access) or not is_facilitators(endpoint, access):
            continue
        path = url(w, fill(suffix, room))
        response = call(client, method, path, table)
        assert response.status_code == 403, (method, path, response.status_code, response.data)
        assert response.get_json()["error"] == "table_link_scope", (method, path)
        assert response.get_json()["message"]
        tried.append((method, suffix))
    assert len(tried) >= 55  # every facilitator route of the app, not a sample
    assert ("DELETE", "") in tried and ("POST", "/phase") in tried and ("POST", "/timer") in tried
    assert ("POST", "/working-groups/<int:group_id>/links") in tried
    assert version(app, w["code"]) == before  # nothing refused wrote anything
    # the owner's token still does all of it: the refusals were the link's scope
    assert (
        client.post(
            url(w, "/timer"), json={"action": "start", "seconds": 60}, headers=w["auth"]
        ).status_code
        == 200
    )


def test_public_routes_give_a_table_link_what_anyone_gets(app, client, room):
    w, table = room["w"], room["table"]
    state = client.get(url(w), headers=table).get_json()
    assert {a["status"] for a in state["activities"]} == {"visible"}
    assert all("proposed_by" not in a for a in state["activities"])
    assert all("screen_url" not in g for g in state["working_groups"])
    for method, suffix, endpoint, access in workshop_rules(app):
        if is_facilitators(endpoint, access) or is_table(endpoint, access):
            continue
        response = call(client, method, url(w, fill(suffix, room)), table)
        assert response.status_code < 500, (method, suffix)
        if (
            response.status_code == 403
        ):  # e.g. results: neither the plenary's facilitator nor a phone
            assert response.get_json()["error"] in (
                "table_link_scope",
                "facilitator_only",
                "results_hidden",
            )


BODIES = {
    ("POST", "/working-groups/<int:group_id>/phase"): {"phase": "prevote"},
    ("POST", "/working-groups/<int:group_id>/timer"): {"action": "start", "seconds": 120},
    ("PATCH", "/activities/<int:activity_id>"): {"title": "Titre revu à la table"},
    ("POST", "/activities/<int:activity_id>/to-plenary"): {"to_plenary": True},
}


def test_table_routes_act_on_its_own_group_only(app, client, room):
    w, table, ids = room["w"], room["table"], room["ids"]
    rules = [(m, s, e, a) for m, s, e, a in workshop_rules(app) if is_table(e, a)]
    assert {("POST", "/working-groups/<int:group_id>/phase"), ("POST", "/merges")} <= {
        (m, s) for m, s, _e, _a in rules
    }
    for method, suffix, _endpoint, _access in rules:
        if suffix.startswith("/merges") or "<" not in suffix:
            continue
        body = BODIES.get((method, suffix), {})
        other = call(client, method, url(w, fill(suffix, room, own=False)), table, body)
        assert other.status_code == 403, (method, suffix, other.data)
        assert other.get_json()["error"] == "table_link_scope"
        own = call(client, method, url(w, fill(suffix, room)), table, body)
        assert own.status_code in (200, 201), (method, suffix, own.data)
    listed = client.get(url(w, "/working-groups"), headers=table).get_json()["working_groups"]
    assert [(g["id"], g["phase"], g["timer"]["state"]) for g in listed] == [
        (room["a"]["id"], "prevote", "running")
    ]
    state = client.get(url(w), headers=w["auth"]).get_json()
    titles = {a["id"]: a["title"] for a in state["activities"]}
    assert titles[ids["own"]] == "Titre revu à la table"
    b = next(g for g in state["working_groups"] if g["id"] == room["b"]["id"])
    assert (b["phase"], b["timer"]["state"]) == ("proposing", "idle")
    # merges: its own group's activities only, target and sources alike
    for body in (
        {"target_id": ids["own"], "source_ids": [ids["other"]]},
        {"target_id": ids["other"], "source_ids": [ids["own2"]]},
    ):
        refused = client.post(url(w, "/merges"), json=body, headers=table)
        assert refused.status_code == 403 and refused.get_json()["error"] == "table_link_scope"
    merged = client.post(
        url(w, "/merges"),
        json={"target_id": ids["own"], "source_ids": [ids["own2"]]},
        headers=table,
    )
    assert merged.status_code == 201, merged.get_json()
    merge_id = merged.get_json()["merge"]["merge_id"]
    undone = client.post(url(w, f"/merges/{merge_id}/undo"), headers=table)
    assert undone.status_code == 200
    theirs = client.post(url(w, f"/merges/{room['merge_id']}/undo"), headers=table)
    assert theirs.status_code == 403 and theirs.get_json()["error"] == "table_link_scope"


def test_a_table_link_reads_its_own_groups_hidden_activities_only(client, room):
    """What the table console restores (`GET /working-groups/<gid>?status=hidden`): its
    group's hidden activities, whoever hid them; the other group's, refused."""
    w, table, ids = room["w"], room["table"], room["ids"]
    assert client.post(url(w, f"/activities/{ids['own3']}/hide"), headers=table).status_code == 200
    hid = client.post(url(w, f"/activities/{ids['own']}/hide"), headers=w["auth"])
    assert hid.status_code == 200  # the main facilitator, in the table's group
    hid = client.post(url(w, f"/activities/{ids['other']}/hide"), headers=w["auth"])
    assert hid.status_code == 200

    def hidden(group, headers=table):
        return client.get(
            url(w, f"/working-groups/{group['id']}"),
            query_string={"status": "hidden"},
            headers=headers,
        )

    own = hidden(room["a"])
    assert own.status_code == 200
    assert [a["id"] for a in own.get_json()["activities"]] == [ids["own"], ids["own3"]]
    for status in ("hidden", "merged", "visible"):
        other = client.get(
            url(w, f"/working-groups/{room['b']['id']}"),
            query_string={"status": status},
            headers=table,
        )
        assert other.status_code == 403 and other.get_json()["error"] == "table_link_scope"
    assert [a["id"] for a in hidden(room["b"], w["auth"]).get_json()["activities"]] == [
        ids["other"]
    ]


def test_table_console_session_is_scoped_too(app, client, room, socket_client):
    w, link = room["w"], room["link"]
    assert client.get(link["url"].removeprefix("http://atelier.test")).status_code == 302
    page = client.get(f"/f/{w['code']}")
    assert page.status_code == 200
    config = re.search(
        r'<script type="application/json" id="config">(.*?)</script>', page.get_data(as_text=True)
    )
    assert f'"table_group_id": {room["a"]["id"]}' in config.group(1)
    # the plenary's big screen (its key) is not the table's to open, nor another table's screen
    html = page.get_data(as_text=True)
    assert w["screen_url"].rsplit("/", 1)[-1] not in html
    assert room["b"]["screen_url"].rsplit("/", 1)[-1] not in html
    csrf = re.search(r'"csrf": "([^"]+)"', config.group(1)).group(1)
    headers = {"X-CSRF-Token": csrf}
    refused = client.post(url(w, "/phase"), json={"phase": "voting"}, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"] == "table_link_scope"
    own = client.post(
        url(w, f"/working-groups/{room['a']['id']}/phase"),
        json={"phase": "prevote"},
        headers=headers,
    )
    assert own.status_code == 200
    other = client.post(
        url(w, f"/working-groups/{room['b']['id']}/phase"),
        json={"phase": "prevote"},
        headers=headers,
    )
    assert other.status_code == 403 and other.get_json()["error"] == "table_link_scope"
    # the facilitator's snapshot and pages of the whole workshop are not the table's
    state = client.get(url(w)).get_json()
    assert all("screen_url" not in g for g in state["working_groups"])
    assert client.get(f"/f/{w['code']}/report").status_code == 403
    # and the console's socket (the whole workshop's room) refuses it, by session or token
    by_session = socket_client({"code": w["code"], "role": "console"})
    assert not by_session.is_connected()
    by_token = socket_client({"code": w["code"], "facilitator_token": link["token"]})
    assert not by_token.is_connected()
    owner = socket_client({"code": w["code"], "facilitator_token": w["facilitator_token"]})
    assert owner.is_connected()


def test_revoked_table_link_stops(client, room):
    w = room["w"]
    revoked = client.delete(url(w, f"/cohosts/{room['link']['id']}"), headers=w["auth"])
    assert revoked.status_code == 200
    gone = client.get(url(w, "/working-groups"), headers=room["table"])
    assert gone.status_code == 403 and gone.get_json()["error"] == "facilitator_only"


def table_console(app, link: dict, code: str):
    """A browser that opened a table link: its console page's config (table_key, csrf)."""
    browser = app.test_client()
    assert browser.get(link["url"].removeprefix("http://atelier.test")).status_code == 302
    page = browser.get(f"/f/{code}").get_data(as_text=True)
    config = re.search(r'<script type="application/json" id="config">(.*?)</script>', page)
    return browser, json.loads(config.group(1))


def names(sio) -> list[str]:
    return [m["name"] for m in sio.get_received()]


def test_a_revoked_table_links_console_socket_leaves_its_table(app, client, room, socket_client):
    """The console of a table link listens to its table with the table's key: revoking the
    link takes its socket out of the table's rooms at once (nothing of the group reaches it
    any more, even if it never reconnects), refuses its events, and refuses it at reconnect.
    Another link of the same table reconnects; the table's own screen never noticed."""
    w, a, ids = room["w"], room["a"], room["ids"]
    kept_link = client.post(
        url(w, f"/working-groups/{a['id']}/links"), json={"label": "A2"}, headers=w["auth"]
    ).get_json()
    browser, config = table_console(app, room["link"], w["code"])
    kept_browser, kept_config = table_console(app, kept_link, w["code"])
    key = config["table_key"]
    assert key and kept_config["table_key"] == key  # both listen with the table's screen key
    auth = {"code": w["code"], "table_key": key}
    revoked = socket_client(auth, flask_client=browser)
    kept = socket_client(auth, flask_client=kept_browser)
    screen = socket_client(auth, flask_client=app.test_client())  # the laptop at the table
    for sio in (revoked, kept, screen):
        assert sio.is_connected()
        assert "workshop_state" in names(sio)

    def retitle(title):
        r = client.patch(
            url(w, f"/activities/{ids['own']}"), json={"title": title}, headers=w["auth"]
        )
        assert r.status_code == 200, r.get_json()

    def titles(sio) -> set[str]:
        got = [m["args"][0] for m in sio.get_received() if m["name"] == "workshop_state"]
        return {t["title"] for t in got[-1]["activities"]} if got else set()

    retitle("Avant la révocation")
    assert all("Avant la révocation" in titles(sio) for sio in (revoked, kept, screen))

    r = client.delete(url(w, f"/cohosts/{room['link']['id']}"), headers=w["auth"])
    assert r.status_code == 200
    assert names(revoked) == ["access_revoked"] and names(kept) == ["access_revoked"]
    assert names(screen) == []  # a table screen is no co-host's console

    retitle("Après la révocation")  # a change of the revoked link's own group
    assert revoked.get_received() == []  # out of the table's rooms, though still connected
    assert "Après la révocation" in titles(screen)
    ack = revoked.emit("sync", {}, callback=True)
    assert ack["ok"] is False and ack["error"] == "facilitator_only"
    assert revoked.get_received() == []  # no snapshot on demand either
    ack = revoked.emit("propose_activity", {"title": "x", "op_id": "r1"}, callback=True)
    assert ack["ok"] is False
    hidden = browser.post(
        url(w, f"/activities/{ids['own2']}/hide"), headers={"X-CSRF-Token": config["csrf"]}
    )
    assert hidden.status_code == 403 and hidden.get_json()["error"] == "facilitator_only"

    # reconnecting with the table's key: the revoked link's browser is refused, the other
    # link of the table gets back in and follows its table again
    assert not socket_client(auth, flask_client=browser).is_connected()
    back = socket_client(auth, flask_client=kept_browser)
    assert back.is_connected()
    assert "Après la révocation" in titles(back)
    retitle("Encore")
    assert "Encore" in titles(back) and "Encore" in titles(screen)
    assert revoked.get_received() == []
