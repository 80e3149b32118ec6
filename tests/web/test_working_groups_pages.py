"""The console's working groups as pages (issue 14): the main console carries the groups and
roll-up cards; a table link's console carries its table only (and its table's room key); the
QR code of a table screen answers for that workshop's keys only."""

import json


def config_of(page: str) -> dict:
    return json.loads(page.split('id="config">', 1)[1].split("</script>", 1)[0])


def groups_of(client, w) -> list[dict]:
    made = client.post(
        f"/api/workshops/{w['code']}/working-groups", json={"from_tracks": True}, headers=w["auth"]
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["working_groups"]


def test_the_main_console_has_the_groups_and_roll_up_cards(client, make_workshop):
    w = make_workshop()
    client.get("/" + w["facilitator_url"].split("/", 3)[3])  # the secret link opens the console
    page = client.get(f"/f/{w['code']}").get_data(as_text=True)
    assert 'id="working-groups"' in page and 'id="rollup"' in page
    assert 'id="table-console"' not in page
    assert config_of(page)["table_group_id"] is None
    assert "js/working_groups.js" in page and "js/console.js" in page


def test_a_table_links_console_is_its_table_only(app, make_workshop):
    w = make_workshop()
    owner = app.test_client()
    owner.get("/" + w["facilitator_url"].split("/", 3)[3])
    groups = groups_of(owner, w)
    link = owner.post(
        f"/api/workshops/{w['code']}/working-groups/{groups[1]['id']}/links",
        json={"label": "Table 2"},
        headers={"X-CSRF-Token": _csrf(owner, w)},
    )
    assert link.status_code == 201, link.get_json()
    table = app.test_client()
    entered = table.get("/" + link.get_json()["url"].split("/", 3)[3])
    assert entered.status_code == 302
    page = table.get(f"/f/{w['code']}").get_data(as_text=True)
    config = config_of(page)
    assert config["table_group_id"] == groups[1]["id"]
    assert config["table_key"] == groups[1]["screen_url"].rsplit("/", 1)[1]
    assert 'id="table-console"' in page
    for whole in ('id="working-groups"', 'id="rollup"', 'id="phase-buttons"', 'id="people"'):
        assert whole not in page, whole
    assert "js/console.js" not in page and "js/working_groups.js" in page


def _csrf(client, w) -> str:
    return config_of(client.get(f"/f/{w['code']}").get_data(as_text=True))["csrf"]


def test_a_table_screens_qr_code_answers_for_its_workshops_keys_only(client, make_workshop):
    w, other = make_workshop(), make_workshop()
    key = groups_of(client, w)[0]["screen_url"].rsplit("/", 1)[1]
    answer = client.get(f"/qr/{w['code']}/tables/{key}.svg")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert answer.data.startswith(b"<?xml") or b"<svg" in answer.data[:200]
    assert client.get(f"/qr/{other['code']}/tables/{key}.svg").status_code == 404
    assert client.get(f"/qr/{w['code']}/tables/not-a-key.svg").status_code == 404
