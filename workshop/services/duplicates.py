"""Likely duplicates among a workshop's activities, for phones (while typing) and the console."""

import threading
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DESCRIPTION_MAX, TITLE_MAX, Activity, ActivityStatus, Workshop
from .similarity import DEFAULT_THRESHOLD, SimilarityIndex, clusters
from .text import clean_text

#: candidates returned while someone types
MAX_CANDIDATES = 5
#: pairs listed on the console (the strongest)
MAX_PAIRS = 200

_CACHE_SIZE = 16
_cache: OrderedDict[tuple, SimilarityIndex] = OrderedDict()
_cache_lock = threading.Lock()


Documents = tuple[tuple[int, str, str], ...]


def visible_documents(session: Session, workshop: Workshop) -> Documents:
    """(id, title, description) of the visible activities: read them, then compare outside
    the transaction (comparing is CPU work; a transaction should stay short)."""
    rows = session.execute(
        select(Activity.id, Activity.title, Activity.description)
        .where(
            Activity.workshop_id == workshop.id,
            Activity.status == ActivityStatus.VISIBLE.value,
        )
        .order_by(Activity.id)
    ).all()
    return tuple((r.id, r.title, r.description) for r in rows)


def index_for(workshop_id: int, documents: Documents) -> SimilarityIndex:
    """The index of these documents, rebuilt only when the workshop's texts changed."""
    key = (workshop_id, documents)
    with _cache_lock:
        index = _cache.get(key)
        if index is not None:
            _cache.move_to_end(key)
            return index
    index = SimilarityIndex(documents)
    with _cache_lock:
        _cache[key] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def similar_activities(
    index: SimilarityIndex, *, title: object, description: object = ""
) -> list[dict]:
    """Activities the engine judges likely duplicates of the text, best first."""
    title = clean_text(title, "title", TITLE_MAX)
    description = clean_text(description, "description", DESCRIPTION_MAX, multiline=True)
    if not title and not description:
        return []
    found = index.query(title, description, threshold=DEFAULT_THRESHOLD, limit=MAX_CANDIDATES)
    return [{"activity_id": key, "score": round(score, 3)} for key, score in found]


def duplicate_report(index: SimilarityIndex) -> dict:
    """Pairs of likely duplicates, strongest first, and the clusters they form."""
    pairs = index.pairs(DEFAULT_THRESHOLD)[:MAX_PAIRS]
    best: dict[int, float] = {}
    for pair in pairs:
        for key in (pair.a, pair.b):
            best[key] = max(best.get(key, 0.0), pair.score)
    groups = clusters(pairs)
    strongest = {tuple(g): max(best[k] for k in g) for g in groups}
    groups.sort(key=lambda g: (-strongest[tuple(g)], g))
    return {
        "threshold": DEFAULT_THRESHOLD,
        "pairs": [{"activity_ids": [p.a, p.b], "score": round(p.score, 3)} for p in pairs],
        "clusters": [{"activity_ids": g, "score": round(strongest[tuple(g)], 3)} for g in groups],
    }
