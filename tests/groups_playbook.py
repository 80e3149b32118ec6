"""A session with working groups, played for the export, report and workplan tests.

Two tables ("Gouvernance" and "Compétences", worded in ar/en), two members each, pre-votes,
a roll-up (the first table brings its top 1; the second what its facilitator marked, not its
top), then the plenary's votes on the ballot. The groups' part goes through their services
(services/working_groups.py, prevoting.py, rollup.py) in one transaction each, as a handler
would; the plenary votes through the phones' sockets.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from tests.playbook import Played, api
from workshop.db import transaction
from workshop.models import Activity, Participant, Workshop
from workshop.services import prevoting, rollup, working_groups
from workshop.services.tokens import hash_token

GROUPS = [
    "Gouvernance | ar: الحوكمة | en: Governance",
    "Compétences | ar: المهارات | en: Skills",
]
#: title -> table (0, 1)
ACTIVITIES = {
    "Gouverner la migration de main-d'œuvre": 0,
    "=Partenariats;@bilatéraux": 0,
    "Reconnaître les compétences": 1,
    "Réintégrer les migrants de retour": 1,
    "Observatoire des compétences": 1,
}
#: who sits at which table
MEMBERS = {"min": 0, "cgem": 0, "umt": 1, "oit": 1}
#: (who, activity, points) at the tables: table 0 ranks "Gouverner" first; table 1 ranks
#: "Réintégrer" first, but its facilitator marks "Reconnaître" (its 3rd) for the plenary
PREVOTES = [
    ("min", "Gouverner la migration de main-d'œuvre", 3),
    ("min", "=Partenariats;@bilatéraux", 2),
    ("cgem", "Gouverner la migration de main-d'œuvre", 2),
    ("umt", "Reconnaître les compétences", 1),
    ("umt", "Réintégrer les migrants de retour", 3),
    ("oit", "Réintégrer les migrants de retour", 2),
    ("oit", "Observatoire des compétences", 2),
]
MARKED = ["Reconnaître les compétences"]
#: the plenary's votes, on the ballot's two activities
PLENARY = [
    ("umt", "Gouverner la migration de main-d'œuvre", 3),
    ("oit", "Gouverner la migration de main-d'œuvre", 1),
    ("min", "Reconnaître les compétences", 2),
]


@dataclass
class GroupsPlayed(Played):
    #: the working groups' ids, in table order
    groups: list[int] = field(default_factory=list)


def _participant(db, token: str) -> Participant:
    return db.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))


def play_groups(
    app, client, make_workshop, join, socket_client, *, plenary: bool = True, **workshop
) -> GroupsPlayed:
    w = make_workshop(groups=["Gouvernement", "Employeurs", "Travailleurs"], **workshop)
    ids = {
        title: api(client, w, "POST", "/activities", json={"title": title})["activity_id"]
        for title in ACTIVITIES
    }
    tokens = {
        "min": join(w["code"], group="Gouvernement", organisation="Ministère"),
        "cgem": join(w["code"], group="Employeurs", organisation="CGEM"),
        "umt": join(w["code"], group="Travailleurs", organisation="UMT"),
        "oit": join(w["code"], group="Gouvernement", organisation="OIT"),
    }
    api(client, w, "POST", "/phase", json={"phase": "proposing"})
    with transaction(app) as db:
        workshop_row = db.scalar(select(Workshop).where(Workshop.code == w["code"]))
        made = working_groups.create_working_groups(db, workshop_row, GROUPS)
        groups = [g.id for g in made]
        for title, table in ACTIVITIES.items():
            db.get(Activity, ids[title]).working_group_id = groups[table]
        for who, table in MEMBERS.items():
            working_groups.assign_participant(
                db, workshop_row, _participant(db, tokens[who]), groups[table]
            )
        for group in made:
            working_groups.set_group_phase(db, workshop_row, group, "prevote")
    for who, title, points in PREVOTES:
        with transaction(app) as db:
            workshop_row = db.scalar(select(Workshop).where(Workshop.code == w["code"]))
            prevoting.cast_prevote(
                db, workshop_row, _participant(db, tokens[who]), ids[title], points=points
            )
    with transaction(app) as db:
        workshop_row = db.scalar(select(Workshop).where(Workshop.code == w["code"]))
        for title in MARKED:
            rollup.set_to_plenary(db, workshop_row, ids[title], True)
        for group in working_groups.list_working_groups(db, workshop_row):
            working_groups.set_group_phase(db, workshop_row, group, "done")
        rollup.roll_up(db, workshop_row, 1)
    played = GroupsPlayed(w=w, ids=ids, tokens=tokens, groups=groups)
    if plenary:
        api(client, w, "POST", "/phase", json={"phase": "voting"})
        played.phones = {who: socket_client({"participant_token": t}) for who, t in tokens.items()}
        for n, (who, title, points) in enumerate(PLENARY):
            ack = played.phones[who].emit(
                "cast_vote",
                {"activity_id": ids[title], "points": points, "op_id": f"p{n}"},
                callback=True,
            )
            assert ack["ok"], ack
    return played
