"""The organisation directory in real Chromium: a phone's type-ahead at join (Arabic and French,
390 px), and the console's directory section merging two spellings (1366x768)."""

import csv
import io

import pytest

from tests.e2e.conftest import axe_violations, open_console
from workshop.services.demo import ORGANISATIONS

pytestmark = [pytest.mark.browser, pytest.mark.server]


def with_directory(workshop) -> dict:
    """The THAMM room's directory, entered over the API; acronym -> organisation id."""
    ids = {}
    for row in csv.DictReader(io.StringIO(ORGANISATIONS.read_text(encoding="utf-8"))):
        group = row.pop("stakeholder_group")
        body = {**row, "group": group if group != "Agences publiques" else None}
        created = workshop.api.call("POST", workshop.path("/organisations"), body, workshop.token)
        ids[row["acronym"]] = created["organisation"]["id"]
    return ids


def section_violations(page, selector: str) -> list[dict]:
    """Serious and critical axe-core violations inside one section of a page (the console
    holds other features' cards, which their own tests check)."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    found = page.evaluate(
        "s => axe.run(document.querySelector(s), {resultTypes: ['violations']}).then(r =>"
        " r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        selector,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def inside(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)
    return box


def test_an_arabic_phone_types_part_of_the_name_and_joins_the_oit(
    make_workshop, contexts, artifacts
):
    workshop = make_workshop()
    with_directory(workshop)
    page = contexts("phone", "ar").new_page()
    page.goto(workshop.join_url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    field = page.locator("#organisation")
    assert field.get_attribute("role") == "combobox"
    field.click()
    page.keyboard.type("منظمة العمل")
    options = page.locator("#organisation-options [role=option]")
    options.first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    assert options.first.locator(".combo-acronym").inner_text() == "OIT"
    assert options.first.locator(".combo-name").inner_text() == "منظمة العمل الدولية"
    listbox = inside(page, "#organisation-options")
    field_box = inside(page, "#organisation")
    assert listbox["y"] >= field_box["y"] + field_box["height"] - 1  # under the field
    assert page.locator("#organisation-status").inner_text()  # announced
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "join-directory-ar.png"))

    page.keyboard.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "organisation-option-0"
    page.keyboard.press("Enter")  # chooses; does not submit
    assert field.input_value() == "منظمة العمل الدولية"
    assert page.locator("#organisation-options").is_hidden()
    # the directory's group for the OIT is chosen for them
    assert page.get_by_label("Agences de mise en œuvre", exact=True).is_checked()
    page.locator("button.primary[type=submit]").first.click()
    page.wait_for_url(f"**/w/{workshop.code}")

    listed = workshop.api.call("GET", workshop.path("/organisations"), token=workshop.token)
    oit = next(o for o in listed["organisations"] if o["acronym"] == "OIT")
    assert oit["participants"] == 1 and listed["unmatched"] == []


def test_a_french_phone_sees_the_list_and_may_write_a_name_not_listed(
    make_workshop, contexts, artifacts
):
    workshop = make_workshop()
    with_directory(workshop)
    page = contexts("phone", "fr").new_page()
    page.goto(workshop.join_url)
    page.locator("#organisation").click()
    page.keyboard.type("emploi")
    page.locator("#organisation-options [role=option]").nth(1).wait_for()
    acronyms = page.locator("#organisation-options .combo-acronym").all_inner_texts()
    assert {"ANAPEC", "MIEPEEC"} <= set(acronyms)
    inside(page, "#organisation-options")
    page.screenshot(path=str(artifacts / "join-directory-fr.png"))
    page.locator("#organisation").fill("")
    page.keyboard.type("Association Mobilité Sud")
    page.wait_for_function(
        "() => document.querySelector('#organisation-status').textContent"
        " === Atelier.t.organisations.new"
    )
    assert page.locator("#organisation-options").is_hidden()
    page.get_by_label("Gouvernement", exact=True).check()
    page.locator("button.primary[type=submit]").first.click()
    page.wait_for_url(f"**/w/{workshop.code}")
    listed = workshop.api.call("GET", workshop.path("/organisations"), token=workshop.token)
    assert [u["name"] for u in listed["unmatched"]] == ["Association Mobilité Sud"]


def test_the_console_merges_two_spellings_and_the_two_leads_hint_goes(
    make_workshop, contexts, artifacts
):
    workshop = make_workshop()
    ids = with_directory(workshop)
    api, token = workshop.api, workshop.token
    activity = workshop.add("Observatoire national de la migration de travail")
    api.call(
        "POST",
        workshop.path("/participants"),
        {"organisation": "Min. Emploi", "group": "Gouvernement"},
    )
    workshop.phase("voting")
    api.call("PATCH", workshop.path(), {"commitments_open": True}, token)
    api.call("PUT", workshop.path(f"/workplan/activities/{activity}"), token=token)
    for spelling in ("Min. Emploi", "MIEPEEC"):
        api.call(
            "POST",
            workshop.path("/commitments"),
            {"activity_id": activity, "organisation": spelling, "role": "lead"},
            token,
        )

    console = open_console(
        contexts("console", "fr", viewport={"width": 1366, "height": 768}), workshop
    )
    conflict = console.locator("#workplan-card .gap-lead_conflict")
    conflict.first.wait_for()
    card = console.locator("#directory")
    card.scroll_into_view_if_needed()
    console.locator("#directory-rows tr").nth(13).wait_for()
    name = console.locator("#unmatched .unmatched-name")
    name.first.wait_for()
    assert name.all_inner_texts() == ["Min. Emploi"]
    assert console.locator("#directory-count").inner_text() == "14"
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    assert section_violations(console, "#directory") == []
    console.evaluate("document.querySelector('#directory').scrollIntoView()")
    console.screenshot(path=str(artifacts / "console-directory.png"))
    card.screenshot(path=str(artifacts / "console-directory-section.png"))

    # a file with bad rows: nothing imported, every bad row said by its line
    bad = "acronym;name_fr;stakeholder_group\nONMT;Office du tourisme;Tourisme\n;;Gouvernement\n"
    bad = bad.encode()
    console.set_input_files(
        "#directory-file", {"name": "annuaire.csv", "mimeType": "text/csv", "buffer": bad}
    )
    console.locator("#directory-import button").click()
    errors = console.locator("#directory-errors li")
    errors.first.wait_for()
    assert [e.split(" ")[1] for e in errors.all_inner_texts()] == ["2", "3"]
    card.screenshot(path=str(artifacts / "console-directory-import-error.png"))
    assert console.locator("#directory-count").inner_text() == "14"

    console.get_by_label("Même organisation que").select_option(str(ids["MIEPEEC"]))
    console.locator("#unmatched button", has_text="Fusionner").click()
    console.locator("#unmatched li.muted").wait_for()  # nothing left unmatched
    conflict.first.wait_for(state="detached")
    assert console.locator("#organisation-merges li").count() == 1
    console.locator("#unmatched-title").scroll_into_view_if_needed()
    console.screenshot(path=str(artifacts / "console-directory-merged.png"))
    row = console.locator("#directory-rows tr", has_text="MIEPEEC")
    assert row.locator("td.num").all_inner_texts() == ["1", "1"]

    console.locator("#organisation-merges button").click()  # undo
    conflict.first.wait_for()
    name.first.wait_for()
    assert name.all_inner_texts() == ["Min. Emploi"]
