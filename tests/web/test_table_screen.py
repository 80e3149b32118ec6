"""A working group's table screen (/t/<code>/<key>) and the read-only list of a group's
activities (GET /api/workshops/<code>/working-groups/<id>/activities)."""

import re

import pytest

from workshop.accesslog import redact_path
from workshop.db import transaction
from workshop.models import Participant
from workshop.services import activities as activity_service
from workshop.services import working_groups
from workshop.services.participants import token_holder
from workshop.services.workshops import get_workshop


@pytest.fixture
def tables(app, client, make_workshop, join):
    """Two groups (the first worded in Arabic), an activity at each, a participant at the
    first, a participant of another workshop."""

    class Tables:
        pass

    t = Tables()
    t.w = make_workshop()
    t.other = make_workshop(title="Autre atelier")
    t.token = join(t.w["code"])
    t.stranger = join(t.other["code"])
    with transaction(app) as db:
        workshop = get_workshop(db, t.w["code"])
        groups = working_groups.create_working_groups(
            db, workshop, ["Gouvernance | ar: الحوكمة | en: Governance", "Compétences"]
        )
        t.gids = [g.id for g in groups]
        t.keys = [g.screen_key for g in groups]
        for gid, title in zip(t.gids, ["Guichet unique", "Certifier les acquis"], strict=True):
            activity = activity_service.add_activity(db, workshop, title=title)
            activity.working_group_id = gid
        hidden = activity_service.add_activity(db, workshop, title="Caché")
        hidden.working_group_id = t.gids[1]
        activity_service.set_activity_status(db, workshop, hidden.id, "hidden")
        person = token_holder(db, t.token)
        working_groups.assign_participant(db, workshop, db.get(Participant, person.id), t.gids[0])
    return t


def test_the_table_screen_opens_with_its_key_only(client, tables):
    code = tables.w["code"]
    page = client.get(f"/t/{code}/{tables.keys[0]}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Gouvernance" in body and "Compétences" not in body
    assert re.search(r"<script>(?!\s*$)", body) is None and "style=" not in body  # strict CSP
    assert f'"working_group_id": {tables.gids[0]}' in body
    assert f'"table_key": "{tables.keys[0]}"' in body
    assert client.get(f"/t/{code}/nope").status_code == 403
    assert client.get(f"/t/{tables.other['code']}/{tables.keys[0]}").status_code == 403
    arabic = client.get(f"/t/{code}/{tables.keys[0]}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "الحوكمة" in arabic


def test_the_join_qr_code_seats_the_phone_at_the_table(client, tables):
    code = tables.w["code"]
    svg = client.get(f"/t/{code}/{tables.keys[1]}/join.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert client.get(f"/t/{code}/nope/join.svg").status_code == 403
    with client.application.test_request_context():
        from workshop.web.table import join_url

        with transaction(client.application) as db:
            workshop = get_workshop(db, code)
            group = working_groups.get_working_group(db, workshop, tables.gids[1])
            assert join_url(workshop, group).endswith(f"/j/{code}?table={tables.gids[1]}")


def test_the_table_screen_s_key_stays_out_of_the_log(tables):
    assert redact_path(f"/t/{tables.w['code']}/{tables.keys[0]}") == f"/t/{tables.w['code']}/…"
    assert tables.keys[0] not in redact_path(f"/t/ABC/{tables.keys[0]}/join.svg")


def group_activities(client, w, gid, headers=None):
    url = f"/api/workshops/{w['code']}/working-groups/{gid}/activities"
    return client.get(url, headers=headers)


def test_a_participant_browses_another_group_read_only(client, tables):
    phone = {"Authorization": f"Bearer {tables.token}"}
    r = group_activities(client, tables.w, tables.gids[1], phone)
    assert r.status_code == 200, r.get_json()
    data = r.get_json()
    assert data["working_group"]["id"] == tables.gids[1]
    assert [a["title"] for a in data["activities"]] == ["Certifier les acquis"]  # not the hidden
    assert "proposed_by" not in data["activities"][0]
    own = group_activities(client, tables.w, tables.gids[0], phone)
    assert own.get_json()["working_group"]["names"]["ar"] == "الحوكمة"


def test_facilitators_read_it_and_strangers_do_not(client, tables):
    assert group_activities(client, tables.w, tables.gids[1], tables.w["auth"]).status_code == 200
    anonymous = group_activities(client, tables.w, tables.gids[1])
    assert anonymous.status_code == 401 and anonymous.get_json()["error"] == "not_authenticated"
    stranger = {"Authorization": f"Bearer {tables.stranger}"}
    refused = group_activities(client, tables.w, tables.gids[1], stranger)
    assert refused.status_code == 403, refused.get_json()  # a token, but none of this workshop
    assert refused.get_json()["error"] == "facilitator_only"
    other = group_activities(client, tables.other, tables.gids[1], tables.other["auth"])
    assert other.status_code == 404 and other.get_json()["error"] == "working_group_not_found"
