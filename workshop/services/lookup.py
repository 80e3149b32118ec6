"""Finding a workshop's row by the id a client sent: one rule for every kind of row."""

from typing import TypeVar

from sqlalchemy.orm import Session

from ..models import Workshop
from .errors import NotFound

Row = TypeVar("Row")


def get_in_workshop(
    session: Session, model: type[Row], workshop: Workshop, row_id: object, missing: str
) -> Row:
    """The `model` row numbered `row_id` in `workshop`; NotFound(`missing`) for anything else
    (not an integer, out of range, another workshop's)."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id < 2**63:
        raise NotFound(missing)
    row = session.get(model, row_id)
    if row is None or row.workshop_id != workshop.id:
        raise NotFound(missing)
    return row
