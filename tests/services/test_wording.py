"""Words in the room's languages: wordings of group and track names, activity titles and
descriptions, their fallback to the original, the import's columns and refused input."""

import io
import json

import pytest
from openpyxl import Workbook

from workshop.services.activities import (
    ImportRefused,
    add_activity,
    edit_activity,
    import_activities,
)
from workshop.services.errors import DomainError, NotFound
from workshop.services.interchange import build_document, document_json, parse_document
from workshop.services.state import public_state, workshop_state
from workshop.services.wording import has_wordings, originals, word, wordings_for
from workshop.services.workshops import create_workshop, set_name_wordings

LONG_AR = "الشراكة من أجل المهارات مع ألمانيا لتنقل الممرضين والممرضات"


@pytest.fixture
def workshop(db):
    workshop, _ = create_workshop(
        db,
        title="Atelier THAMM",
        groups=["Gouvernement | ar: الحكومة | en: Government", "Employeurs"],
        tracks=[{"name": "Mobilité", "name_en": "Mobility"}, "Compétences"],
    )
    db.commit()
    return workshop


def test_the_setup_lines_carry_the_names_in_other_languages(workshop):
    gov, employers = workshop.groups
    assert (gov.name, gov.name_ar, gov.name_en, gov.name_fr) == (
        "Gouvernement",
        "الحكومة",
        "Government",
        "",
    )
    assert (employers.name, employers.name_ar, employers.name_en) == ("Employeurs", "", "")
    mobility, skills = workshop.tracks
    assert (mobility.name, mobility.name_en, mobility.name_ar) == ("Mobilité", "Mobility", "")
    assert skills.name_en == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "الحكومة"), ("en", "Government"), ("fr", "Gouvernement"), (None, "Gouvernement")],
)
def test_each_language_sees_its_wording_or_the_original(workshop, language, expected):
    gov, employers = workshop.groups
    assert word(gov, "name", language) == expected
    assert word(employers, "name", language) == "Employeurs"  # no wording: the original


def test_an_unknown_language_on_a_setup_line_is_refused_with_its_key(db):
    with pytest.raises(DomainError) as refused:
        create_workshop(db, title="T", groups=["Gouvernement | de: Regierung"])
    assert refused.value.key == "wording_language"
    with pytest.raises(DomainError) as refused:
        create_workshop(db, title="T", groups=[{"name": "G", "nom_ar": "x"}])
    assert refused.value.key == "field_invalid" and refused.value.params["field"] == "nom_ar"


def test_a_wording_too_long_names_its_field(db, workshop):
    with pytest.raises(DomainError) as refused:
        set_name_wordings(db, workshop, "group", workshop.groups[0].id, {"name_en": "x" * 81})
    assert refused.value.key == "field_too_long"
    assert refused.value.params["field"] == "name_en"
    assert workshop.groups[0].name_en == "Government"  # nothing changed


def test_the_console_sets_and_removes_wordings(db, workshop):
    version = workshop.version
    group = set_name_wordings(
        db, workshop, "group", workshop.groups[1].id, {"name_ar": " أرباب العمل "}
    )
    assert group.name_ar == "أرباب العمل"
    set_name_wordings(db, workshop, "group", group.id, {"name_ar": ""})
    assert group.name_ar == ""
    track = set_name_wordings(db, workshop, "track", workshop.tracks[1].id, {"name_ar": "الكفاءات"})
    assert track.name_ar == "الكفاءات"
    assert workshop.version == version + 3
    with pytest.raises(NotFound):
        set_name_wordings(db, workshop, "track", 999, {"name_ar": "x"})
    with pytest.raises(DomainError) as refused:
        set_name_wordings(db, workshop, "track", track.id, {"title_ar": "x"})  # a track has a name
    assert refused.value.params["field"] == "title_ar"
    with pytest.raises(DomainError):
        set_name_wordings(db, workshop, "track", track.id, ["name_ar"])


def test_a_wording_equal_to_the_original_is_no_wording(db, workshop):
    activity = add_activity(
        db, workshop, title="Observatoire", wordings={"title_fr": "Observatoire"}
    )
    assert activity.title_fr == ""


def test_activities_take_wordings_when_added_and_edited(db, workshop):
    activity = add_activity(
        db,
        workshop,
        title="Partenariat Maroc–Allemagne pour la mobilité des infirmiers",
        wordings={"title_ar": LONG_AR, "title_en": "Skills partnership with Germany for nurses"},
    )
    assert activity.title_ar == LONG_AR
    edit_activity(db, workshop, activity.id, wordings={"description_en": "Two years, 300 nurses"})
    assert activity.description_en == "Two years, 300 nurses"
    assert activity.title_en == "Skills partnership with Germany for nurses"  # left as it was
    with pytest.raises(DomainError) as refused:
        edit_activity(db, workshop, activity.id, wordings={"title_ar": "x" * 121})
    assert (refused.value.key, refused.value.params["field"]) == ("field_too_long", "title_ar")
    assert activity.title_ar == LONG_AR


def test_a_phone_gets_the_originals_and_its_own_language_apart(db, workshop):
    add_activity(db, workshop, title="Observatoire", wordings={"title_ar": "مرصد"})
    add_activity(db, workshop, title="Sans traduction")
    db.commit()
    full = workshop_state(db, workshop, include_hidden=True)
    assert full["activities"][0]["title_ar"] == "مرصد"  # the console sees every wording
    assert "title_ar" not in full["activities"][1]  # no wording costs no byte
    assert full["groups"][0]["name_en"] == "Government"
    public = public_state(full)
    plain = originals(public)
    assert [a["title"] for a in plain["activities"]] == ["Observatoire", "Sans traduction"]
    assert all(not k.endswith(("_ar", "_en", "_fr")) for a in plain["activities"] for k in a)
    assert plain["groups"][0] == {
        "group_id": workshop.groups[0].id,
        "name": "Gouvernement",
        "participants": 0,
    }
    first = full["activities"][0]["id"]
    assert wordings_for(public, "ar") == {
        "language": "ar",
        "groups": [{"group_id": workshop.groups[0].id, "name": "الحكومة"}],
        "tracks": [],
        "activities": [{"id": first, "title": "مرصد"}],
    }
    english = wordings_for(public, "en")
    assert english["tracks"] == [{"id": workshop.tracks[0].id, "name": "Mobility"}]
    assert english["activities"] == []
    french = wordings_for(public, "fr")
    assert not has_wordings(french)
    assert originals(plain) is plain  # nothing to take out: the same snapshot


def test_the_import_reads_wording_columns(db, workshop):
    data = (
        "title;title_ar;title_en;description;description_ar;track\n"
        "Observatoire;مرصد;Observatory;Un observatoire;مرصد للهجرة;Mobilité\n"
        "Sans traduction;;;;;\n"
    ).encode()
    first, second = import_activities(db, workshop, data)
    assert (first.title, first.title_ar, first.title_en) == ("Observatoire", "مرصد", "Observatory")
    assert first.description_ar == "مرصد للهجرة"
    assert (second.title_ar, second.title_en, second.description_ar) == ("", "", "")


def test_without_a_title_column_the_workshop_language_is_the_original(db, workshop):
    data = "title_fr,title_ar\nFormer les inspecteurs,تكوين المفتشين\n"
    (activity,) = import_activities(db, workshop, data)
    assert (activity.title, activity.title_ar, activity.title_fr) == (
        "Former les inspecteurs",
        "تكوين المفتشين",
        "",
    )


def test_the_import_reads_an_xlsx_with_wording_columns(db, workshop):
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "title_ar", "description_en", "track"])
    sheet.append(["Observatoire", "مرصد", "A migration observatory", "Compétences"])
    sheet.append([2026, None, None, None])  # a number typed in a cell is its text
    out = io.BytesIO()
    book.save(out)
    first, second = import_activities(db, workshop, out.getvalue())
    assert (first.title_ar, first.description_en) == ("مرصد", "A migration observatory")
    assert first.track.name == "Compétences"
    assert second.title == "2026"


def test_a_bad_wording_in_the_import_names_its_line_and_field(db, workshop):
    data = "title,title_ar\nBon,\nTrop long," + "ا" * 121 + "\n"
    with pytest.raises(ImportRefused) as refused:
        import_activities(db, workshop, data)
    assert refused.value.rows == [
        {
            "line": 3,
            "error": "field_too_long",
            "params": {"field": "title_ar", "length": 121, "max": 120},
        }
    ]


def test_a_broken_xlsx_is_refused_with_its_key(db, workshop):
    with pytest.raises(DomainError) as refused:
        import_activities(db, workshop, b"PK\x03\x04 not a workbook")
    assert refused.value.key == "import_encoding"


def test_the_export_document_carries_the_wordings_for_another_instance(db, workshop):
    add_activity(db, workshop, title="Observatoire", wordings={"title_en": "Observatory"})
    add_activity(db, workshop, title="Sans traduction")
    db.commit()
    document = build_document(db, workshop)
    first, second = document["activities"]
    assert first["title_en"] == "Observatory" and "title_ar" not in first
    assert not any(k.startswith(("title_", "description_")) for k in second)
    parsed = parse_document(json.loads(document_json(document)))
    assert parsed["activities"][0]["title_en"] == "Observatory"
    first["title_ar"] = "ا" * 121  # too long: the document is refused, as any bad field
    with pytest.raises(DomainError) as refused:
        parse_document(json.loads(document_json(document)))
    assert refused.value.key == "import_not_an_export"
