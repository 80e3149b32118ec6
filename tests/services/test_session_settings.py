"""The session's date, venue and time zone: what the facilitator may set, what the report prints."""

from datetime import date, datetime

import pytest

from workshop.services import report
from workshop.services.errors import DomainError
from workshop.services.workshops import KEEP, create_workshop, update_settings


@pytest.fixture
def workshop(db):
    made, _ = create_workshop(db, title="Atelier", groups=["Gouvernement", "Syndicats"])
    db.commit()
    return made


def test_the_session_date_defaults_to_today_in_the_workshops_time_zone(workshop):
    assert workshop.session_date is None and workshop.time_zone == "Africa/Casablanca"
    # 23:30 UTC on 31 December is already 1 January in Casablanca (UTC+1), not yet in UTC
    late = datetime(2025, 12, 31, 23, 30)
    assert report.session_day(workshop, late) == date(2026, 1, 1)
    workshop.time_zone = "UTC"
    assert report.session_day(workshop, late) == date(2025, 12, 31)
    workshop.time_zone = "America/New_York"
    assert report.session_day(workshop, late) == date(2025, 12, 31)
    assert report.local_time(workshop, late).strftime("%H:%M") == "18:30"


def test_a_date_set_by_the_facilitator_wins_and_null_gives_today_back(db, workshop):
    update_settings(db, workshop, session_date="2026-05-28", venue="  Hôtel  Sofitel, Rabat ")
    assert workshop.session_date == date(2026, 5, 28) and workshop.venue == "Hôtel Sofitel, Rabat"
    assert report.session_day(workshop, datetime(2030, 1, 1)) == date(2026, 5, 28)
    update_settings(db, workshop, venue="Rabat")  # the date is not touched when not given
    assert workshop.session_date == date(2026, 5, 28)
    update_settings(db, workshop, session_date=None)
    assert workshop.session_date is None
    update_settings(db, workshop, session_date=KEEP, time_zone="Europe/Paris")
    assert workshop.time_zone == "Europe/Paris" and workshop.session_date is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session_date", "28/05/2026"),
        ("session_date", "2026-02-30"),
        ("session_date", "2026-05-28T10:00"),
        ("session_date", 20260528),
        ("time_zone", "Mars/Olympus"),
        ("time_zone", "../../etc/passwd"),
        ("time_zone", ""),
        ("time_zone", 1),
        ("venue", "x" * 201),
        ("venue", ["Rabat"]),
    ],
)
def test_what_is_refused(db, workshop, field, value):
    with pytest.raises(DomainError) as refused:
        update_settings(db, workshop, **{field: value})
    assert refused.value.params.get("field") == field


def test_the_report_data_carries_the_session(db, workshop):
    update_settings(db, workshop, venue="Rabat", time_zone="Africa/Casablanca")
    data = report.report_data(db, workshop, now=datetime(2026, 6, 1, 23, 30))
    assert data["workshop"]["session_date"] == date(2026, 6, 2)
    assert data["workshop"]["venue"] == "Rabat"
    assert data["generated_at"].strftime("%Y-%m-%d %H:%M") == "2026-06-02 00:30"
