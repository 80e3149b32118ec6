"""Reading exports from elsewhere, the consolidated view, and the links it proposes."""

import io
import json
import zipfile

import pytest

from workshop.services.activities import add_activity
from workshop.services.commitments import add_commitment
from workshop.services.consolidation import (
    add_imported_source,
    add_local_source,
    consolidated_view,
    create_consolidation,
    decide_link,
    remove_source,
)
from workshop.services.errors import DomainError
from workshop.services.interchange import build_document, parse_document, read_upload
from workshop.services.similarity import DEFAULT_THRESHOLD
from workshop.services.workplan import set_retained
from workshop.services.workshops import create_workshop


def refused(key, fn, *args, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)


# -- the interchange document -----------------------------------------------------------------


def workshop_with_plan(db, title, activities, commitments, retained=None):
    workshop, _ = create_workshop(db, title=title, groups=["Gouvernement", "Agences"])
    db.flush()
    ids = [add_activity(db, workshop, title=t).id for t in activities]
    for index, organisation, role in commitments:
        add_commitment(
            db,
            workshop,
            activity_id=ids[index],
            organisation=organisation,
            role=role,
            confirmed=role == "lead",
        )
    for index in retained or []:
        set_retained(db, workshop, ids[index], True)
    db.commit()
    return workshop, ids


def test_a_document_survives_the_round_trip(db):
    workshop, ids = workshop_with_plan(
        db, "Atelier OIT", ["Former les inspecteurs", "Observatoire"], [(0, "OIT", "lead")], [0]
    )
    document = build_document(db, workshop)
    assert parse_document(json.loads(json.dumps(document))) == document
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ABC/ABC-activities.csv", "x")
        z.writestr("ABC/atelier-export.json", json.dumps(document))
    assert read_upload(archive.getvalue()) == document
    assert read_upload(json.dumps(document).encode("utf-8-sig")) == document


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(format="something-else"),
        lambda d: d.update(version=2),
        lambda d: d["workshop"].update(title=""),
        lambda d: d["workshop"].update(title=["x"]),
        lambda d: d["activities"][0].update(id="1"),
        lambda d: d["activities"][0].update(id=True),
        lambda d: d["activities"].append(dict(d["activities"][0])),  # duplicate id
        lambda d: d["activities"][0].update(title="x" * 121),
        lambda d: d["activities"][0].update(total=float("nan")),
        lambda d: d["activities"][0].update(total=10**12),
        lambda d: d["activities"][0].update(voters=-1),
        lambda d: d["commitments"][0].update(role="boss"),
        lambda d: d["commitments"][0].update(activity_id=999999),
        lambda d: d["commitments"][0].update(organisation=None),
        lambda d: d.update(activities="all"),
        lambda d: d.update(commitments=[1]),
    ],
)
def test_a_bad_document_is_refused(db, mutate):
    workshop, _ = workshop_with_plan(db, "Atelier", ["A", "B"], [(0, "OIT", "lead")])
    document = json.loads(json.dumps(build_document(db, workshop)))
    mutate(document)
    refused("import_not_an_export", parse_document, document)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b"\xff\xfe\x00garbage",
        b"PK\x03\x04 broken zip",
        b"[" * 100000 + b"]" * 100000,
    ],
)
def test_uploads_that_are_not_exports(data):
    refused("import_not_an_export", read_upload, data)


def test_a_zip_without_the_document_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("report.html", "<html>")
    refused("import_not_an_export", read_upload, archive.getvalue())


def test_text_in_a_document_is_cleaned(db):
    workshop, _ = workshop_with_plan(db, "Atelier", ["A"], [(0, "OIT", "lead")])
    document = json.loads(json.dumps(build_document(db, workshop)))
    document["activities"][0]["title"] = "  Former\u200b  les   inspecteurs\x07 "
    assert parse_document(document)["activities"][0]["title"] == "Former les inspecteurs"


# -- the consolidated view --------------------------------------------------------------------


def test_consolidation_of_a_local_and_an_imported_workshop(db):
    ilo, ilo_ids = workshop_with_plan(
        db,
        "Atelier OIT",
        ["Former les inspecteurs du travail", "Observatoire de l'emploi", "Non retenue"],
        [(0, "OIT", "lead"), (0, "CGEM", "partner"), (1, "OIT", "support")],
        retained=[0, 1],
    )
    giz, giz_ids = workshop_with_plan(
        db,
        "Atelier GIZ",
        ["Formation des inspecteurs du travail", "Appui aux PME"],
        [(0, "GIZ", "lead"), (0, "oit", "co_lead"), (1, "GIZ", "partner")],
    )
    exported = json.dumps(build_document(db, giz)).encode()
    consolidation = create_consolidation(db, "Plan inter-agences THAMM Plus")
    local = add_local_source(db, consolidation, ilo.code.lower())
    imported = add_imported_source(db, consolidation, exported)
    refused("source_exists", add_local_source, db, consolidation, ilo.code)
    refused("workshop_not_found", add_local_source, db, consolidation, "NOPE99")
    refused("field_required", add_imported_source, db, consolidation, b"")
    db.commit()

    view = consolidated_view(db, consolidation)
    assert [
        (s["label"], s["imported"], s["activities"], s["all_activities"]) for s in view["sources"]
    ] == [
        ("Atelier OIT", False, 2, False),  # retained activities only
        ("Atelier GIZ", True, 2, True),  # none retained: all of them
    ]
    assert len(view["proposals"]) == 1
    proposal = view["proposals"][0]
    assert proposal["left"].title == "Former les inspecteurs du travail"
    assert proposal["right"].title == "Formation des inspecteurs du travail"

    decide_link(
        db,
        consolidation,
        proposal["left"].ref,
        proposal["right"].ref,
        "accepted",
        score=proposal["score"],
    )
    db.commit()
    view = consolidated_view(db, consolidation)
    assert view["proposals"] == [] and view["groups"] == 1
    grouped = [(i.group, i.source_label, i.title) for i in view["activities"]]
    assert grouped[:2] == [
        ("L1", "Atelier OIT", "Former les inspecteurs du travail"),
        ("L1", "Atelier GIZ", "Formation des inspecteurs du travail"),
    ]
    assert {i.group for i in view["activities"][2:]} == {""}
    organisations = {o["organisation"]: o for o in view["organisations"]}
    assert set(organisations) == {"OIT", "GIZ", "CGEM"}
    oit = organisations["OIT"]  # "oit" in the GIZ workshop is the same organisation
    assert oit["workshops"] == 2
    assert [i.title for i in oit["roles"]["lead"]] == ["Former les inspecteurs du travail"]
    assert [i.title for i in oit["roles"]["co_lead"]] == ["Formation des inspecteurs du travail"]
    assert [i.title for i in oit["roles"]["support"]] == ["Observatoire de l'emploi"]

    # undo, then reject: the proposal does not come back
    decide_link(db, consolidation, proposal["left"].ref, proposal["right"].ref, "undecided")
    assert len(consolidated_view(db, consolidation)["proposals"]) == 1
    decide_link(db, consolidation, proposal["right"].ref, proposal["left"].ref, "rejected")
    view = consolidated_view(db, consolidation)
    assert view["proposals"] == [] and view["groups"] == 0
    assert [d["decision"] for d in view["decided"]] == ["rejected"]

    # links are between sources of this consolidation, activities they show, never within one
    refused(
        "link_invalid",
        decide_link,
        db,
        consolidation,
        (local.id, ilo_ids[0]),
        (local.id, ilo_ids[1]),
        "accepted",
    )
    refused(
        "link_invalid",
        decide_link,
        db,
        consolidation,
        (local.id, ilo_ids[2]),
        (imported.id, giz_ids[0]),
        "accepted",
    )
    refused(
        "link_invalid",
        decide_link,
        db,
        consolidation,
        (local.id, "1"),
        (imported.id, giz_ids[0]),
        "accepted",
    )
    refused(
        "link_invalid",
        decide_link,
        db,
        consolidation,
        (999, 1),
        (imported.id, giz_ids[0]),
        "accepted",
    )
    refused(
        "field_invalid",
        decide_link,
        db,
        consolidation,
        (local.id, ilo_ids[0]),
        (imported.id, giz_ids[0]),
        "maybe",
    )

    remove_source(db, consolidation, imported.id)
    db.commit()
    view = consolidated_view(db, consolidation)
    assert [s["label"] for s in view["sources"]] == ["Atelier OIT"] and view["decided"] == []
    refused("source_not_found", remove_source, db, consolidation, imported.id)


def test_consolidation_proposes_to_link_the_same_activity_in_french_and_english(db):
    """The workshop's similarity engine: a French and an English workshop meet."""
    rabat, _ = workshop_with_plan(
        db,
        "Atelier Rabat",
        [
            "Partenariat Maroc–Allemagne pour la mobilité des infirmiers",
            "Observatoire régional de l'emploi",
            "Former les inspecteurs du travail",
        ],
        [(0, "OIT", "lead")],
    )
    tunis, _ = workshop_with_plan(
        db,
        "Workshop Tunis",
        [
            "Skills partnership with Germany for nurses",
            "Regional fund for youth employment",
            "Digitalisation of public employment services",
        ],
        [(0, "GIZ", "lead")],
    )
    consolidation = create_consolidation(db, "Inter-agency plan")
    add_local_source(db, consolidation, rabat.code)
    add_local_source(db, consolidation, tunis.code)
    db.commit()
    view = consolidated_view(db, consolidation)
    assert [(p["left"].title, p["right"].title) for p in view["proposals"]] == [
        (
            "Partenariat Maroc–Allemagne pour la mobilité des infirmiers",
            "Skills partnership with Germany for nurses",
        )
    ]
    proposal = view["proposals"][0]
    assert proposal["left"].source_label == "Atelier Rabat"
    assert proposal["score"] >= DEFAULT_THRESHOLD
    decide_link(db, consolidation, proposal["left"].ref, proposal["right"].ref, "accepted")
    db.commit()
    view = consolidated_view(db, consolidation)
    assert view["proposals"] == [] and view["groups"] == 1
    assert {i.title for i in view["activities"] if i.group == "L1"} == {
        "Partenariat Maroc–Allemagne pour la mobilité des infirmiers",
        "Skills partnership with Germany for nurses",
    }
