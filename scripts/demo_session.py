"""Play a whole session against a running Atelier, for demos and screenshots.

    python scripts/demo_session.py http://127.0.0.1:5000 [--title ...] [--agency OIT]

Creates a workshop modelled on the THAMM Plus national workshop in Rabat, has about forty
participants join (over the API), vote, comment and commit their organisations (over
Socket.IO, as phones do), retains the top activities, confirms some commitments, and prints
the console, big-screen and report links. Needs python-socketio[client] (requirements-dev).
"""

import argparse
import json
import random
import urllib.request
import uuid

import socketio

GROUPS = [
    "Gouvernement",
    "Organisations d'employeurs",
    "Organisations de travailleurs",
    "Agences publiques",
    "Agences de mise en œuvre",
    "Société civile",
]
TRACKS = [
    "Gouvernance de la migration de main-d'œuvre",
    "Compétences et employabilité",
    "Protection des travailleurs migrants",
]
ACTIVITIES = [
    ("Cartographier les besoins en compétences des secteurs qui recrutent", 1),
    ("Renforcer le dialogue social tripartite sur la mobilité professionnelle", 0),
    ("Appuyer l'ANAPEC dans l'intermédiation internationale", 0),
    ("Harmoniser les statistiques de la migration de travail", 0),
    ("Développer des parcours de formation certifiants avec l'OFPPT", 1),
    ("Reconnaître les compétences acquises des migrants de retour", 1),
    ("Former les formateurs aux langues et aux compétences transversales", 1),
    ("Informer les candidats au départ sur leurs droits", 2),
    ("Renforcer la portabilité des droits de sécurité sociale", 2),
    ("Lutter contre les pratiques de recrutement abusives", 2),
    ("Coordonner les interventions de l'OIT, de la GIZ, d'ENABEL et de l'OIM", 0),
]
#: organisation, group index, people
ORGANISATIONS = [
    ("MIEPEEC", 0, 5),
    ("Haut-Commissariat au Plan", 0, 2),
    ("CGEM", 1, 4),
    ("UGTM", 2, 3),
    ("CDT", 2, 3),
    ("ANAPEC", 3, 5),
    ("OFPPT", 3, 4),
    ("CNSS", 3, 2),
    ("OIT", 4, 3),
    ("GIZ", 4, 2),
    ("ENABEL", 4, 2),
    ("OIM", 4, 2),
    ("Association Amal", 5, 2),
]
COMMENTS = [
    "Associer les régions dès le démarrage.",
    "Prévoir un volet spécifique pour les femmes migrantes.",
    "Attention au doublon avec le projet de la GIZ.",
    "Indicateurs à définir avec le HCP.",
    "Budget à confirmer pour 2026.",
    "Bonne idée, à relier à la stratégie nationale.",
]
#: activity index -> [(organisation, role, timeframe)]
COMMITMENTS = {
    0: [("HCP", "lead", "T1 2026"), ("CGEM", "partner", ""), ("OIT", "support", "2026")],
    1: [("MIEPEEC", "lead", "2026"), ("UGTM", "partner", ""), ("CDT", "partner", "")],
    2: [("ANAPEC", "lead", "T2 2026"), ("GIZ", "co_lead", "T2 2026"), ("OIT", "support", "")],
    4: [("OFPPT", "lead", "2026"), ("ENABEL", "partner", "2026")],
    5: [("OIM", "partner", "2027"), ("ANAPEC", "support", "")],
    8: [("CNSS", "lead", "2026"), ("OIT", "lead", "2026")],
    10: [("OIT", "partner", ""), ("GIZ", "partner", ""), ("ENABEL", "partner", "")],
}


def call(base: str, method: str, path: str, body=None, token=None) -> dict:
    if not base.startswith(("http://", "https://")):
        raise SystemExit("the base URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 - checked just above
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a URL we were given
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--title", default="Atelier de programmation nationale — THAMM Plus Maroc")
    parser.add_argument("--language", default="fr")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = args.base.rstrip("/")

    w = call(
        base,
        "POST",
        "/api/workshops",
        {
            "title": args.title,
            "description": "Affiner et confirmer les attentes et les engagements des partenaires.",
            "groups": GROUPS,
            "tracks": TRACKS,
            "voting": {"mode": "dots", "budget": 5, "per_activity_cap": 3},
            "language": args.language,
        },
    )
    code, token = w["code"], w["facilitator_token"]
    ids = [
        call(
            base,
            "POST",
            f"/api/workshops/{code}/activities",
            {"title": title, "track": TRACKS[track]},
            token,
        )["activity_id"]
        for title, track in ACTIVITIES
    ]
    people: list[tuple[str, str]] = []
    for organisation, group, count in ORGANISATIONS:
        for _ in range(count):
            joined = call(
                base,
                "POST",
                f"/api/workshops/{code}/participants",
                {"organisation": organisation, "group": GROUPS[group]},
            )
            people.append((organisation, joined["participant_token"]))
    call(base, "POST", f"/api/workshops/{code}/phase", {"phase": "voting"}, token)
    phones: dict[str, socketio.SimpleClient] = {}
    weights = [9, 6, 8, 5, 9, 4, 3, 6, 7, 5, 8]
    for organisation, participant_token in people:
        phone = socketio.SimpleClient()
        phone.connect(base, auth={"participant_token": participant_token}, transports=["websocket"])
        phones.setdefault(organisation, phone)
        left = 5
        for index in rng.sample(range(len(ids)), counts=weights, k=4):
            if left <= 0:
                break
            points = min(left, rng.randint(1, 3))
            ack = phone.call(
                "cast_vote",
                {"activity_id": ids[index], "points": points, "op_id": str(uuid.uuid4())},
            )
            if ack.get("ok"):
                left -= points
        if rng.random() < 0.25:
            phone.call(
                "add_comment",
                {
                    "activity_id": ids[rng.randrange(len(ids))],
                    "text": rng.choice(COMMENTS),
                    "op_id": str(uuid.uuid4()),
                },
            )
        if phones[organisation] is not phone:
            phone.disconnect()
    call(base, "POST", f"/api/workshops/{code}/workplan/top", {"count": 7}, token)
    workplan = call(base, "GET", f"/api/workshops/{code}/workplan", token=token)
    retained = set(workplan["retained_ids"])
    call(base, "PATCH", f"/api/workshops/{code}", {"commitments_open": True}, token)
    aliases = {"HCP": "Haut-Commissariat au Plan"}
    for index, entries in COMMITMENTS.items():
        if ids[index] not in retained:
            continue
        for organisation, role, timeframe in entries:
            phone = phones[aliases.get(organisation, organisation)]
            phone.call(
                "make_commitment",
                {
                    "activity_id": ids[index],
                    "role": role,
                    "timeframe": timeframe,
                    "op_id": str(uuid.uuid4()),
                },
            )
    commitments = call(base, "GET", f"/api/workshops/{code}/commitments", token=token)
    for commitment in commitments["commitments"][::2]:
        call(
            base,
            "PATCH",
            f"/api/workshops/{code}/commitments/{commitment['id']}",
            {"confirmed": True},
            token,
        )
    call(base, "PATCH", f"/api/workshops/{code}", {"show_workplan": True}, token)
    for phone in phones.values():
        phone.disconnect()
    print(json.dumps({**w, "report_url": f"{base}/f/{code}/report"}, indent=1))


if __name__ == "__main__":
    main()
