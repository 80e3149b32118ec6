"""The one family of domain errors; the edge translates `key` into the reader's language."""


class DomainError(Exception):
    """A refused action: `key` names the reason, `params` fill its message."""

    status = 400

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409
