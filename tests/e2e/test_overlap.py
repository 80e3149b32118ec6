"""In real headless Chromium against `run.py`: suggestions while typing, merge and undo from the
console, what the phone is told, and the group split on the big screen."""

import re

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.json_http import call
from tests.serverproc import running_server

pytestmark = [pytest.mark.browser, pytest.mark.server]


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


# `browser` is the session's one Chromium (tests/conftest.py).


def phone_page(browser, server, code, token):
    context = browser.new_context(viewport={"width": 400, "height": 860}, locale="fr-FR")
    context.add_cookies(
        [{"name": f"atelier_p_{code}", "value": token, "url": server.url}]
        + [{"name": "atelier_lang", "value": "fr", "url": server.url}]
    )
    page = context.new_page()
    page.goto(f"{server.url}/w/{code}")
    return page


def test_typing_a_proposal_shows_similar_activities(tmp_path, browser):
    with running_server(tmp_path) as server:
        api = server.url + "/api/workshops"
        w = call("POST", api, {"title": "Atelier", "groups": ["Gouvernement", "Syndicats"]})
        code, fac = w["code"], w["facilitator_token"]
        for title in (
            "Créer un observatoire régional de l'emploi",
            "Campagne contre le travail des enfants",
            "حملة تحسيسية ضد تشغيل الأطفال",
        ):
            call("POST", f"{api}/{code}/activities", {"title": title}, fac)
        call("POST", f"{api}/{code}/phase", {"phase": "proposing"}, fac)
        joined = call(
            "POST", f"{api}/{code}/participants", {"organisation": "CDT", "group": "Syndicats"}
        )
        page = phone_page(browser, server, code, joined["participant_token"])
        page.wait_for_selector("#propose:not([hidden])")
        page.fill("#p-title", "Mise en place d'un observatoire régional de l'emploi")
        box = page.locator("#similar")
        box.wait_for(state="visible", timeout=10000)
        assert box.locator("li").count() == 1
        assert "observatoire régional" in box.locator(".similar-title").inner_text()
        assert "Est-ce l'une de celles-ci" in box.inner_text()  # translated, French
        box.locator(".similar-go").click()
        page.wait_for_selector("#activities li.flash")
        page.fill("#p-title", "حملة ضد تشغيل الأطفال في الفلاحة")
        expect(page.locator("#similar .similar-title").first).to_contain_text("حملة")
        page.fill("#p-title", "Salon régional des métiers verts")
        page.wait_for_selector("#similar", state="hidden", timeout=10000)
        page.fill("#p-title", "Observatoire régional de l'emploi")
        box.wait_for(state="visible", timeout=10000)
        box.locator(".similar-anyway").click()  # propose anyway
        page.wait_for_selector("#notice.notice-ok")
        page.wait_for_selector("#similar", state="hidden")
        state = call("GET", f"{api}/{code}")
        assert "Observatoire régional de l'emploi" in [a["title"] for a in state["activities"]]


def test_console_merges_and_undoes_and_the_phone_is_told(tmp_path, browser):
    with running_server(tmp_path) as server:
        api = server.url + "/api/workshops"
        w = call(
            "POST",
            api,
            {
                "title": "Atelier",
                "groups": ["Gouvernement", "Syndicats"],
                "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
                "live_results": True,
            },
        )
        code, fac = w["code"], w["facilitator_token"]
        keep = call(
            "POST", f"{api}/{code}/activities", {"title": "Appui aux coopératives féminines"}, fac
        )["activity_id"]
        twin = call(
            "POST", f"{api}/{code}/activities", {"title": "Soutien aux coopératives féminines"}, fac
        )["activity_id"]
        call("POST", f"{api}/{code}/activities", {"title": "Salon régional de l'emploi"}, fac)
        call("POST", f"{api}/{code}/phase", {"phase": "voting"}, fac)
        joined = call(
            "POST", f"{api}/{code}/participants", {"organisation": "CDT", "group": "Syndicats"}
        )
        phone = phone_page(browser, server, code, joined["participant_token"])
        # two dots on each twin, by clicking as a participant would
        for activity in (keep, twin):
            item = phone.locator(f'#activities li[data-activity-id="{activity}"]')
            for expected in ("1", "2"):
                item.get_by_role("button", name="Ajouter un point").click()
                expect(item.locator(".dots")).to_have_attribute(
                    "aria-label", re.compile(f"{expected}$")
                )

        console = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        console.goto(w["facilitator_url"])
        cluster = console.locator(".dup-cluster")
        cluster.wait_for(timeout=15000)
        assert cluster.count() == 1
        cluster.get_by_label("Appui aux coopératives féminines").check()
        cluster.get_by_role("button", name="Fusionner dans celle choisie").click()
        merged_row = console.locator("tr.is-merged")
        merged_row.wait_for(timeout=10000)
        assert "Soutien aux coopératives" in merged_row.inner_text()

        # the phone: the twin is gone, four dots became three, one came back, and it says so
        notice = phone.locator(".merge-notice")
        notice.wait_for(timeout=10000)
        assert "Rendu à votre budget : 1." in notice.inner_text()
        assert phone.locator(f'#activities li[data-activity-id="{twin}"]').count() == 0
        me = call("GET", f"{api}/{code}/me", token=joined["participant_token"])
        assert me["votes"] == [{"activity_id": keep, "value": 3}] and me["left"] == 2
        notice.get_by_role("button", name="OK").click()
        phone.wait_for_selector(".merge-notice", state="detached")

        merged_row.get_by_role("button", name="Annuler").click()
        console.wait_for_selector("tr.is-merged", state="detached", timeout=10000)
        phone.wait_for_selector(f'#activities li[data-activity-id="{twin}"]', timeout=10000)
        me = call("GET", f"{api}/{code}/me", token=joined["participant_token"])
        assert me["votes"] == [
            {"activity_id": keep, "value": 2},
            {"activity_id": twin, "value": 2},
        ]


def test_a_merge_at_a_pre_voting_table_tells_the_phone_what_moved(tmp_path, browser):
    """The facilitator merges two of a table's activities while it pre-votes: the phone, whose
    pre-votes were on both, sees the twin go, its support on the kept one, and is told."""
    with running_server(tmp_path) as server:
        api = server.url + "/api/workshops"
        body = {
            "title": "Atelier",
            "groups": ["Gouvernement", "Syndicats"],
            "tracks": ["Gouvernance"],
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
        }
        w = call("POST", api, body)
        code, fac = w["code"], w["facilitator_token"]
        keep, twin = (
            call("POST", f"{api}/{code}/activities", {"title": t, "track": "Gouvernance"}, fac)[
                "activity_id"
            ]
            for t in ("Appui aux coopératives féminines", "Soutien aux coopératives féminines")
        )
        [table] = call("POST", f"{api}/{code}/working-groups", {"from_tracks": True}, fac)[
            "working_groups"
        ]
        call("POST", f"{api}/{code}/phase", {"phase": "proposing"}, fac)
        joined = call(
            "POST", f"{api}/{code}/participants", {"organisation": "CDT", "group": "Syndicats"}
        )
        token = joined["participant_token"]
        seat = {"working_group_id": table["id"]}
        call("PUT", f"{api}/{code}/me/working-group", seat, token)
        call("POST", f"{api}/{code}/working-groups/{table['id']}/phase", {"phase": "prevote"}, fac)
        phone = phone_page(browser, server, code, token)
        for activity in (keep, twin):  # two dots on each twin, at the table
            item = phone.locator(f'#activities li[data-activity-id="{activity}"]')
            for expected in ("1", "2"):
                item.get_by_role("button", name="Ajouter un point").click()
                expect(item.locator(".dots")).to_have_attribute(
                    "aria-label", re.compile(f"{expected}$")
                )
        merge = {"target_id": keep, "source_ids": [twin]}
        call("POST", f"{api}/{code}/merges", merge, fac)

        notice = phone.locator(".merge-notice")
        notice.wait_for(timeout=10000)
        assert "Soutien aux coopératives" in notice.inner_text()
        assert "Rendu à votre budget : 1." in notice.inner_text()
        expect(phone.locator(f'#activities li[data-activity-id="{twin}"]')).to_have_count(0)
        kept = phone.locator(f'#activities li[data-activity-id="{keep}"] .dots')
        expect(kept).to_have_attribute("aria-label", re.compile("3$"))  # 2 + 2, capped at 3
        phone.screenshot(path=str(ARTIFACTS / "phone-prevote-merge-notice-fr.png"))
        me = call("GET", f"{api}/{code}/me", token=token)
        assert me["prevotes"] == [{"activity_id": keep, "value": 3}]
        assert me["prevote_left"] == 2


def test_big_screen_shows_the_split_consensus_and_equal_weight(tmp_path, browser):
    with running_server(tmp_path) as server:
        api = server.url + "/api/workshops"
        w = call(
            "POST",
            api,
            {
                "title": "Atelier",
                "groups": ["Gouvernement", "Syndicats"],
                "voting": {"mode": "approval"},
            },
        )
        code, fac = w["code"], w["facilitator_token"]
        a = call("POST", f"{api}/{code}/activities", {"title": "Large"}, fac)["activity_id"]
        b = call("POST", f"{api}/{code}/activities", {"title": "Étroite"}, fac)["activity_id"]
        call("POST", f"{api}/{code}/phase", {"phase": "voting"}, fac)
        screen = browser.new_page(viewport={"width": 1600, "height": 900})
        screen.goto(w["screen_url"] + "?lang=fr")
        screen.wait_for_selector("#results-section:not([hidden])")
        import socketio

        for group, votes in (("Gouvernement", [a, b]), ("Gouvernement", [b]), ("Syndicats", [a])):
            joined = call(
                "POST", f"{api}/{code}/participants", {"organisation": "O", "group": group}
            )
            sio = socketio.Client(reconnection=False)
            sio.connect(
                server.url,
                auth={"participant_token": joined["participant_token"]},
                transports=["websocket"],
                wait_timeout=10,
            )
            for n, activity in enumerate(votes):
                ack = sio.call("cast_vote", {"activity_id": activity, "op_id": f"{n}"}, timeout=10)
                assert ack["ok"], ack
            sio.disconnect()
        row = screen.locator(f'#results li[data-activity-id="{a}"]')
        row.locator(".flag-broad_support").wait_for(timeout=10000)
        assert row.locator(".share").count() == 2
        heights = row.locator(".share-fill").evaluate_all("els => els.map(e => e.style.blockSize)")
        assert heights == ["50%", "100%"]
        other = screen.locator(f'#results li[data-activity-id="{b}"]')
        other.locator(".flag-single_group").wait_for(timeout=10000)
        # the group's name isolated (messages.name_list's rule, sent to the page by the server)
        assert (
            other.locator(".flag-single_group").text_content().endswith("\u2068Gouvernement\u2069")
        )
        panel = screen.locator("#equal-weight")
        assert "Poids égal par groupe" in panel.inner_text()
        assert panel.locator(".equal-title").first.inner_text() == "Large"
        # the facilitator hides the split: the group visuals go with it
        call("PATCH", f"{api}/{code}", {"show_group_split": False}, fac)
        screen.wait_for_selector("#results .consensus", state="detached", timeout=10000)
        assert panel.is_hidden()
