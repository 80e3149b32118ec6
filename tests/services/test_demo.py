from sqlalchemy import func, select

from workshop.models import Activity, Phase
from workshop.services.demo import ACTIVITIES, GROUPS, create_demo_workshop


def test_demo_workshop_is_ready_to_use(db):
    workshop, token = create_demo_workshop(db)
    db.commit()
    assert workshop.phase == Phase.PROPOSING.value
    assert [g.name for g in workshop.groups] == GROUPS
    count = db.scalar(select(func.count(Activity.id)).where(Activity.workshop_id == workshop.id))
    assert count == len(ACTIVITIES) >= 12
    assert all(a.track_id is not None for a in db.scalars(select(Activity)))
    assert len(token) >= 32
