"""Schemathesis fuzzes every operation of the OpenAPI document against the app: no input,
with or without credentials, on a real workshop or a made-up one, ever gets a 500."""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from workshop import create_app


@pytest.fixture
def fuzzed_app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fuzz.sqlite3'}",
            "SECRET_KEY": "fuzz",
            "HOST_KEY": "fuzz-host",
            "SOCKETIO_ASYNC_MODE": "threading",
            "BROADCAST_WINDOW": 0,
            "RATE_JOIN_ADDRESS": "off",
            "RATE_JOIN_PARTICIPANT": "off",
        }
    )
    client = app.test_client()
    made = client.post(
        "/api/workshops",
        json={"title": "Fuzz", "groups": ["Gouvernement", "Employeurs"], "tracks": ["Emploi"]},
    ).get_json()
    auth = {"Authorization": f"Bearer {made['facilitator_token']}"}
    activity = client.post(
        f"/api/workshops/{made['code']}/activities", json={"title": "Former"}, headers=auth
    ).get_json()["activity_id"]
    cohost = client.post(f"/api/workshops/{made['code']}/cohosts", json={}, headers=auth)
    app.config["FUZZ"] = {
        "code": made["code"],
        "auth": auth,
        "activity_id": activity,
        "link_id": cohost.get_json()["id"],
        "turn": itertools.count(),
        "statuses": set(),
    }
    yield app
    app.extensions["atelier.engine"].dispose()


def call_and_check(case, fuzz):
    turn = next(fuzz["turn"])
    # Half the cases aim at the real workshop (else nearly every path is a plain 404), and
    # half of those carry the facilitator's token, so the handlers behind the checks run too.
    if turn % 2 == 0 and case.path_parameters is not None:
        for name in ("code", "activity_id", "link_id"):
            if name in case.path_parameters:
                case.path_parameters[name] = fuzz[name]
        if turn % 4 == 0 and case.operation.method.upper() != "DELETE":
            case.headers = {**(case.headers or {}), **fuzz["auth"]}
    # Read the body as sent: Flask-Compress would otherwise answer in brotli or gzip.
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    response = case.call()
    fuzz["statuses"].add(response.status_code)
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
        excluded_checks=[negative_data_rejection],
    )


def test_no_input_makes_the_api_fail(fuzzed_app):
    """A bounded run: a dozen generated requests per operation (a few seconds in all)."""
    fuzz = fuzzed_app.config["FUZZ"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 23
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz_one(case):
            call_and_check(case, fuzz)

        fuzz_one()
    assert {200, 201, 400, 401, 403, 404} <= fuzz["statuses"], fuzz["statuses"]
