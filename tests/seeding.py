"""Seeded rooms on a real server: a THAMM-like workshop made over the API, and phones that vote,
comment and commit over real websockets. Each test (or script) brings its own titles, people
and spread; what every seeder does the same way lives here once."""

import uuid

from tests.json_http import call

#: the stakeholder groups of the THAMM national workshop (Rabat)
THAMM_GROUPS = [
    "Gouvernement",
    "Organisations d'employeurs",
    "Organisations de travailleurs",
    "Agences publiques",
    "Partenaires techniques et financiers",
]
#: its first three tracks; each room names its fourth
THAMM_TRACKS = [
    "Gouvernance de la migration de main-d'œuvre",
    "Compétences et employabilité",
    "Protection des travailleurs migrants",
]
#: five dots, at most three on one activity
DOTS = {"mode": "dots", "budget": 5, "per_activity_cap": 3}


class Room:
    """The facilitator's side of a seeded workshop, over HTTP."""

    def __init__(self, base: str, created: dict):
        self.base, self.created = base, created
        self.code, self.token = created["code"], created["facilitator_token"]

    @classmethod
    def create(cls, base: str, title: str, *, groups, **settings) -> "Room":
        """A new workshop; `settings` are the creation form's other fields (tracks, voting...)."""
        body = {"title": title, "groups": groups, **settings}
        return cls(base, call("POST", base + "/api/workshops", body))

    def call(self, method: str, suffix: str = "", body=None, *, token=...):
        """A call on the workshop's API, as its facilitator unless `token` says otherwise."""
        url = f"{self.base}/api/workshops/{self.code}{suffix}"
        return call(method, url, body, self.token if token is ... else token)

    def add(self, title: str, track=None) -> int:
        return self.call("POST", "/activities", {"title": title, "track": track})["activity_id"]

    def phase(self, phase: str) -> None:
        self.call("POST", "/phase", {"phase": phase})

    def join(self, organisation: str, group: str) -> str:
        """A participant's token (they join as the phone's form does)."""
        body = {"organisation": organisation, "group": group}
        return self.call("POST", "/participants", body, token=None)["participant_token"]


class Phone:
    """A participant's phone over a real websocket; each action carries its own op_id."""

    def __init__(self, base: str, participant_token: str):
        import socketio

        self.client = socketio.SimpleClient()
        self.client.connect(
            base, auth={"participant_token": participant_token}, transports=["websocket"]
        )

    def act(self, event: str, **data) -> dict:
        """The server's ack to `event`."""
        return self.client.call(event, {**data, "op_id": str(uuid.uuid4())})

    def close(self) -> None:
        self.client.disconnect()
