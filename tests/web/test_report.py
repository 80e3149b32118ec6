"""The session report page: who may see it, its language, its charts, and what it says."""

import html
import re
from pathlib import Path

from flask_babel import force_locale

from tests.playbook import FR_AR, api
from workshop import charts
from workshop.models import Workshop
from workshop.services import report as report_service


def open_console(client, w):
    assert client.get(w["facilitator_url"].removeprefix("http://atelier.test")).status_code == 302


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_only_the_facilitator_sees_the_report(client, played, app):
    assert client.get(f"/f/{played.code}/report").status_code == 403
    stranger = app.test_client()
    stranger.get(f"/j/{played.code}")
    assert stranger.get(f"/f/{played.code}/report").status_code == 403
    open_console(client, played.w)
    assert client.get(f"/f/{played.code}/report").status_code == 200
    assert client.get("/f/NOPE99/report").status_code == 404


def test_report_in_the_workshops_language_with_charts(client, played):
    open_console(client, played.w)
    r = client.get(f"/f/{played.code}/report", headers={"Accept-Language": "en"})
    page = r.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page  # the workshop is French, the browser English
    text = text_of(page)
    for expected in (
        "Rapport de séance",
        "Participation",
        "Résultats classés",
        "Plan de travail",
        FR_AR,
        "Sans chef de file",
        "Plusieurs chefs de file",
        "Associer les régions — إشراك الجهات",
        "Points : 5 par personne, au plus 3 sur une même activité",
    ):
        assert expected in text, expected
    assert "Gommettes" not in text  # the console's form says "Points"
    assert page.count("<svg") >= 5  # group chart, one split bar per result, roles chart
    # issue 6 measures consensus and keeps the merge history: both sections are there
    assert "Consensus" in text and "Historique des fusions" in text
    # the strict CSP holds: no inline script or style attribute, only this server's files
    assert "<script>" not in page and "style=" not in page
    for link in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert link.startswith(("/", "?", "#")), link


def test_report_language_can_be_chosen(client, played):
    open_console(client, played.w)
    page = client.get(f"/f/{played.code}/report?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "تقرير الجلسة" in page and 'direction="rtl"' in page
    english = text_of(client.get(f"/f/{played.code}/report?lang=en").get_data(as_text=True))
    assert "Session report" in english and "Ranked results" in english


def test_report_numbers(client, played):
    open_console(client, played.w)
    text = " ".join(
        text_of(client.get(f"/f/{played.code}/report?lang=en").get_data(as_text=True)).split()
    )
    assert "5 participants" in text and "5 organisations" in text
    assert "3 retained activities" in text and "6 commitments" in text
    assert "Retained activities without a lead: 1." in text
    assert "Activities with more than one lead: 1." in text
    # the hostile title is shown as text, never as markup
    assert '=HYPERLINK("http://x")' in text


def test_consensus_and_merges_slot_in_when_provided(client, played, monkeypatch):
    open_console(client, played.w)
    first = played.ids["first"]
    monkeypatch.setattr(
        report_service,
        "consensus_by_activity",
        lambda db, w: {first: {"score": 0.9, "label": "Fort consensus"}},
    )
    monkeypatch.setattr(
        report_service,
        "merge_history",
        lambda db, w: [{"at": "2026-05-28 10:00", "kept_title": "A", "merged_titles": ["B", "C"]}],
    )
    text = text_of(client.get(f"/f/{played.code}/report").get_data(as_text=True))
    assert "Consensus" in text and "Fort consensus" in text
    assert "Historique des fusions" in text
    assert "<bdi>B</bdi>; <bdi>C</bdi>" in client.get(f"/f/{played.code}/report").get_data(
        as_text=True
    )


def test_report_of_an_empty_workshop(client, make_workshop):
    w = make_workshop()
    open_console(client, w)
    r = client.get(f"/f/{w['code']}/report")
    assert r.status_code == 200
    text = text_of(r.get_data(as_text=True))
    assert "Personne n'a rejoint cet atelier." in text
    assert "Aucune activité n'a encore été retenue pour le plan de travail." in text


def test_a_hidden_comment_is_not_in_the_report(client, played):
    open_console(client, played.w)
    comment_id = api(client, played.w, "GET", "/comments")["comments"][1]["id"]
    api(client, played.w, "POST", f"/comments/{comment_id}/hide")
    text = text_of(client.get(f"/f/{played.code}/report").get_data(as_text=True))
    assert "=1+1 pas une formule" not in text
    assert "Associer les régions" in text


def test_charts_escape_labels_and_mirror_for_arabic():
    bars = [charts.Bar(label="<script>alert(1)</script>", values=[2, 1])]
    ltr = str(charts.bar_chart(bars, ["#000", "#111"], title="T & <b>"))
    assert "<script>" not in ltr and "&lt;script&gt;" in ltr and "T &amp; &lt;b&gt;" in ltr
    rtl = str(charts.bar_chart(bars, ["#000", "#111"], title="T", rtl=True))

    def first_rect(svg):
        x, w = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg).groups()
        return float(x), float(w)

    x, _w = first_rect(ltr)
    assert x == 260.0  # bars start after the labels, on the left
    x, w = first_rect(rtl)
    assert round(x + w, 1) == 720 - 260  # and grow leftwards from the labels, on the right
    split = str(charts.split_bar([1, 3], ["#a", "#b"], scale=0.5, label="x", width=100))
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="0" width="([\d.]+)"', split)]
    assert widths == [100.0, 12.5, 37.5]  # background, then a quarter and three quarters of half


def test_the_report_prints_the_session_date_and_venue(client, played):
    open_console(client, played.w)
    body = {"session_date": "2026-05-28", "venue": "Hôtel Sofitel Jardin des Roses, Rabat"}
    assert api(client, played.w, "PATCH", "", json=body)["ok"]
    for lang, day in (("fr", "28 mai 2026"), ("en", "May 28, 2026"), ("ar", "28 مايو 2026")):
        page = client.get(f"/f/{played.code}/report?lang={lang}").get_data(as_text=True)
        head = " ".join(text_of(page.split('<section class="report-section"')[0]).split())
        assert f"{day} · Hôtel Sofitel Jardin des Roses, Rabat" in head, (lang, head)
        assert '<time datetime="2026-05-28">' in page
    api(client, played.w, "PATCH", "", json={"session_date": None, "time_zone": "Asia/Tokyo"})
    tokyo = Workshop(session_date=None, time_zone="Asia/Tokyo")
    before = report_service.session_day(tokyo).isoformat()
    page = client.get(f"/f/{played.code}/report?lang=en").get_data(as_text=True)
    after = report_service.session_day(tokyo).isoformat()
    day = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)">', page).group(1)
    assert day in {before, after}  # today in Tokyo (a second may cross midnight)
    assert "(Asia/Tokyo)" in text_of(page)  # the footer's time is in the workshop's zone


def test_lists_of_organisations_read_right_in_arabic(client, played):
    open_console(client, played.w)
    page = client.get(f"/f/{played.code}/report?lang=ar").get_data(as_text=True)
    # each name isolated, joined with the Arabic comma: "OIT، CGEM" keeps its order in RTL
    lead = (
        r"<bdi>(OIT|CGEM)</bdi>[^،]*?<span class=\"sep\">، </span><span[^>]*><bdi>(CGEM|OIT)</bdi>"
    )
    assert re.search(lead, page), "the lead cell of the second activity"
    assert ", " not in "".join(re.findall(r'<span class="sep">([^<]*)</span>', page))
    french = client.get(f"/f/{played.code}/report?lang=fr").get_data(as_text=True)
    assert '<span class="sep">, </span>' in french


def test_consensus_flags_use_the_words_of_their_one_home(client, played, app):
    from workshop.messages import flag_words

    open_console(client, played.w)
    results = api(client, played.w, "GET", "/results")
    names = {g["group_id"]: g["name"] for g in api(client, played.w, "GET", "")["groups"]}
    flagged = [r for r in results["activities"] if r["flags"]]
    assert flagged  # the second activity: both supporters are agencies
    with app.test_request_context(), force_locale("fr"):
        expected = [w for r in flagged for w in flag_words(r, names)]
    text = text_of(client.get(f"/f/{played.code}/report").get_data(as_text=True))
    for words in expected:
        assert words in text, words


def test_the_ranked_table_leaves_the_title_its_room():
    """Every narrow column of the results table is a share of the table, never a fixed
    length: a sum of rem widths once went past an A4 page and left the title one letter wide."""
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "report.css").read_text()
    widths = dict(
        re.findall(r"\.(c-rank|c-num|c-split|c-consensus|c-flag) \{ inline-size: ([^;]+);", css)
    )
    assert set(widths) == {"c-rank", "c-num", "c-split", "c-consensus", "c-flag"}
    assert all(w.endswith("%") for w in widths.values()), widths
    share = {k: float(v[:-1]) for k, v in widths.items()}
    narrow = share["c-rank"] + 2 * share["c-num"] + share["c-split"] + share["c-consensus"]
    assert narrow + share["c-flag"] <= 55  # the title keeps at least 45% of the width
    assert "table-header-group" in css and "break-inside: avoid" in css


def test_the_session_fields_through_the_api(client, played):
    import json

    from workshop.models import VENUE_MAX

    doc = json.loads(
        (Path(__file__).resolve().parents[2] / "workshop" / "openapi.json").read_text()
    )
    update = doc["components"]["schemas"]["WorkshopUpdate"]["properties"]
    assert update["venue"]["maxLength"] == VENUE_MAX
    state = api(client, played.w, "GET", "")
    assert (state["session_date"], state["venue"], state["time_zone"]) == (
        None,
        "",
        "Africa/Casablanca",
    )
    body = {"session_date": "2026-05-28", "venue": "Rabat", "time_zone": "Europe/Paris"}
    assert api(client, played.w, "PATCH", "", json=body)["ok"]
    state = api(client, played.w, "GET", "")
    assert [state[k] for k in body] == ["2026-05-28", "Rabat", "Europe/Paris"]
    for field, value in (("session_date", "28/05/2026"), ("time_zone", "Rabat/Agdal")):
        response = client.patch(
            f"/api/workshops/{played.code}", headers=played.w["auth"], json={field: value}
        )
        refused = response.get_json()
        assert response.status_code == 400
        assert refused["error"] == "field_invalid"
