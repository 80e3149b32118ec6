"""Who runs a workshop: its owner's link, co-hosts' links (revocable), an optional PIN."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import NAME_MAX, FacilitatorLink, WorkingGroup, Workshop
from .errors import DomainError, Forbidden, NotFound
from .text import clean_text
from .tokens import hash_token, new_token

OWNER = "owner"
COHOST = "cohost"
MAX_COHOSTS = 20
#: table links (a co-host link scoped to one working group) per group
MAX_TABLE_LINKS = 5
#: a co-host link's label, as the console shows it
LABEL_MAX = NAME_MAX
PIN_MIN, PIN_MAX = 4, 12
PIN_PATTERN = re.compile(rf"[0-9]{{{PIN_MIN},{PIN_MAX}}}")
_PIN_ITERATIONS = 60_000


@dataclass(frozen=True)
class Grant:
    """The right to run one workshop: the owner's, or a co-host link's (named by its key).

    A table link's grant runs one working group only (`working_group_id`): routes refuse it
    unless they opt in (web/routes.py, `table=True`), and then only on its own group."""

    workshop_id: int
    role: str
    link_key: str | None = None
    working_group_id: int | None = None

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER

    @property
    def is_table(self) -> bool:
        """A table link's: it runs one working group, nothing of the others or the plenary."""
        return self.working_group_id is not None

    def as_session_value(self) -> list:
        return [self.workshop_id, self.link_key or OWNER]


def token_grant(session: Session, workshop: Workshop, token: object) -> Grant:
    """The grant a bearer token gives on this workshop, or raise facilitator_only."""
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise Forbidden("facilitator_only")
    digest = hash_token(token)
    if hmac.compare_digest(digest, workshop.facilitator_token_hash):
        return Grant(workshop.id, OWNER)
    link = session.scalar(
        select(FacilitatorLink).where(
            FacilitatorLink.token_hash == digest, FacilitatorLink.workshop_id == workshop.id
        )
    )
    if link is None:
        raise Forbidden("facilitator_only")
    return Grant(workshop.id, COHOST, link.key, link.working_group_id)


def session_grant(session: Session, workshop: Workshop, value: object) -> Grant | None:
    """The grant a console session remembers, if it still holds (a revoked link does not)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, OWNER]  # sessions from before co-hosts: only the owner's link existed
    if not (isinstance(value, list) and len(value) == 2 and value[0] == workshop.id):
        return None
    key = value[1]
    if key == OWNER:
        return Grant(workshop.id, OWNER)
    if not isinstance(key, str):
        return None
    link = session.execute(
        select(FacilitatorLink.id, FacilitatorLink.working_group_id).where(
            FacilitatorLink.key == key, FacilitatorLink.workshop_id == workshop.id
        )
    ).first()
    return None if link is None else Grant(workshop.id, COHOST, key, link.working_group_id)


def grant_holds(session: Session, grant: Grant) -> bool:
    """Whether a grant given earlier (e.g. to a socket) still holds."""
    if grant.role == OWNER:
        return session.get(Workshop, grant.workshop_id) is not None
    return (
        session.scalar(
            select(FacilitatorLink.id).where(
                FacilitatorLink.key == grant.link_key,
                FacilitatorLink.workshop_id == grant.workshop_id,
                FacilitatorLink.working_group_id.is_(None)
                if grant.working_group_id is None
                else FacilitatorLink.working_group_id == grant.working_group_id,
            )
        )
        is not None
    )


def require_owner(grant: Grant) -> None:
    if not grant.is_owner:
        raise Forbidden("owner_only")


def require_whole_workshop(grant: Grant) -> None:
    """Refuse a table link's grant: what follows is not one working group's to do."""
    if grant.is_table:
        raise Forbidden("table_link_scope")


def require_group(grant: Grant | None, working_group_id: int | None) -> None:
    """Refuse a table link's grant acting on another group's thing (or on no group's)."""
    if grant is not None and grant.is_table and grant.working_group_id != working_group_id:
        raise Forbidden("table_link_scope")


# -- co-hosts --------------------------------------------------------------------------------


def create_cohost_link(
    session: Session, workshop: Workshop, label: object = ""
) -> tuple[FacilitatorLink, str]:
    """A new co-host link; returns it with its token (shown once)."""
    count = sum(1 for link in list_cohost_links(session, workshop) if link.working_group_id is None)
    if count >= MAX_COHOSTS:
        raise DomainError("too_many", field="cohosts", max=MAX_COHOSTS)
    return _new_link(session, workshop, label, None)


def create_table_link(
    session: Session, workshop: Workshop, group: WorkingGroup, label: object = ""
) -> tuple[FacilitatorLink, str]:
    """A table facilitator's link: a co-host link that runs `group` only (token shown once)."""
    if group.workshop_id != workshop.id:
        raise NotFound("working_group_not_found")
    count = session.scalar(
        select(func.count(FacilitatorLink.id)).where(FacilitatorLink.working_group_id == group.id)
    )
    if count >= MAX_TABLE_LINKS:
        raise DomainError("too_many", field="links", max=MAX_TABLE_LINKS)
    return _new_link(session, workshop, label, group.id)


def _new_link(
    session: Session, workshop: Workshop, label: object, working_group_id: int | None
) -> tuple[FacilitatorLink, str]:
    token = new_token()
    link = FacilitatorLink(
        workshop_id=workshop.id,
        key=secrets.token_urlsafe(18),
        token_hash=hash_token(token),
        label=clean_text(label, "label", LABEL_MAX),
        working_group_id=working_group_id,
    )
    session.add(link)
    session.flush()
    return link, token


def list_cohost_links(session: Session, workshop: Workshop) -> list[FacilitatorLink]:
    return list(
        session.scalars(
            select(FacilitatorLink)
            .where(FacilitatorLink.workshop_id == workshop.id)
            .order_by(FacilitatorLink.id)
        )
    )


def revoke_cohost_link(session: Session, workshop: Workshop, link_id: object) -> str:
    """Delete a co-host link: its token and every session opened with it stop working."""
    if isinstance(link_id, bool) or not isinstance(link_id, int) or not 0 < link_id < 2**63:
        raise NotFound("cohost_not_found")
    link = session.get(FacilitatorLink, link_id)
    if link is None or link.workshop_id != workshop.id:
        raise NotFound("cohost_not_found")
    key = link.key
    session.execute(delete(FacilitatorLink).where(FacilitatorLink.id == link.id))
    session.expunge(link)
    return key


# -- PIN -------------------------------------------------------------------------------------


def set_pin(session: Session, workshop: Workshop, pin: object) -> None:
    """Set (4 to 12 digits) or remove (None or "") the PIN asked after a facilitator link."""
    if pin in (None, ""):
        workshop.pin_hash = None
    else:
        if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
            raise DomainError("pin_format")
        workshop.pin_hash = _hash_pin(pin)
    session.flush()


def check_pin(workshop: Workshop, pin: object) -> bool:
    """True when the workshop has no PIN, or `pin` is it."""
    if workshop.pin_hash is None:
        return True
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        return False
    _scheme, salt, expected = workshop.pin_hash.split("$")
    return hmac.compare_digest(_derive(pin, bytes.fromhex(salt)), expected)


def _hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    return f"pbkdf2-sha256${salt.hex()}${_derive(pin, salt)}"


def _derive(pin: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, _PIN_ITERATIONS).hex()
