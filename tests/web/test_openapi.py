"""The OpenAPI document: served, valid, complete, and true to what the API answers."""

import io
import json
import re
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

import workshop
from workshop import export, models
from workshop.messages import ERRORS
from workshop.services.workshops import MAX_GROUPS, MAX_TRACKS

DOCUMENT = Path(workshop.__file__).parent / "openapi.json"
#: Flask adds these to every rule; the document describes the real methods only
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
#: the export rule `<name>.<fmt>` is documented as one concrete path per table and format
EXPORT_FORMATS = ("csv", "xlsx")
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def doc():
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def openapi_paths(rule: str) -> list[str]:
    """`<int:activity_id>` -> `{activity_id}`; the export rule -> one path per table and format."""
    if "<name>.<fmt>" in rule:
        return [
            path
            for name in export.TABLES
            for fmt in EXPORT_FORMATS
            for path in openapi_paths(rule.replace("<name>.<fmt>", f"{name}.{fmt}"))
        ]
    return [re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)]


def routed_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        for path in openapi_paths(rule.rule):
            for method in rule.methods - IMPLICIT_METHODS:
                operations.add((path, method))
    return operations


def documented_operations(doc) -> set[tuple[str, str]]:
    return {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def schema_errors(doc, schema: dict, instance) -> list[str]:
    validator = OAS30Validator({"allOf": [schema], "components": doc["components"]})
    return sorted(f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance))


def resolve(doc, node: dict) -> dict:
    while "$ref" in node:
        _, section, kind, name = node["$ref"].split("/")
        node = doc[section][kind][name]
    return node


class Contract:
    """Sends requests and checks each answer against the documented response."""

    def __init__(self, doc, client):
        self.doc, self.client = doc, client
        self.checked: set[tuple[str, str, str]] = set()

    def example(self, template: str, method: str) -> dict:
        operation = self.doc["paths"][template][method]
        return operation["requestBody"]["content"]["application/json"]["example"]

    def call(self, method, template, expect, *, client=None, **kwargs):
        url = template.format(**kwargs.pop("params", {}))
        response = (client or self.client).open(url, method=method.upper(), **kwargs)
        assert response.status_code == expect, (method, url, response.get_data(as_text=True))
        self.check(response, template, method)
        return response

    def check(self, response, template: str, method: str) -> None:
        responses = self.doc["paths"][template][method]["responses"]
        status = str(response.status_code)
        assert status in responses, f"{method.upper()} {template}: {status} is not documented"
        documented = resolve(self.doc, responses[status])
        content = documented["content"]
        assert response.mimetype in content, (template, status, response.mimetype)
        if response.mimetype == "application/json":
            body = response.get_json()
            schema = content["application/json"]["schema"]
            assert schema_errors(self.doc, schema, body) == [], (template, status, body)
            if body.get("ok") is False:
                keys = re.findall(r"`([a-z_]+)`", documented["description"])
                assert body["error"] in keys, (template, status, body["error"], keys)
        else:
            assert response.data, (template, status)
            for header in documented.get("headers", {}):
                assert response.headers.get(header), (template, header)
        self.checked.add((template, method.upper(), status))


@pytest.fixture
def contract(doc, client):
    return Contract(doc, client)


def test_document_is_served_as_openapi_3(client, doc):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    served = json.loads(response.get_data(as_text=True))
    assert served == doc
    assert re.fullmatch(r"3\.\d+\.\d+", served["openapi"])
    assert served["paths"]


def test_document_is_valid_openapi(doc):
    validate(doc)  # raises OpenAPIValidationError with the first problem


def test_flask_rules_become_openapi_paths():
    assert openapi_paths("/api/workshops/<code>/activities/<int:activity_id>/hide") == [
        "/api/workshops/{code}/activities/{activity_id}/hide"
    ]
    exports = openapi_paths("/api/workshops/<code>/export/<name>.<fmt>")
    assert "/api/workshops/{code}/export/votes.xlsx" in exports
    assert len(exports) == len(export.TABLES) * len(EXPORT_FORMATS)


def test_every_api_route_is_documented_and_nothing_else(app, doc):
    routed = routed_operations(app)
    documented = documented_operations(doc)
    assert ("/healthz", "GET") in routed
    assert ("/api/workshops/{code}/export/participants.csv", "GET") in routed
    assert routed - documented == set(), "routes missing from openapi.json"
    assert documented - routed == set(), "openapi.json documents routes that do not exist"


def test_path_parameters_are_declared_with_their_types(doc):
    for path, item in doc["paths"].items():
        declared = {p["name"]: p for p in item.get("parameters", [])}
        assert set(re.findall(r"{(\w+)}", path)) == set(declared), path
        if "activity_id" in declared:
            assert declared["activity_id"]["schema"]["type"] == "integer"


def test_every_error_key_is_documented(doc):
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]["error"]["enum"]) == set(ERRORS)
    assert error["required"] == ["ok", "error", "message"]


def test_limits_and_enums_match_the_code(doc):
    schemas = doc["components"]["schemas"]

    def prop(schema, name):
        return schemas[schema]["properties"][name]

    assert prop("ActivityCreate", "title")["maxLength"] == models.TITLE_MAX
    assert prop("ActivityCreate", "description")["maxLength"] == models.DESCRIPTION_MAX
    assert prop("ActivityUpdate", "title")["maxLength"] == models.TITLE_MAX
    assert prop("WorkshopCreate", "title")["maxLength"] == models.WORKSHOP_TITLE_MAX
    assert prop("WorkshopCreate", "description")["maxLength"] == models.WORKSHOP_DESCRIPTION_MAX
    assert prop("WorkshopUpdate", "title")["maxLength"] == models.WORKSHOP_TITLE_MAX
    assert prop("JoinRequest", "name")["maxLength"] == models.NAME_MAX
    assert prop("JoinRequest", "organisation")["maxLength"] == models.ORGANISATION_MAX
    assert f"at most {MAX_GROUPS}" in prop("WorkshopCreate", "groups")["description"]
    assert f"at most {MAX_TRACKS}" in prop("WorkshopCreate", "tracks")["description"]
    assert schemas["Phase"]["enum"] == [p.value for p in models.Phase]
    assert prop("VotingRuleInput", "mode")["enum"] == sorted(m.value for m in models.VotingMode)
    assert prop("Activity", "status")["enum"] == [s.value for s in models.ActivityStatus]


def test_security_schemes(doc):
    schemes = doc["components"]["securitySchemes"]
    assert schemes["facilitatorToken"]["type"] == "http"
    assert schemes["facilitatorToken"]["scheme"] == "bearer"
    assert schemes["participantToken"]["scheme"] == "bearer"
    assert schemes["csrfToken"]["name"] == "X-CSRF-Token"
    me = doc["paths"]["/api/workshops/{code}/me"]["get"]["security"]
    assert me == [{"participantToken": []}]
    join = doc["paths"]["/api/workshops/{code}/participants"]["post"]["security"]
    assert {"participantToken": []} in join and {} in join


def test_json_request_examples_fit_their_schemas(doc):
    seen = 0
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                assert "example" in body, (method, path)
                assert schema_errors(doc, body["schema"], body["example"]) == [], (method, path)
                seen += 1
    assert seen >= 6


def test_protected_operations_refuse_anonymous_callers(contract, make_workshop, doc):
    w = make_workshop()
    added = contract.client.post(
        f"/api/workshops/{w['code']}/activities", json={"title": "Former"}, headers=w["auth"]
    )
    params = {
        "code": w["code"],
        "activity_id": added.get_json()["activity_id"],
        "link_id": 1,
        "merge_id": 1,
        "comment_id": 1,
        "commitment_id": 1,
        "organisation_id": 1,
        "group_id": 1,
        "track_id": 1,
        "participant_id": "P-NOPE99",
        "change_id": 1,
        "consolidation_id": 1,
        "source_id": 1,
        "number": 1,
        "name": "plan.csv",
    }
    protected = 0
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            security = operation["security"]
            if not security or {} in security:
                continue
            body = {"json": {}} if "requestBody" in operation else {}
            contract.call(method, path, 401, params=params, **body)
            protected += 1
    assert protected >= 25
    assert contract.client.get(f"/api/workshops/{w['code']}").status_code == 200


def test_answers_match_the_document(app, contract, socket_client):
    c = contract
    created = c.call("post", "/api/workshops", 201, json=c.example("/api/workshops", "post"))
    w = created.get_json()
    assert w["join_url"] == f"http://atelier.test/j/{w['code']}"
    fac = {"Authorization": f"Bearer {w['facilitator_token']}"}
    p = {"code": w["code"]}
    ws = "/api/workshops/{code}"

    c.call("post", "/api/workshops", 400, json={"title": "Sans groupes"})
    c.call("post", "/api/workshops", 400, data="not json", content_type="application/json")
    too_big = b'{"title": "' + b"a" * (1024 * 1024) + b'"}'
    c.call("post", "/api/workshops", 413, data=too_big, content_type="application/json")

    c.call("get", ws, 200, params=p)
    c.call("get", ws, 404, params={"code": "NOPE99"})
    c.call("patch", ws, 400, params=p, headers=fac, json={"live_results": "yes"})
    c.call("patch", ws, 403, params=p, headers={"Authorization": "Bearer wrong"}, json={})

    activities = ws + "/activities"
    body = c.example(activities, "post")
    first = c.call("post", activities, 201, params=p, headers=fac, json=body).get_json()
    c.call("post", activities, 400, params=p, headers=fac, json={"title": "x" * 121})
    c.call("post", activities, 400, params=p, headers=fac, json={"title": "x", "track": "Non"})

    imports = activities + "/import"
    csv_bytes = "\ufefftitle;description;track\r\nObservatoire;Rapport annuel;Emploi\r\n".encode()
    upload = {"file": (io.BytesIO(csv_bytes), "activities.csv")}
    c.call("post", imports, 201, params=p, headers=fac, data=upload)
    raw = {**fac, "Content-Type": "text/csv"}
    c.call("post", imports, 201, params=p, headers=raw, data=b"title\nApprentissage\n")
    bad = b"title,description\nOk,\n,orphan description\n"
    refused = c.call("post", imports, 400, params=p, headers=raw, data=bad)
    rows = refused.get_json()["rows"]
    assert [{k: v for k, v in r.items() if k != "message"} for r in rows] == [
        {"line": 3, "error": "field_required", "params": {"field": "title"}}
    ]
    c.call("post", imports, 400, params=p, headers=raw, data=b"name\nx\n")
    c.call("post", imports, 400, params=p, headers=fac)

    one = {**p, "activity_id": first["activity_id"]}
    item = activities + "/{activity_id}"
    c.call("patch", item, 200, params=one, headers=fac, json=c.example(item, "patch"))
    c.call("patch", item, 404, params={**p, "activity_id": 999}, headers=fac, json={})
    c.call("post", item + "/hide", 200, params=one, headers=fac)
    hidden_view = c.call("get", ws, 200, params=p, headers=fac).get_json()
    assert any(a["status"] == "hidden" for a in hidden_view["activities"])
    assert all(
        a["status"] == "visible" for a in c.call("get", ws, 200, params=p).get_json()["activities"]
    )
    c.call("post", item + "/restore", 200, params=one, headers=fac)
    c.call("post", item + "/hide", 404, params={**p, "activity_id": 999}, headers=fac)

    people = ws + "/participants"
    joined = c.call("post", people, 201, params=p, json=c.example(people, "post")).get_json()
    phone = {"Authorization": f"Bearer {joined['participant_token']}"}
    again = c.call("post", people, 200, params=p, headers=phone, json=c.example(people, "post"))
    assert again.get_json()["participant_token"] == joined["participant_token"]
    c.call("post", people, 400, params=p, json={"organisation": "BIT", "group": "Aucun"})
    c.call("get", people, 200, params=p, headers=fac)
    c.call("get", people, 403, params=p, headers=phone)

    phase = ws + "/phase"
    c.call("post", phase, 400, params=p, headers=fac, json={"phase": "closed"})
    c.call("post", phase, 400, params=p, headers=fac, json={"phase": "fini"})
    c.call("post", phase, 200, params=p, headers=fac, json=c.example(phase, "post"))

    timer = ws + "/timer"
    c.call("post", timer, 400, params=p, headers=fac, json={"action": "add", "seconds": 60})
    c.call("post", timer, 400, params=p, headers=fac, json={"action": "start"})
    c.call("post", timer, 200, params=p, headers=fac, json=c.example(timer, "post"))
    c.call("post", timer, 200, params=p, headers=fac, json={"action": "pause"})
    c.call("post", timer, 403, params=p, headers={"Authorization": "Bearer wrong"}, json={})
    paused = c.call("get", ws, 200, params=p).get_json()["timer"]
    assert paused["state"] == "paused" and paused["seconds"] == 300

    sio = socket_client({"participant_token": joined["participant_token"]})
    vote = {"activity_id": first["activity_id"], "points": 2, "op_id": "v1"}
    assert sio.emit("cast_vote", vote, callback=True)["ok"] is True

    me = c.call("get", ws + "/me", 200, params=p, headers=phone).get_json()
    assert me["votes"] == [{"activity_id": first["activity_id"], "value": 2}]
    c.call("get", ws + "/me", 401, params=p)

    results = ws + "/results"
    c.call("get", results, 403, params=p, headers=phone)  # live results off in the example
    c.call("get", results, 401, params=p)
    ranked = c.call("get", results, 200, params=p, headers=fac).get_json()
    assert ranked["activities"][0]["total"] == 2
    c.call("patch", ws, 200, params=p, headers=fac, json=c.example(ws, "patch"))
    c.call("get", results, 200, params=p, headers=phone)

    for name in export.TABLES:
        for fmt in EXPORT_FORMATS:
            path = ws + f"/export/{name}.{fmt}"
            got = c.call("get", path, 200, params=p, headers=fac)
            disposition = got.headers["Content-Disposition"]
            assert disposition == f'attachment; filename="{w["code"]}-{name}.{fmt}"'
            c.call("get", path, 403, params=p, headers=phone)

    console = app.test_client()
    assert console.get(f"/f/{w['code']}/{w['facilitator_token']}").status_code == 302
    page = console.get(f"/f/{w['code']}").get_data(as_text=True)
    token = json.loads(re.search(r'id="config">(.*?)</script>', page).group(1))["csrf"]
    c.call("patch", ws, 403, client=console, params=p, json={"show_group_split": True})
    csrf = {"X-CSRF-Token": token}
    c.call("patch", ws, 200, client=console, params=p, headers=csrf, json={})
    c.call("get", people, 200, client=console, params=p)

    c.call("get", "/healthz", 200)
    c.call("delete", ws, 200, params=p, headers=fac)
    c.call("get", ws, 404, params=p)

    statuses = {status for _, _, status in c.checked}
    assert {"200", "201", "400", "401", "403", "404", "413"} <= statuses


def test_hiding_or_restoring_a_merged_activity_answers_as_documented(contract):
    c = contract
    w = c.call("post", "/api/workshops", 201, json=c.example("/api/workshops", "post")).get_json()
    fac = {"Authorization": f"Bearer {w['facilitator_token']}"}
    p = {"code": w["code"]}
    activities = "/api/workshops/{code}/activities"
    kept, merged = (
        c.call("post", activities, 201, params=p, headers=fac, json={"title": t}).get_json()
        for t in ("Former les conseillers", "Former des conseillers")
    )
    merge = {"target_id": kept["activity_id"], "source_ids": [merged["activity_id"]]}
    c.call("post", "/api/workshops/{code}/merges", 201, params=p, headers=fac, json=merge)
    one = {**p, "activity_id": merged["activity_id"]}
    for action in ("hide", "restore"):
        path = f"{activities}/{{activity_id}}/{action}"
        refused = c.call("post", path, 400, params=one, headers=fac)
        assert refused.get_json()["error"] == "activity_merged"
