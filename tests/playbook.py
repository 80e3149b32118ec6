"""A small session played through the real API and sockets, for workplan, export and report tests.

Three tracks' worth of activities, five organisations in three groups, votes, comments,
commitments with a lead conflict and a gap, three activities retained.
"""

from dataclasses import dataclass, field

FR_AR = "Renforcer l'employabilité des jeunes — تعزيز قابلية تشغيل الشباب"


@dataclass
class Played:
    w: dict
    ids: dict[str, int]
    tokens: dict[str, str]
    phones: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.w["code"]

    @property
    def auth(self) -> dict:
        return self.w["auth"]


def api(client, w, method, suffix, **kwargs):
    response = client.open(
        f"/api/workshops/{w['code']}{suffix}", method=method, headers=w["auth"], **kwargs
    )
    assert response.status_code in (200, 201), (suffix, response.get_data(as_text=True))
    return response.get_json()


def play(client, make_workshop, join, socket_client, **workshop) -> Played:
    w = make_workshop(
        groups=["Gouvernement", "Employeurs", "Agences"],
        tracks=["Emploi", "Compétences"],
        **workshop,
    )
    ids = {}
    for name, title, track in (
        ("first", FR_AR, "Emploi"),
        ("second", "Observatoire régional de l'emploi", "Emploi"),
        ("third", '=HYPERLINK("http://x")', "Compétences"),
        ("fourth", "Former les formateurs", None),
        ("fifth", "Activité sans soutien", "Compétences"),
    ):
        ids[name] = api(client, w, "POST", "/activities", json={"title": title, "track": track})[
            "activity_id"
        ]
    tokens = {
        "min": join(
            w["code"], group="Gouvernement", organisation="Ministère", name="Amina Secrète"
        ),
        "cgem": join(w["code"], group="Employeurs", organisation="CGEM", name="Leila Secrète"),
        "oit": join(w["code"], group="Agences", organisation="OIT"),
        "giz": join(w["code"], group="Agences", organisation="@GIZ"),
        "enabel": join(w["code"], group="Agences", organisation="ENABEL"),
    }
    api(client, w, "POST", "/phase", json={"phase": "voting"})
    played = Played(w=w, ids=ids, tokens=tokens)
    played.phones = {who: socket_client({"participant_token": t}) for who, t in tokens.items()}
    votes = [
        ("min", "first", 3),
        ("cgem", "first", 2),
        ("oit", "second", 3),
        ("giz", "second", 1),
        ("cgem", "third", 2),
        ("enabel", "third", 1),
        ("enabel", "fourth", 1),
    ]
    for n, (who, activity, points) in enumerate(votes):
        ack = played.phones[who].emit(
            "cast_vote",
            {"activity_id": ids[activity], "points": points, "op_id": f"v{n}"},
            callback=True,
        )
        assert ack["ok"], ack
    for n, (who, activity, text) in enumerate(
        [
            ("cgem", "first", "Associer les régions — إشراك الجهات"),
            ("oit", "first", "=1+1 pas une formule"),
            ("giz", "second", "Doublon avec notre projet ?"),
        ]
    ):
        ack = played.phones[who].emit(
            "add_comment",
            {"activity_id": ids[activity], "text": text, "op_id": f"c{n}"},
            callback=True,
        )
        assert ack["ok"], ack
    api(client, w, "POST", "/workplan/top", json={"count": 3})  # first, second, third
    api(client, w, "PATCH", "", json={"commitments_open": True})
    for n, (who, activity, role, timeframe) in enumerate(
        [
            ("oit", "first", "lead", "T1 2026"),
            ("giz", "first", "partner", "2026"),
            ("min", "first", "support", ""),
            ("oit", "second", "lead", "2026"),
            ("cgem", "second", "lead", "2027"),
            ("enabel", "third", "partner", "+2026"),
        ]
    ):
        ack = played.phones[who].emit(
            "make_commitment",
            {"activity_id": ids[activity], "role": role, "timeframe": timeframe, "op_id": f"k{n}"},
            callback=True,
        )
        assert ack["ok"], ack
    first_commitment = api(client, w, "GET", "/commitments")["commitments"][0]
    api(client, w, "PATCH", f"/commitments/{first_commitment['id']}", json={"confirmed": True})
    return played
