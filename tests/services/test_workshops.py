"""Workshops: creation and its validation, voting rules, phases, settings, deletion."""

import pytest
from sqlalchemy import func, select

from workshop.models import (
    Activity,
    Operation,
    Participant,
    Phase,
    StakeholderGroup,
    Track,
    Vote,
    Workshop,
)
from workshop.services.activities import add_activity
from workshop.services.errors import DomainError, Forbidden, NotFound
from workshop.services.operations import participant_actor, record_operation
from workshop.services.participants import join_workshop
from workshop.services.tokens import CODE_ALPHABET, hash_token
from workshop.services.voting import cast_vote
from workshop.services.workshops import (
    TRANSITIONS,
    bump_version,
    check_facilitator_token,
    check_screen_key,
    create_workshop,
    delete_workshop,
    get_workshop,
    parse_voting_rule,
    set_phase,
    update_settings,
    versions_bumped_at_end,
)

GROUPS = ["Gouvernement", "Employeurs", "Travailleurs"]


def make(db, **overrides):
    kwargs = {"title": "Atelier", "groups": GROUPS}
    kwargs.update(overrides)
    workshop, token = create_workshop(db, **kwargs)
    db.commit()
    return workshop, token


def refused(key, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


# -- creation ------------------------------------------------------------------------------


def test_create_returns_workshop_and_a_token_that_is_stored_only_hashed(db):
    workshop, token = make(db, tracks=["Emploi", "Compétences"], description="Ligne 1\nLigne 2")
    assert workshop.id is not None
    assert workshop.phase == Phase.SETUP.value
    assert workshop.facilitator_token_hash == hash_token(token)
    assert token not in (workshop.facilitator_token_hash, workshop.screen_key)
    assert len(workshop.code) == 6 and set(workshop.code) <= set(CODE_ALPHABET)
    assert [g.name for g in workshop.groups] == GROUPS
    assert [t.name for t in workshop.tracks] == ["Emploi", "Compétences"]
    assert workshop.description == "Ligne 1\nLigne 2"
    check_facilitator_token(workshop, token)  # does not raise
    check_screen_key(workshop, workshop.screen_key)


def test_tokens_and_screen_key_are_checked(db):
    workshop, token = make(db)
    other, other_token = make(db)
    for bad in (None, "", "nope", other_token, 42):
        refused("facilitator_only", check_facilitator_token, workshop, bad)
    with pytest.raises(Forbidden):
        check_facilitator_token(workshop, other_token)
    for bad in (None, "", other.screen_key, 7):
        refused("screen_key_invalid", check_screen_key, workshop, bad)


def test_get_workshop_forgives_case_and_spaces(db):
    workshop, _ = make(db)
    code = workshop.code
    assert get_workshop(db, code).id == workshop.id
    assert get_workshop(db, f" {code[:3].lower()} {code[3:].lower()} ").id == workshop.id
    assert get_workshop(db, f"{code[:3]}-{code[3:]}").id == workshop.id
    with pytest.raises(NotFound):
        get_workshop(db, "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY")
    with pytest.raises(NotFound):
        get_workshop(db, None)


@pytest.mark.parametrize("title", [None, "", "   ", "\u200b\t"])
def test_title_required(db, title):
    error = refused("field_required", create_workshop, db, title=title, groups=GROUPS)
    assert error.params["field"] == "title"


def test_title_length_limit(db):
    workshop, _ = create_workshop(db, title="T" * 200, groups=GROUPS)
    assert len(workshop.title) == 200
    error = refused("field_too_long", create_workshop, db, title="T" * 201, groups=GROUPS)
    assert error.params == {"field": "title", "max": 200, "length": 201}


def test_title_must_be_text(db):
    refused("field_invalid", create_workshop, db, title=["a"], groups=GROUPS)


@pytest.mark.parametrize("groups", [None, [], ["", "  "], "", "\n\n"])
def test_groups_required(db, groups):
    refused("groups_required", create_workshop, db, title="T", groups=groups)


def test_groups_deduplicated_case_insensitively_and_cleaned(db):
    workshop, _ = create_workshop(
        db,
        title="T",
        groups=[
            "Gouvernement",
            " gouvernement ",
            "Employeurs",
            "",
            "EMPLOYEURS",
            "Société  civile",
        ],
        tracks=["Emploi", "emploi", "Compétences"],
    )
    assert [g.name for g in workshop.groups] == ["Gouvernement", "Employeurs", "Société civile"]
    assert [g.position for g in workshop.groups] == [0, 1, 2]
    assert [t.name for t in workshop.tracks] == ["Emploi", "Compétences"]


def test_groups_may_come_as_lines_of_text(db):
    workshop, _ = create_workshop(db, title="T", groups="Gouvernement\r\nEmployeurs\n\n")
    assert [g.name for g in workshop.groups] == ["Gouvernement", "Employeurs"]


def test_too_many_groups_refused(db):
    error = refused("too_many", create_workshop, db, title="T", groups=[f"G{i}" for i in range(21)])
    assert error.params == {"field": "groups", "max": 20}
    refused("field_invalid", create_workshop, db, title="T", groups={"a": 1})


def test_unknown_language_falls_back_to_french(db):
    assert create_workshop(db, title="T", groups=GROUPS, language="ar")[0].language == "ar"
    assert create_workshop(db, title="T", groups=GROUPS, language="de")[0].language == "fr"


def test_codes_are_unique(db):
    codes = {make(db)[0].code for _ in range(20)}
    assert len(codes) == 20


# -- voting rules ---------------------------------------------------------------------------


def test_voting_rule_defaults_to_dots_five_and_three(db):
    for raw in (None, {}, {"mode": ""}, {"mode": "dots"}, {"mode": "dots", "budget": ""}):
        rule = parse_voting_rule(raw)
        assert (rule.mode.value, rule.budget, rule.per_activity_cap) == ("dots", 5, 3), raw
    workshop, _ = make(db)
    assert (workshop.voting_mode, workshop.budget, workshop.per_activity_cap) == ("dots", 5, 3)


def test_dots_budget_and_cap_given(db):
    rule = parse_voting_rule({"mode": "dots", "budget": "10", "per_activity_cap": 4})
    assert (rule.budget, rule.per_activity_cap) == (10, 4)


def test_dots_cap_is_clamped_to_the_budget():
    rule = parse_voting_rule({"mode": "dots", "budget": 2, "per_activity_cap": 3})
    assert (rule.budget, rule.per_activity_cap) == (2, 2)
    rule = parse_voting_rule({"mode": "dots", "budget": 2})
    assert rule.per_activity_cap == 2


@pytest.mark.parametrize(
    ("voting", "key"),
    [
        ({"mode": "dots", "budget": 0}, "field_out_of_range"),
        ({"mode": "dots", "budget": 101}, "field_out_of_range"),
        ({"mode": "dots", "budget": "cinq"}, "field_invalid"),
        ({"mode": "dots", "budget": 2.5}, "field_invalid"),
        ({"mode": "dots", "budget": True}, "field_invalid"),
        ({"mode": "dots", "per_activity_cap": 0}, "field_out_of_range"),
        ({"mode": "approval", "budget": -1}, "field_out_of_range"),
        ({"mode": "ranking"}, "voting_mode_invalid"),
        ({"mode": ["dots"]}, "voting_mode_invalid"),
        ("dots", "field_invalid"),
    ],
)
def test_bad_voting_rule_refused(db, voting, key):
    refused(key, create_workshop, db, title="T", groups=GROUPS, voting=voting)
    assert db.scalar(select(func.count(Workshop.id))) == 0


def test_approval_maximum_is_optional():
    for raw in (
        {"mode": "approval"},
        {"mode": "approval", "budget": 0},
        {"mode": "approval", "budget": ""},
    ):
        rule = parse_voting_rule(raw)
        assert (rule.mode.value, rule.budget, rule.per_activity_cap) == ("approval", None, None)
    rule = parse_voting_rule({"mode": "approval", "budget": 3, "per_activity_cap": 2})
    assert (rule.budget, rule.per_activity_cap) == (3, None)


def test_score_ignores_budget_and_cap(db):
    workshop, _ = make(db, voting={"mode": "score", "budget": 7, "per_activity_cap": 2})
    assert (workshop.voting_mode, workshop.budget, workshop.per_activity_cap) == (
        "score",
        None,
        None,
    )
    # even a budget that would be invalid for dots is ignored
    assert parse_voting_rule({"mode": "score", "budget": "n'importe"}).budget is None


# -- phases ---------------------------------------------------------------------------------

PAIRS = [(a, b) for a in Phase for b in Phase if a is not b]


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_phase_transitions_follow_the_table(db, current, target):
    workshop, _ = make(db)
    workshop.phase = current.value
    db.commit()
    before = db.get(Workshop, workshop.id).version
    if target in TRANSITIONS[current]:
        set_phase(db, workshop, target.value)
        db.commit()
        db.refresh(workshop)
        assert workshop.phase == target.value
        assert workshop.version == before + 1
    else:
        error = refused("phase_transition_refused", set_phase, db, workshop, target.value)
        assert error.params == {"current": current.value, "target": target.value}
        db.rollback()
        db.refresh(workshop)
        assert workshop.phase == current.value
        assert workshop.version == before


def test_transition_table_forward_and_back():
    assert TRANSITIONS[Phase.SETUP] == {Phase.PROPOSING, Phase.VOTING}
    assert TRANSITIONS[Phase.PROPOSING] == {Phase.SETUP, Phase.VOTING}
    assert TRANSITIONS[Phase.VOTING] == {Phase.PROPOSING, Phase.CLOSED}
    assert TRANSITIONS[Phase.CLOSED] == {Phase.VOTING}


def test_same_phase_is_a_no_op(db):
    workshop, _ = make(db)
    version = workshop.version
    set_phase(db, workshop, "setup")
    db.commit()
    db.refresh(workshop)
    assert (workshop.phase, workshop.version) == ("setup", version)


@pytest.mark.parametrize("phase", ["open", "", None, 3, ["voting"]])
def test_unknown_phase_refused(db, phase):
    workshop, _ = make(db)
    refused("phase_invalid", set_phase, db, workshop, phase)
    assert workshop.phase == "setup"


# -- settings -------------------------------------------------------------------------------


def test_update_settings_changes_what_is_given(db):
    workshop, _ = make(db, description="Avant")
    version = workshop.version
    update_settings(db, workshop, live_results=False, show_group_split=False)
    db.commit()
    db.refresh(workshop)
    assert (workshop.live_results, workshop.show_group_split) == (False, False)
    assert (workshop.title, workshop.description) == ("Atelier", "Avant")
    assert workshop.version == version + 1
    update_settings(db, workshop, title="  Nouveau  titre ", description="A\r\n\n\n\nB")
    db.commit()
    db.refresh(workshop)
    assert (workshop.title, workshop.description) == ("Nouveau titre", "A\n\nB")
    assert (workshop.live_results, workshop.show_group_split) == (False, False)
    update_settings(db, workshop, live_results=True)
    assert workshop.live_results is True and workshop.show_group_split is False


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"live_results": "yes"}, "field_invalid"),
        ({"live_results": 1}, "field_invalid"),
        ({"show_group_split": "false"}, "field_invalid"),
        ({"title": ""}, "field_required"),
        ({"title": "x" * 201}, "field_too_long"),
        ({"description": "x" * 2001}, "field_too_long"),
    ],
)
def test_update_settings_validates(db, kwargs, key):
    workshop, _ = make(db)
    refused(key, update_settings, db, workshop, **kwargs)
    db.rollback()
    db.refresh(workshop)
    assert (workshop.title, workshop.live_results, workshop.show_group_split) == (
        "Atelier",
        True,
        True,
    )


# -- deletion -------------------------------------------------------------------------------


def _counts(db, workshop_id):
    def count(model, column):
        return db.scalar(select(func.count()).select_from(model).where(column == workshop_id))

    votes = db.scalar(
        select(func.count(Vote.id))
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Participant.workshop_id == workshop_id)
    )
    return {
        "participants": count(Participant, Participant.workshop_id),
        "activities": count(Activity, Activity.workshop_id),
        "groups": count(StakeholderGroup, StakeholderGroup.workshop_id),
        "tracks": count(Track, Track.workshop_id),
        "operations": count(Operation, Operation.workshop_id),
        "votes": votes,
        "workshops": count(Workshop, Workshop.id),
    }


def _populate(db):
    workshop, _ = make(db, tracks=["Emploi"])
    first = add_activity(db, workshop, title="Former", track="Emploi")
    second = add_activity(db, workshop, title="Accompagner")
    workshop.phase = "voting"
    people = [
        join_workshop(db, workshop, name=f"P{i}", organisation="Org", group="Employeurs")[0]
        for i in range(3)
    ]
    for person in people:
        cast_vote(db, workshop, person, first.id, points=2)
        cast_vote(db, workshop, person, second.id, points=1)
    record_operation(db, workshop.id, participant_actor(people[0].id), "op-1", "cast_vote", {})
    db.commit()
    return workshop


def test_delete_workshop_removes_everything_of_it_and_nothing_else(db):
    doomed = _populate(db)
    kept = _populate(db)
    doomed_id, kept_id = doomed.id, kept.id
    expected = {
        "participants": 3,
        "activities": 2,
        "groups": 3,
        "tracks": 1,
        "operations": 1,
        "votes": 6,
        "workshops": 1,
    }
    assert _counts(db, doomed_id) == expected
    delete_workshop(db, doomed)
    db.commit()
    assert _counts(db, doomed_id) == dict.fromkeys(expected, 0)
    assert _counts(db, kept_id) == expected
    assert db.scalar(select(func.count(Vote.id))) == 6


def test_versions_bumped_at_end_count_every_change_and_write_nothing_on_failure(db):
    workshop, _ = make(db)
    before = workshop.version
    with versions_bumped_at_end(db):
        bump_version(db, workshop)
        bump_version(db, workshop)
    db.commit()
    db.expire_all()
    assert db.get(Workshop, workshop.id).version == before + 2
    with pytest.raises(RuntimeError), versions_bumped_at_end(db):
        bump_version(db, workshop)
        raise RuntimeError("refused")
    db.commit()  # what was written before the failure, if anything, would now be kept
    db.expire_all()
    assert db.get(Workshop, workshop.id).version == before + 2
    bump_version(db, workshop)  # outside the block: written at once, as always
    db.commit()
    db.expire_all()
    assert db.get(Workshop, workshop.id).version == before + 3
