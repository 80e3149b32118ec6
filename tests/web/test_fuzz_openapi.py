"""Schemathesis fuzzes every operation of the OpenAPI document against the app: no input,
with or without credentials, on a real workshop or a made-up one, ever gets a 500."""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import CoverageScenario
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
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


def test_a_method_a_path_does_not_document_is_a_405_with_allow(fuzzed_app):
    """Schemathesis's coverage phase sends each path the methods it does not document; its
    `unsupported_method` check wants a 405 with `Allow`, and Allow must name exactly the
    documented methods (plus the HEAD and OPTIONS Flask adds)."""
    fuzz = fuzzed_app.config["FUZZ"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    verbs = ("get", "post", "put", "patch", "delete")
    documented = {
        path: {method.upper() for method in item if method in verbs}
        for path, item in schema.raw_schema["paths"].items()
    }
    probed = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        config = schema.config.generation_for(operation=operation, phase="coverage")
        cases = schema.iter_coverage_cases(
            operation, generation_modes=[GenerationMode.NEGATIVE], generation_config=config
        )
        for case in cases:
            if case.meta.phase.data.scenario != CoverageScenario.UNSPECIFIED_HTTP_METHOD:
                continue
            if case.method == "OPTIONS":  # Flask answers it for every path (200, with Allow)
                continue
            # a real workshop and plausible ids: a path that does not route is a 404, not a 405
            for name in case.path_parameters or {}:
                case.path_parameters[name] = fuzz.get(name, 1)
            response = case.call(headers={"Accept-Encoding": "identity"})
            case.validate_response(response, checks=[unsupported_method])
            assert response.status_code == 405, (case.method, case.formatted_path)
            # Schemathesis keeps headers lower-cased, each with its list of values
            allow = {m.strip() for v in response.headers["allow"] for m in v.split(",")}
            expected = documented[operation.path]
            assert allow - {"HEAD", "OPTIONS"} == expected, (case.formatted_path, allow)
            probed.add((operation.path, case.method))
    # Schemathesis makes no case for the document's own path (test_probe_http.py walks it)
    missing = set(documented) - {path for path, _ in probed} - {"/api/openapi.json"}
    assert not missing, missing
