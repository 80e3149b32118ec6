"""Exports in the room's conventions: a CSV as the workshop's language's Excel reads it (`;`
and decimal comma for French and Arabic, `,` for English), overridable per download; the
wordings of names and titles beside their originals."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook


def url(w, suffix=""):
    return f"/api/workshops/{w['code']}{suffix}"


def download(client, w, name, fmt, **query):
    r = client.get(url(w, f"/export/{name}.{fmt}"), headers=w["auth"], query_string=query)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.data


def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Arabic as written
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.fixture
def scored(client, make_workshop, join, socket_client):
    """A score vote: two participants give 2 and 3, a mean of 2.5; one activity worded."""

    def _make(language):
        w = make_workshop(
            language=language,
            voting={"mode": "score"},
            groups=["Gouvernement | ar: الحكومة | en: Government", "Employeurs"],
        )
        r = client.post(
            url(w, "/activities"),
            json={"title": "Observatoire", "title_ar": "مرصد", "description_en": "An observatory"},
            headers=w["auth"],
        )
        activity = r.get_json()["activity_id"]
        client.post(url(w, "/activities"), json={"title": "Sans traduction"}, headers=w["auth"])
        client.post(url(w, "/phase"), json={"phase": "voting"}, headers=w["auth"])
        for n, score in enumerate((2, 3)):
            phone = socket_client({"participant_token": join(w["code"], organisation=f"O{n}")})
            ack = phone.emit(
                "cast_vote",
                {"activity_id": activity, "score": score, "op_id": f"s{n}"},
                callback=True,
            )
            assert ack["ok"], ack
        return w

    return _make


@pytest.mark.parametrize(("language", "delimiter"), [("fr", ";"), ("ar", ";"), ("en", ",")])
def test_a_csv_follows_the_workshop_language(client, scored, language, delimiter):
    w = scored(language)
    data = download(client, w, "activities", "csv")
    rows = read_csv(data, delimiter)
    assert len({len(row) for row in rows}) == 1 and len(rows) == 3  # every row whole
    other = "," if delimiter == ";" else ";"
    assert other not in data.decode("utf-8-sig").split("\r\n", 1)[0]  # the header splits once
    first = next(row for row in rows[1:] if row[2] == "Observatoire")
    assert first[7] == ("2.5" if language == "en" else "2,5")  # the mean score, as Excel reads
    votes = read_csv(download(client, w, "votes", "csv"), delimiter)[1:]
    pattern = r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d" if language == "en" else r"\d\d/\d\d/20\d\d .*"
    assert votes and all(re.fullmatch(pattern, row[5]) for row in votes)


def test_a_download_may_ask_for_other_conventions(client, scored):
    w = scored("fr")
    english = read_csv(download(client, w, "activities", "csv", conventions="en"), ",")
    assert next(r for r in english if r[2] == "Observatoire")[7] == "2.5"
    w_en = scored("en")
    french = read_csv(download(client, w_en, "activities", "csv", conventions="ar"), ";")
    assert next(r for r in french if r[2] == "Observatoire")[7] == "2,5"
    r = client.get(url(w, "/export/activities.csv?conventions=de"), headers=w["auth"])
    assert r.status_code == 400
    assert r.get_json()["error"] == "field_invalid" and r.get_json()["message"]


def test_the_xlsx_keeps_numbers_as_numbers(client, scored):
    w = scored("fr")
    sheet = load_workbook(io.BytesIO(download(client, w, "activities", "xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    first = next(r for r in rows[1:] if r[2] == "Observatoire")
    assert first[7] == 2.5 and isinstance(first[1], int)


def test_the_exports_keep_the_originals_and_add_the_wordings(client, scored):
    w = scored("fr")
    rows = read_csv(download(client, w, "activities", "csv", lang="en"), ";")
    headers = rows[0]
    assert headers[2:4] == ["title", "description"]  # the originals, where they always were
    assert headers[-4:] == [
        "title (العربية)",
        "description (العربية)",
        "title (English)",
        "description (English)",
    ]  # only the languages with a wording, after every other column
    first = next(row for row in rows[1:] if row[2] == "Observatoire")
    assert first[-4:] == ["مرصد", "", "", "An observatory"]
    second = next(row for row in rows[1:] if row[2] == "Sans traduction")
    assert second[-4:] == ["", "", "", ""]
    assert "Government" in headers and "Gouvernement" not in headers  # names in the reader's
    arabic = read_csv(download(client, w, "activities", "csv", lang="ar"), ";")[0]
    assert "الحكومة" in arabic and "Employeurs" in arabic  # no wording: the original
    sheet = load_workbook(io.BytesIO(download(client, w, "activities", "xlsx", lang="en"))).active
    header = [c.value for c in sheet[1]]
    assert header[-4:] == headers[-4:]


def test_a_workshop_without_wordings_exports_no_wording_column(client, make_workshop):
    w = make_workshop()
    client.post(url(w, "/activities"), json={"title": "Seule"}, headers=w["auth"])
    headers = read_csv(download(client, w, "activities", "csv", lang="en"), ";")[0]
    assert not any("(English)" in h or "(العربية)" in h for h in headers)
