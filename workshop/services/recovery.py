"""Rejoin on a new phone: a short personal recovery code restores the same identity.

The code is derived from the phone's own token (an HMAC keyed by the instance's secret), so
the phone page can show it again whenever it is asked, and the server keeps only its keyed
hash: a copy of the database alone cannot be searched for codes (8 characters of a
31-letter alphabet, about 40 bits, would fall in seconds to a plain hash). Using a code
gives the new device a new token: the old device is signed out and the code changes, so a
code photographed over a shoulder works once and its use shows on the owner's phone.
"""

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Participant, Workshop
from .errors import DomainError, Forbidden
from .participants import acting_participant
from .tokens import CODE_ALPHABET, hash_token, new_token, normalise_code

RECOVERY_CODE_LENGTH = 8


def recovery_code(secret: str, token: str) -> str:
    """The code of the phone holding `token`, as the phone shows it (e.g. "K7QM-4XTB")."""
    number = int.from_bytes(
        hmac.new(secret.encode(), b"recovery:" + token.encode(), hashlib.sha256).digest()
    )
    letters = []
    for _ in range(RECOVERY_CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    code = "".join(letters)
    return f"{code[:4]}-{code[4:]}"


def _hash(secret: str, workshop_id: int, code: str) -> str:
    message = f"{workshop_id}:{normalise_code(code)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _taken(session: Session, workshop_id: int, digest: str, holder_id: int | None) -> bool:
    other = session.scalar(
        select(Participant.id).where(
            Participant.workshop_id == workshop_id, Participant.recovery_hash == digest
        )
    )
    return other is not None and other != holder_id


def show_recovery_code(
    session: Session, workshop: Workshop, holder: Participant, token: str, secret: str
) -> str | None:
    """The holder's code, its hash stored the first time it is shown.

    None only if another participant of the workshop has the same code (one chance in
    billions): the phone then shows none rather than one that opens someone else's identity.
    """
    code = recovery_code(secret, token)
    digest = _hash(secret, workshop.id, code)
    if holder.recovery_hash != digest:
        if _taken(session, workshop.id, digest, holder.id):
            return None
        holder.recovery_hash = digest
        session.flush()
    return code


def recover_identity(
    session: Session, workshop: Workshop, code: object, secret: str
) -> tuple[Participant, str]:
    """The participant a recovery code opens, and the new device's token.

    The old token stops working; the holder's code changes with it.
    """
    if not isinstance(code, str) or not code.strip():
        raise DomainError("field_required", field="recovery_code")
    clean = normalise_code(code)
    if len(clean) != RECOVERY_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in clean):
        raise RecoveryRefused("recovery_code_format")
    holder = session.scalar(
        select(Participant).where(
            Participant.workshop_id == workshop.id,
            Participant.recovery_hash == _hash(secret, workshop.id, clean),
        )
    )
    if holder is None:
        raise RecoveryRefused("recovery_code_invalid")
    if acting_participant(session, holder) is None:
        raise Forbidden("participant_removed")
    while True:  # a new token whose code no one else in the workshop has
        token = new_token()
        digest = _hash(secret, workshop.id, recovery_code(secret, token))
        if not _taken(session, workshop.id, digest, holder.id):
            break
    holder.token_hash, holder.recovery_hash = hash_token(token), digest
    session.flush()
    return holder, token


class RecoveryRefused(DomainError):
    """A wrong or malformed code: counted against the guesser once the request has ended."""

    status = 403
