"""The organisation directory: spellings in three scripts, imports, merges and undo, and the
workplan's hints, the report and consolidation through canonical organisations."""

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop.models import Commitment, Organisation, OrganisationAlias
from workshop.services.activities import ImportRefused, add_activity
from workshop.services.commitments import add_commitment, list_commitments, make_commitment
from workshop.services.consolidation import (
    add_imported_source,
    add_local_source,
    consolidated_view,
    create_consolidation,
)
from workshop.services.demo import ORGANISATIONS, create_demo_workshop
from workshop.services.directory import (
    copy_directory,
    create_organisation,
    delete_organisation,
    edit_organisation,
    import_organisations,
    merge_organisation,
    undo_organisation_merge,
)
from workshop.services.errors import DomainError
from workshop.services.interchange import build_document, document_json
from workshop.services.organisations import (
    directory_rows,
    find_organisation,
    load_directory,
    organisation_key,
    search_organisations,
    unmatched_names,
)
from workshop.services.participants import join_workshop
from workshop.services.report import participation
from workshop.services.workplan import workplan_issues, workplan_rows
from workshop.services.workshops import create_workshop, update_settings

THAMM = ORGANISATIONS.read_bytes()


def refused(key, fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


def new_workshop(db, title="Atelier"):
    workshop, _ = create_workshop(
        db,
        title=title,
        groups=[
            "Gouvernement",
            "Organisations d'employeurs",
            "Organisations de travailleurs",
            "Agences de mise en œuvre",
        ],
        voting={"mode": "dots", "budget": 5, "per_activity_cap": 3},
    )
    db.flush()
    return workshop


@pytest.fixture
def room(db):
    workshop = new_workshop(db)
    import_organisations(db, workshop, THAMM.replace(b"Agences publiques", b""))
    db.commit()
    return workshop


def test_every_spelling_in_three_scripts_names_one_organisation(db, room):
    oit = find_organisation(db, room, "OIT")
    assert oit is not None and oit.name_ar == "منظمة العمل الدولية"
    for spelling in (
        "ilo",
        "B.I.T.",
        "Organisation Internationale du Travail",
        "International Labour Organization",
        "منظمة العمل الدولية",
        "مُنَظَّمَة العمل الدوليّة",
        "منظمه العمل الدوليه",
        " bureau international du travail",
    ):
        assert find_organisation(db, room, spelling) == oit, spelling
    miepeec = find_organisation(db, room, "Ministère de l'Emploi")
    assert miepeec.acronym == "MIEPEEC"
    assert (
        find_organisation(
            db, room, "ministry of economic inclusion, small business, employment and skills"
        )
        == miepeec
    )
    assert (
        find_organisation(db, room, "وزارة الادماج الاقتصادي والمقاولة الصغرى والتشغيل والكفاءات")
        == miepeec
    )
    assert miepeec.group.name == "Gouvernement"
    assert find_organisation(db, room, "Organisation du Travail") is None


def test_the_database_refuses_one_key_for_two_organisations(db, room):
    oit = find_organisation(db, room, "OIT")
    giz = find_organisation(db, room, "GIZ")
    db.add(
        OrganisationAlias(
            workshop_id=room.id,
            organisation_id=giz.id,
            name="I.L.O.",
            key=organisation_key("ILO"),
            kind="alias",
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
    error = refused("alias_taken", edit_organisation, db, room, giz.id, {"aliases": "ILO"})
    assert error.params == {"alias": "ILO", "organisation": "OIT"}
    assert oit.id != giz.id


def test_type_ahead_matches_any_alias_in_any_script(db, room):
    def first(query, lang="fr"):
        return [o["acronym"] for o in search_organisations(db, room, query, lang)]

    assert first("منظمة العمل", "ar")[0] == "OIT"
    arabic = search_organisations(db, room, "منظمة العمل", "ar")[0]
    assert arabic["name"] == "منظمة العمل الدولية" and arabic["value"] == "منظمة العمل الدولية"
    assert first("ILO", "en")[0] == "OIT"
    assert (
        search_organisations(db, room, "ILO", "en")[0]["name"]
        == "International Labour Organization"
    )
    assert first("bit")[0] == "OIT"
    assert {"MIEPEEC", "ANAPEC"} <= set(first("emploi"))
    assert first("الضمان", "ar") == ["CNSS"]  # a word inside the name
    assert first("") == [] and first("zzz") == [] and search_organisations(db, room, 3, "fr") == []


def test_import_of_the_thamm_file_and_again_changes_nothing(db, room):
    assert len(load_directory(db, room).organisations) == 14
    import_organisations(db, room, THAMM.replace(b"Agences publiques", b""))
    db.commit()
    assert len(load_directory(db, room).organisations) == 14
    rows = {r["acronym"]: r for r in directory_rows(db, room)}
    assert rows["OIT"]["aliases"] == "ILO; BIT; Bureau international du Travail"
    assert rows["ANAPEC"]["stakeholder_group"] == ""


def test_import_refuses_the_whole_file_with_a_keyed_error_per_bad_row(db):
    workshop = new_workshop(db)
    bad = (
        "acronym;name_fr;name_ar;name_en;aliases;stakeholder_group\n"
        "OIT;Organisation internationale du Travail;منظمة العمل الدولية;;ILO;Gouvernement\n"
        ";;;;;Gouvernement\n"
        "GIZ;Coopération allemande;;;;Groupe inconnu\n"
        "ILO BIS;;;;ilo;\n"
        "CGEM;" + "x" * 121 + ";;;;\n"
    ).encode()
    with pytest.raises(ImportRefused) as info:
        import_organisations(db, workshop, bad)
    assert info.value.rows == [
        {"line": 3, "error": "field_required", "params": {"field": "name"}},
        {"line": 4, "error": "group_invalid", "params": {"group": "Groupe inconnu"}},
        {"line": 5, "error": "alias_repeated", "params": {"line": 2}},
        {
            "line": 6,
            "error": "field_too_long",
            "params": {"field": "name_fr", "max": 120, "length": 121},
        },
    ]
    db.rollback()
    assert db.scalars(select(Organisation)).all() == []
    refused("import_no_name_column", import_organisations, db, workshop, b"title\nx\n")
    refused("field_required", import_organisations, db, workshop, b"")


def test_import_reads_xlsx(db):
    workshop = new_workshop(db)
    book = Workbook()
    sheet = book.active
    sheet.append(["acronym", "name_fr", "name_ar", "name_en", "aliases", "stakeholder_group"])
    sheet.append(
        [
            "OIM",
            "Organisation internationale pour les migrations",
            "المنظمة الدولية للهجرة",
            None,
            "IOM",
            "Agences de mise en œuvre",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    (oim,) = import_organisations(db, workshop, buffer.getvalue())
    assert find_organisation(db, workshop, "iom") == oim and oim.group.name.startswith("Agences")
    refused("import_encoding", import_organisations, db, workshop, b"PK\x03\x04broken")


def test_a_row_spelling_two_organisations_is_refused(db, room):
    with pytest.raises(ImportRefused) as info:
        import_organisations(db, room, b"acronym,aliases\nOIT,GIZ\n")
    assert info.value.rows == [
        {"line": 2, "error": "alias_split", "params": {"organisations": "GIZ, OIT"}}
    ]


def test_copy_directory_from_another_workshop(db, room):
    other = new_workshop(db, "Suivi")
    copied = copy_directory(db, other, room)
    assert len(copied) == 14
    assert find_organisation(db, other, "منظمة العمل الدولية").acronym == "OIT"
    assert find_organisation(db, other, "CGEM").group.name == "Organisations d'employeurs"
    refused("field_invalid", copy_directory, db, room, room)


def test_create_edit_delete_organisation(db, room):
    org = create_organisation(
        db,
        room,
        {
            "acronym": "ONMT",
            "name_fr": "Office du tourisme",
            "aliases": ["Tourisme"],
            "group": "Gouvernement",
        },
    )
    assert find_organisation(db, room, "tourisme") == org
    edit_organisation(db, room, org.id, {"aliases": [], "name_en": "Tourism Office"})
    assert find_organisation(db, room, "tourisme") is None
    assert find_organisation(db, room, "tourism office") == org
    refused("field_required", create_organisation, db, room, {"aliases": "x"})
    refused("alias_taken", create_organisation, db, room, {"acronym": "BIT"})
    delete_organisation(db, room, org.id)
    assert find_organisation(db, room, "ONMT") is None
    refused("organisation_not_found", delete_organisation, db, room, org.id)


class Plan:
    """The room in voting, commitments open, and an activity two spellings both lead."""

    def __init__(self, db, workshop):
        self.db, self.w = db, workshop
        self.a = add_activity(db, workshop, title="Observatoire").id
        self.b = add_activity(db, workshop, title="Formation").id
        self.people = {
            who: join_workshop(db, workshop, organisation=org, group="Gouvernement", name=who)[0]
            for who, org in (("ali", "Min. Emploi"), ("sara", "MIEPEEC"), ("omar", "CGEM"))
        }
        workshop.phase = "voting"
        update_settings(db, workshop, commitments_open=True)
        db.commit()

    def commit_(self, who, activity, role, **kw):
        c = make_commitment(self.db, self.w, self.people[who], activity, role=role, **kw)
        self.db.commit()
        return c

    def gaps(self, activity):
        from workshop.services.workplan import set_retained

        set_retained(self.db, self.w, activity, True)
        rows = workplan_rows(self.db, self.w)
        return next(r for r in rows if r["activity_id"] == activity)["gaps"]


def test_commitments_of_one_organisation_share_its_key_and_name(db, room):
    plan = Plan(db, room)
    c = plan.commit_("sara", plan.a, "lead")
    assert (c.organisation, c.organisation_id) == (
        "MIEPEEC",
        find_organisation(db, room, "MIEPEEC").id,
    )
    assert c.organisation_key == f"#{c.organisation_id}"
    colleague = join_workshop(
        db,
        room,
        name="",
        organisation="وزارة الإدماج الاقتصادي والمقاولة الصغرى والتشغيل والكفاءات",
        group="Gouvernement",
    )[0]
    again = make_commitment(db, room, colleague, plan.a, role="partner")
    assert again.id == c.id and again.role == "partner"  # one commitment per organisation
    free = plan.commit_("ali", plan.a, "lead")
    assert free.organisation_id is None and free.organisation_key == "min emploi"


def test_merging_a_spelling_removes_the_two_leads_hint_and_undo_restores_it(db, room):
    plan = Plan(db, room)
    plan.commit_("sara", plan.a, "lead", timeframe="2026")
    plan.commit_("ali", plan.a, "lead", note="avec l'ANAPEC")
    plan.commit_("ali", plan.b, "partner")
    assert plan.gaps(plan.a) == ["lead_conflict"]
    directory = load_directory(db, room)
    assert [
        (u["name"], u["participants"], u["commitments"])
        for u in unmatched_names(db, room, directory)
    ] == [("Min. Emploi", 1, 2)]
    miepeec = find_organisation(db, room, "MIEPEEC")
    merge = merge_organisation(db, room, "Min. Emploi", miepeec.id)
    db.commit()
    assert plan.gaps(plan.a) == []
    rows = list_commitments(db, room)
    assert [(c.activity_id, c.organisation, c.role, c.timeframe, c.note) for c in rows] == [
        (plan.a, "MIEPEEC", "lead", "2026", "avec l'ANAPEC"),
        (plan.b, "MIEPEEC", "partner", "", ""),
    ]
    assert find_organisation(db, room, "min emploi") == miepeec  # participants follow
    assert unmatched_names(db, room, load_directory(db, room)) == []
    people = participation(db, room)["by_organisation"]
    assert [(o["organisation"], o["participants"], o["commitments"]) for o in people] == [
        ("MIEPEEC", 2, 2),
        ("CGEM", 1, 0),
    ]
    refused("alias_taken", merge_organisation, db, room, "min. emploi", miepeec.id)

    undo_organisation_merge(db, room, merge.id)
    db.commit()
    assert plan.gaps(plan.a) == ["lead_conflict"]
    rows = list_commitments(db, room)
    assert sorted(
        (c.activity_id, c.organisation, c.role, c.timeframe, c.note) for c in rows
    ) == sorted(
        [
            (plan.a, "MIEPEEC", "lead", "2026", ""),
            (plan.a, "Min. Emploi", "lead", "", "avec l'ANAPEC"),
            (plan.b, "Min. Emploi", "partner", "", ""),
        ]
    )
    assert find_organisation(db, room, "min emploi") is None
    refused("merge_already_undone", undo_organisation_merge, db, room, merge.id)


def test_overcommitted_counts_the_canonical_organisation(db, room):
    plan = Plan(db, room)
    activities = [plan.a, plan.b] + [add_activity(db, room, title=f"A{i}").id for i in range(4)]
    db.commit()
    spellings = [
        "OIT",
        "ILO",
        "BIT",
        "منظمة العمل الدولية",
        "Organisation internationale du Travail",
        "ilo",
    ]
    for activity, spelling in zip(activities, spellings, strict=True):
        add_commitment(db, room, activity_id=activity, organisation=spelling, role="support")
    add_commitment(db, room, activity_id=plan.a, organisation="CGEM", role="partner")
    add_commitment(db, room, activity_id=plan.b, organisation="GIZ", role="partner")
    commitments = list_commitments(db, room)
    issues = workplan_issues(
        db, room, workplan_rows(db, room, commitments=commitments), commitments
    )
    assert issues["overcommitted"] == [{"organisation": "OIT", "count": 6, "median": 1}]


def test_a_facilitator_commitment_in_a_new_spelling_joins_when_the_directory_learns_it(db, room):
    plan = Plan(db, room)
    add_commitment(db, room, activity_id=plan.a, organisation="Coopération allemande", role="lead")
    add_commitment(db, room, activity_id=plan.a, organisation="GIZ", role="support")
    edit_organisation(
        db, room, find_organisation(db, room, "GIZ").id, {"aliases": "Coopération allemande"}
    )
    db.commit()
    (giz,) = list_commitments(db, room)
    assert (giz.organisation, giz.role) == ("GIZ", "lead")


def test_consolidation_gives_one_row_per_organisation_across_spellings(db, room):
    plan = Plan(db, room)
    add_commitment(db, room, activity_id=plan.a, organisation="OIT", role="lead")
    add_commitment(db, room, activity_id=plan.a, organisation="GIZ", role="partner")
    add_commitment(db, room, activity_id=plan.b, organisation="Ministère de l'Emploi", role="lead")
    other = new_workshop(db, "Atelier de Tanger")  # no directory at all
    x = add_activity(db, other, title="Observatoire régional").id
    y = add_activity(db, other, title="Formation des formateurs").id
    add_commitment(db, other, activity_id=x, organisation="ILO", role="lead")
    add_commitment(db, other, activity_id=x, organisation="giz", role="support")
    add_commitment(
        db,
        other,
        activity_id=y,
        organisation="Ministry of Economic Inclusion, Small Business, Employment and Skills",
        role="partner",
    )
    db.commit()
    consolidation = create_consolidation(db, "Plan inter-agences")
    add_local_source(db, consolidation, room.code)
    add_local_source(db, consolidation, other.code)
    view = consolidated_view(db, consolidation)
    rows = {o["organisation"]: (o["workshops"], o["total"]) for o in view["organisations"]}
    assert rows == {"OIT": (2, 2), "GIZ": (2, 2), "MIEPEEC": (2, 2)}

    # the same through an export imported from another instance
    imported = create_consolidation(db, "Importé")
    add_imported_source(db, imported, document_json(build_document(db, room)))
    add_local_source(db, imported, other.code)
    view = consolidated_view(db, imported)
    assert {o["organisation"] for o in view["organisations"]} == {"OIT", "GIZ", "MIEPEEC"}
    document = json.loads(document_json(build_document(db, room)))
    assert {"acronym": "OIT"}.items() <= document["organisations"][9].items()


def test_the_demo_ships_the_thamm_directory(db):
    workshop, _ = create_demo_workshop(db)
    db.commit()
    directory = load_directory(db, workshop)
    assert len(directory.organisations) == 14
    oit = directory.find("منظمة العمل الدولية")
    assert oit.acronym == "OIT" and oit.group.name == "Agences de mise en œuvre"
    assert all(o.group_id is not None for o in directory.organisations.values())


def test_commitment_rows_carry_the_organisation(db, room):
    plan = Plan(db, room)
    plan.commit_("omar", plan.a, "lead")
    (row,) = db.execute(select(Commitment.organisation_id)).all()
    assert row[0] == find_organisation(db, room, "CGEM").id
