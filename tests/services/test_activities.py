"""Activities: proposals, the facilitator's drafts, moderation, text limits and CSV import."""

import pytest
from sqlalchemy import func, select

from workshop.models import Activity, Phase, Track, Workshop
from workshop.services.activities import (
    MAX_IMPORT_ROWS,
    ImportRefused,
    add_activity,
    edit_activity,
    get_activity,
    import_activities,
    list_activities,
    propose_activity,
    set_activity_status,
)
from workshop.services.errors import DomainError, NotFound
from workshop.services.participants import join_workshop
from workshop.services.workshops import create_workshop

FR_AR = "Renforcer l'employabilité des jeunes — تعزيز قابلية تشغيل الشباب"


@pytest.fixture
def workshop(db):
    workshop, _ = create_workshop(
        db, title="Atelier", groups=["Gouvernement", "Employeurs"], tracks=["Emploi", "Compétences"]
    )
    db.commit()
    return workshop


@pytest.fixture
def participant(db, workshop):
    participant, _ = join_workshop(db, workshop, name="A", organisation="O", group="Employeurs")
    db.commit()
    return participant


def in_phase(db, workshop, phase):
    workshop.phase = phase
    db.commit()
    return workshop


def refused(key, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


def count(db) -> int:
    return db.scalar(select(func.count(Activity.id)))


def version(db, workshop) -> int:
    return db.scalar(select(Workshop.version).where(Workshop.id == workshop.id))


# -- proposing and adding -------------------------------------------------------------------


def test_participant_proposes_while_proposals_are_open(db, workshop, participant):
    in_phase(db, workshop, "proposing")
    before = version(db, workshop)
    activity = propose_activity(
        db, workshop, participant, title=FR_AR, description="Pourquoi", track="emploi"
    )
    db.commit()
    assert activity.id is not None and activity.title == FR_AR
    assert activity.proposed_by_id == participant.id
    assert activity.track.name == "Emploi" and activity.status == "visible"
    assert version(db, workshop) == before + 1


@pytest.mark.parametrize("phase", ["setup", "voting", "closed"])
def test_proposing_refused_outside_the_proposing_phase(db, workshop, participant, phase):
    in_phase(db, workshop, phase)
    refused("not_proposing", propose_activity, db, workshop, participant, title="Former")
    assert count(db) == 0


@pytest.mark.parametrize("phase", [p.value for p in Phase])
def test_facilitator_adds_in_any_phase(db, workshop, phase):
    in_phase(db, workshop, phase)
    activity = add_activity(db, workshop, title="Former", track=workshop.tracks[1].id)
    db.commit()
    assert activity.proposed_by_id is None
    assert activity.track.name == "Compétences"
    assert count(db) == 1


def test_unknown_track_refused(db, workshop):
    refused("track_invalid", add_activity, db, workshop, title="Former", track="Santé")
    assert add_activity(db, workshop, title="Former", track="").track is None
    assert add_activity(db, workshop, title="Former", track=None).track is None


def test_title_limit_is_120_characters(db, workshop):
    assert len(add_activity(db, workshop, title="é" * 120).title) == 120
    assert len(add_activity(db, workshop, title="ت" * 120).title) == 120
    error = refused("field_too_long", add_activity, db, workshop, title="é" * 121)
    assert error.params == {"field": "title", "max": 120, "length": 121}


def test_description_limit_is_1000_characters(db, workshop):
    assert len(add_activity(db, workshop, title="T", description="d" * 1000).description) == 1000
    error = refused("field_too_long", add_activity, db, workshop, title="T", description="d" * 1001)
    assert error.params == {"field": "description", "max": 1000, "length": 1001}


@pytest.mark.parametrize("title", [None, "", "  \t ", "\x00\u200b"])
def test_title_required(db, workshop, title):
    refused("field_required", add_activity, db, workshop, title=title)


def test_non_text_refused(db, workshop):
    refused("field_invalid", add_activity, db, workshop, title=12)
    refused("field_invalid", add_activity, db, workshop, title="T", description=["x"])


def test_whitespace_and_control_characters_are_cleaned(db, workshop):
    activity = add_activity(
        db,
        workshop,
        title="  Former\x00 les\u200b \t jeunes\u00a0 \n aux\x07 métiers\ufeff ",
        description=" Ligne  1 \r\n\r\n\r\n\r\nLigne\t2\x1b\u2028 \n",
    )
    assert activity.title == "Former les jeunes aux métiers"
    assert activity.description == "Ligne 1\n\nLigne 2"


def test_text_is_normalised_to_nfc(db, workshop):
    # "é" typed as e + combining acute counts, and is stored, as one character
    activity = add_activity(db, workshop, title="Employabilite\u0301 " + "x" * 106)
    assert activity.title.startswith("Employabilité ")
    assert len(activity.title) == 120


# -- editing and moderation -----------------------------------------------------------------


def test_edit_changes_only_what_is_given(db, workshop):
    activity = add_activity(db, workshop, title="Former", description="Avant", track="Emploi")
    db.commit()
    before = version(db, workshop)
    edit_activity(db, workshop, activity.id, title=" Former mieux ")
    db.commit()
    assert (activity.title, activity.description, activity.track.name) == (
        "Former mieux",
        "Avant",
        "Emploi",
    )
    assert version(db, workshop) == before + 1
    edit_activity(db, workshop, str(activity.id), description="", track=None)
    db.commit()
    assert (activity.title, activity.description, activity.track) == ("Former mieux", "", None)
    edit_activity(db, workshop, activity.id, track="Compétences")
    assert activity.track.name == "Compétences"


def test_edit_validates(db, workshop):
    activity = add_activity(db, workshop, title="Former")
    db.commit()
    refused("field_too_long", edit_activity, db, workshop, activity.id, title="x" * 121)
    refused("field_required", edit_activity, db, workshop, activity.id, title=" ")
    refused("track_invalid", edit_activity, db, workshop, activity.id, track="Inconnue")
    db.rollback()
    assert db.get(Activity, activity.id).title == "Former"


def test_activity_of_another_workshop_is_not_found(db, workshop):
    other, _ = create_workshop(db, title="Autre", groups=["G"])
    elsewhere = add_activity(db, other, title="Ailleurs")
    db.commit()
    for call in (
        lambda: get_activity(db, workshop, elsewhere.id),
        lambda: edit_activity(db, workshop, elsewhere.id, title="Piraté"),
        lambda: set_activity_status(db, workshop, elsewhere.id, "hidden"),
    ):
        with pytest.raises(NotFound):
            call()
    db.rollback()
    assert db.get(Activity, elsewhere.id).title == "Ailleurs"
    assert db.get(Activity, elsewhere.id).status == "visible"


@pytest.mark.parametrize(
    "raw", [None, "abc", "", 1.0, True, [1], {"id": 1}, -1, 0, 10**30, "9" * 30, "9" * 5000]
)
def test_unknown_activity_ids_are_not_found(db, workshop, raw):
    add_activity(db, workshop, title="Former")
    db.commit()
    with pytest.raises(NotFound) as info:
        get_activity(db, workshop, raw)
    assert info.value.key == "activity_not_found"


def test_hide_and_restore(db, workshop):
    first = add_activity(db, workshop, title="Un")
    second = add_activity(db, workshop, title="Deux")
    db.commit()
    before = version(db, workshop)
    set_activity_status(db, workshop, first.id, "hidden")
    db.commit()
    assert first.status == "hidden"
    assert [a.id for a in list_activities(db, workshop)] == [second.id]
    assert [a.id for a in list_activities(db, workshop, include_hidden=True)] == [
        first.id,
        second.id,
    ]
    assert version(db, workshop) == before + 1
    set_activity_status(db, workshop, first.id, "visible")
    db.commit()
    assert [a.id for a in list_activities(db, workshop)] == [first.id, second.id]
    with pytest.raises(ValueError):
        set_activity_status(db, workshop, first.id, "deleted")


# -- CSV import -----------------------------------------------------------------------------


def imported(db, workshop, data):
    created = import_activities(db, workshop, data)
    db.commit()
    return [(a.title, a.description, a.track.name if a.track else None) for a in created]


def test_import_comma_separated(db, workshop):
    data = 'title,description,track\r\nFormer,"Avec, des virgules",Emploi\r\nAccompagner,,\r\n'
    assert imported(db, workshop, data) == [
        ("Former", "Avec, des virgules", "Emploi"),
        ("Accompagner", "", None),
    ]
    assert count(db) == 2


def test_import_semicolon_separated(db, workshop):
    data = "title;description;track\nFormer;Avec, une virgule;compétences\nAider;x;\n"
    assert imported(db, workshop, data) == [
        ("Former", "Avec, une virgule", "Compétences"),
        ("Aider", "x", None),
    ]


def test_import_tab_separated(db, workshop):
    assert imported(db, workshop, "title\tdescription\nFormer\tDétail\n") == [
        ("Former", "Détail", None)
    ]


def test_import_utf8_with_bom(db, workshop):
    data = ("\ufefftitle;track\n" + FR_AR + ";Emploi\n").encode("utf-8")
    assert imported(db, workshop, data) == [(FR_AR, "", "Emploi")]
    assert imported(db, workshop, "\ufefftitle\nTexte\n") == [("Texte", "", None)]


def test_import_cp1252_bytes(db, workshop):
    data = "Titre;Description\nFormation qualifiante;Employabilité des diplômés – 2025\n"
    assert imported(db, workshop, data.encode("cp1252")) == [
        ("Formation qualifiante", "Employabilité des diplômés – 2025", None)
    ]


def test_import_french_headers(db, workshop):
    data = " Titre ;DESCRIPTION;Piste\nFormer;Pourquoi;Emploi\n"
    assert imported(db, workshop, data) == [("Former", "Pourquoi", "Emploi")]
    assert imported(db, workshop, "titre,axe\nAider,Compétences\n") == [
        ("Aider", "", "Compétences")
    ]


def test_import_one_column_keeps_commas_in_titles(db, workshop):
    data = "title\nFormer, accompagner et insérer\nAider\n"
    assert imported(db, workshop, data) == [
        ("Former, accompagner et insérer", "", None),
        ("Aider", "", None),
    ]


def test_import_creates_unknown_tracks_once(db, workshop):
    data = "title,track\nA,Emploi\nB,Jeunesse\nC,jeunesse\nD,Égalité  femmes-hommes\nE,\n"
    rows = imported(db, workshop, data)
    assert rows == [
        ("A", "", "Emploi"),
        ("B", "", "Jeunesse"),
        ("C", "", "Jeunesse"),
        ("D", "", "Égalité femmes-hommes"),
        ("E", "", None),
    ]
    names = db.scalars(
        select(Track.name).where(Track.workshop_id == workshop.id).order_by(Track.position)
    ).all()
    assert names == ["Emploi", "Compétences", "Jeunesse", "Égalité femmes-hommes"]


def test_import_skips_blank_rows(db, workshop):
    assert imported(db, workshop, "title,description\n\nA,x\n,\n , \nB,y\n") == [
        ("A", "x", None),
        ("B", "y", None),
    ]


def test_import_is_all_or_nothing_with_the_lines_to_fix(db, workshop):
    too_long = "x" * 121
    data = (
        "title;description;track\n"  # line 1
        "Bon;ok;Nouvelle piste\n"  # line 2
        f"{too_long};ok;\n"  # line 3: title too long
        "\n"  # line 4: blank, skipped but counted
        ";une description sans titre;\n"  # line 5: no title
        f"Bon aussi;{'d' * 1001};\n"  # line 6: description too long
        f"Piste trop longue;;{'p' * 81}\n"  # line 7: track name too long
    )
    before = version(db, workshop)
    with pytest.raises(ImportRefused) as info:
        import_activities(db, workshop, data)
    error = info.value
    assert error.key == "import_refused" and error.params == {"count": 4}
    assert [(r["line"], r["error"], r["params"]["field"]) for r in error.rows] == [
        (3, "field_too_long", "title"),
        (5, "field_required", "title"),
        (6, "field_too_long", "description"),
        (7, "field_too_long", "track"),
    ]
    assert error.rows[0]["params"] == {"field": "title", "max": 120, "length": 121}
    db.rollback()
    assert count(db) == 0
    assert db.scalar(select(func.count(Track.id))) == 2  # "Nouvelle piste" was not created
    assert version(db, workshop) == before


def test_import_line_numbers_follow_spreadsheet_rows(db, workshop):
    # a quoted cell with line breaks is one spreadsheet row
    data = f'title,description\nA,"deux\nlignes"\n{"x" * 121},\n'
    with pytest.raises(ImportRefused) as info:
        import_activities(db, workshop, data)
    assert [r["line"] for r in info.value.rows] == [3]


def test_import_without_title_column_refused(db, workshop):
    for data in ("name,description\nA,b\n", "description\nA\n", "", "\ufeff"):
        refused("import_no_title_column", import_activities, db, workshop, data)
    assert count(db) == 0


def test_import_unreadable_file_refused(db, workshop):
    # 0x81 is undefined in cp1252 and invalid in UTF-8
    refused("import_encoding", import_activities, db, workshop, b"title\nA\x81\n")
    # a cell beyond the csv module's limit is refused, not a crash
    refused("import_encoding", import_activities, db, workshop, "title\n" + "x" * 200_000)
    assert count(db) == 0


def test_import_row_limit(db, workshop):
    ok = "title\n" + "".join(f"A{i}\n" for i in range(MAX_IMPORT_ROWS))
    assert len(import_activities(db, workshop, ok)) == MAX_IMPORT_ROWS
    db.rollback()
    error = refused("too_many", import_activities, db, workshop, ok + "Une de trop\n")
    assert error.params == {"field": "rows", "max": MAX_IMPORT_ROWS}
