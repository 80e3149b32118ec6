"""Participants: joining, rejoining, groups, organisations, counts and the size cap."""

import pytest
from sqlalchemy import func, select

from workshop.models import Participant
from workshop.services.errors import DomainError
from workshop.services.participants import (
    count_by_group,
    count_participants,
    join_workshop,
    list_participants,
    organisation_suggestions,
    participant_by_token,
)
from workshop.services.tokens import hash_token
from workshop.services.workshops import create_workshop

GROUPS = ["Gouvernement", "Employeurs", "Travailleurs"]


@pytest.fixture
def workshop(db):
    workshop, _ = create_workshop(db, title="Atelier", groups=GROUPS, language="fr")
    db.commit()
    return workshop


def group(workshop, name):
    return next(g for g in workshop.groups if g.name == name)


def join(db, workshop, group="Gouvernement", organisation="MIEPEEC", name="", **kwargs):
    participant, token = join_workshop(
        db, workshop, name=name, organisation=organisation, group=group, **kwargs
    )
    db.commit()
    return participant, token


def refused(key, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.key == key, (info.value.key, info.value.params)
    return info.value


def test_join_creates_a_participant_with_a_pseudonym(db, workshop):
    participant, token = join(db, workshop, name=" Amina  B. ", organisation=" ANAPEC ")
    assert participant.workshop_id == workshop.id
    assert (participant.display_name, participant.organisation) == ("Amina B.", "ANAPEC")
    assert participant.group_id == group(workshop, "Gouvernement").id
    assert participant.public_id.startswith("P-") and len(participant.public_id) == 8
    assert participant.token_hash == hash_token(token) and token not in participant.token_hash
    assert participant.language == "fr"
    assert participant_by_token(db, token).id == participant.id
    assert participant_by_token(db, token, workshop.id).id == participant.id
    assert participant_by_token(db, token, workshop.id + 1) is None
    assert participant_by_token(db, "x" * 32) is None
    assert participant_by_token(db, None) is None


def test_two_joins_are_two_participants(db, workshop):
    first, token1 = join(db, workshop)
    second, token2 = join(db, workshop)
    assert first.id != second.id and token1 != token2
    assert first.public_id != second.public_id
    assert count_participants(db, workshop) == 2


def test_rejoin_with_the_existing_token_updates_instead_of_creating(db, workshop):
    participant, token = join(db, workshop, name="Amina", organisation="ANAPEC")
    again, same_token = join(
        db,
        workshop,
        name="Amina B.",
        organisation="OFPPT",
        group="Travailleurs",
        language="ar",
        existing_token=token,
    )
    assert same_token == token
    assert again.id == participant.id and again.public_id == participant.public_id
    assert count_participants(db, workshop) == 1
    stored = db.get(Participant, participant.id)
    db.refresh(stored)
    assert (stored.display_name, stored.organisation, stored.language) == (
        "Amina B.",
        "OFPPT",
        "ar",
    )
    assert stored.group_id == group(workshop, "Travailleurs").id


def test_a_token_of_another_workshop_does_not_rejoin(db, workshop):
    other, _ = create_workshop(db, title="Autre", groups=GROUPS)
    db.commit()
    elsewhere, token = join(db, other)
    here, new_token = join(db, workshop, existing_token=token)
    assert here.id != elsewhere.id and new_token != token
    assert here.workshop_id == workshop.id
    assert db.get(Participant, elsewhere.id).workshop_id == other.id


def test_unknown_existing_token_joins_anew(db, workshop):
    participant, token = join(db, workshop, existing_token="not-a-known-token-at-all")
    assert token != "not-a-known-token-at-all"
    assert count_participants(db, workshop) == 1


@pytest.mark.parametrize("raw", ["employeurs", "  EMPLOYEURS ", "Employeurs"])
def test_group_by_name_case_insensitive(db, workshop, raw):
    participant, _ = join(db, workshop, group=raw)
    assert participant.group_id == group(workshop, "Employeurs").id


def test_group_by_id_number_or_text(db, workshop):
    target = group(workshop, "Travailleurs")
    assert join(db, workshop, group=target.id)[0].group_id == target.id
    assert join(db, workshop, group=str(target.id))[0].group_id == target.id


def test_unknown_group_refused(db, workshop):
    other, _ = create_workshop(db, title="Autre", groups=["Jeunes"])
    db.commit()
    for raw in ("Patronat", "", None, other.groups[0].id, ["Employeurs"], 10**6):
        refused("group_invalid", join_workshop, db, workshop, name="", organisation="O", group=raw)
    assert count_participants(db, workshop) == 0


@pytest.mark.parametrize("organisation", [None, "", "   ", "\u200b"])
def test_organisation_required(db, workshop, organisation):
    error = refused(
        "field_required",
        join_workshop,
        db,
        workshop,
        name="A",
        organisation=organisation,
        group="Gouvernement",
    )
    assert error.params["field"] == "organisation"
    assert db.scalar(select(func.count(Participant.id))) == 0


def test_name_and_organisation_limits(db, workshop):
    assert join(db, workshop, name="n" * 80, organisation="o" * 120)[0].display_name == "n" * 80
    error = refused(
        "field_too_long",
        join_workshop,
        db,
        workshop,
        name="n" * 81,
        organisation="O",
        group="Gouvernement",
    )
    assert error.params["field"] == "name"
    error = refused(
        "field_too_long",
        join_workshop,
        db,
        workshop,
        name="",
        organisation="o" * 121,
        group="Gouvernement",
    )
    assert error.params["field"] == "organisation"


def test_language_falls_back_to_the_workshop_language(db):
    arabic, _ = create_workshop(db, title="ورشة", groups=GROUPS, language="ar")
    db.commit()
    assert join(db, arabic, language="de")[0].language == "ar"
    assert join(db, arabic, language="en")[0].language == "en"


def test_organisation_suggestions_most_frequent_first(db, workshop):
    for org in ["OFPPT", "ANAPEC", "OFPPT", "CGEM", "ANAPEC", "OFPPT", "BIT"]:
        join(db, workshop, organisation=org)
    other, _ = create_workshop(db, title="Autre", groups=GROUPS)
    db.commit()
    for _ in range(5):
        join(db, other, organisation="Ailleurs")
    # ties (BIT, CGEM: once each) in alphabetical order; other workshops don't leak in
    assert organisation_suggestions(db, workshop) == ["OFPPT", "ANAPEC", "BIT", "CGEM"]
    assert organisation_suggestions(db, workshop, limit=2) == ["OFPPT", "ANAPEC"]


def test_count_by_group_in_group_order_with_zeros(db, workshop):
    join(db, workshop, group="Travailleurs")
    join(db, workshop, group="Travailleurs")
    join(db, workshop, group="Gouvernement")
    counts = count_by_group(db, workshop)
    assert [(c["name"], c["participants"]) for c in counts] == [
        ("Gouvernement", 1),
        ("Employeurs", 0),
        ("Travailleurs", 2),
    ]
    assert [c["group_id"] for c in counts] == [g.id for g in workshop.groups]
    assert count_participants(db, workshop) == 3


def test_list_participants_in_joining_order(db, workshop):
    names = ["Un", "Deux", "Trois"]
    for name in names:
        join(db, workshop, name=name)
    assert [p.display_name for p in list_participants(db, workshop)] == names


def test_workshop_full(db, workshop):
    first, token = join(db, workshop, max_participants=2)
    join(db, workshop, max_participants=2)
    error = refused(
        "workshop_full",
        join_workshop,
        db,
        workshop,
        name="",
        organisation="O",
        group="Gouvernement",
        max_participants=2,
    )
    assert error.params == {"max": 2}
    assert count_participants(db, workshop) == 2
    # someone already in may still change their details when the room is full
    again, _ = join(db, workshop, organisation="Nouvelle", existing_token=token, max_participants=2)
    assert again.id == first.id and again.organisation == "Nouvelle"
    assert count_participants(db, workshop) == 2
