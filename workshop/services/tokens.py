"""Secrets handed to people, and what the database keeps of them."""

import hashlib
import secrets

#: no 0/O, 1/I/L: codes are read off a projector and typed on phones
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: characters of a typed join code that are looked at (codes are 6; spaces and dashes go)
CODE_INPUT_MAX = 12


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """Accept what a tired person types: spaces, dashes, lower case."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())[:CODE_INPUT_MAX]
