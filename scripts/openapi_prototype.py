"""Issue 15, item 4(c): request validation and OpenAPI from one declaration (pydantic), tried
on five operations and measured against the hand-written workshop/openapi.json and the
services' own validation.

    python scripts/openapi_prototype.py            # the comparison, as text
    python scripts/openapi_prototype.py --json     # the generated OpenAPI fragment

The five operations: create a workshop (nested voting rule, text lists), join (keyed errors
per status, 200 or 201, 429), propose an activity (a track by name or id), import activities
(a file upload), hide activities (a bulk route). Each is declared once, as spectree or
flask-openapi3 would have it (a pydantic model per body and per answer, the error keys per
status as an enum); the document is generated from the declaration with pydantic's JSON
Schema. tests/test_openapi_prototype.py keeps the findings true (docs/architecture.md
quotes them).
"""

import argparse
import inspect
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop import models  # noqa: E402
from workshop.services.activities import MAX_BULK_HIDE  # noqa: E402
from workshop.services.workshops import MAX_GROUPS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HAND_WRITTEN = ROOT / "workshop" / "openapi.json"

# --- the declaration ---------------------------------------------------------------------

Name = Annotated[str, Field(max_length=models.NAME_MAX)]
Language = Literal["fr", "ar", "en"]


class VotingRuleInput(BaseModel):
    mode: Literal["approval", "dots", "score"] = "dots"
    budget: int | None = Field(None, ge=0, le=1000)
    per_activity_cap: int | None = Field(None, ge=1, le=100)


class WorkshopCreate(BaseModel):
    title: str = Field(min_length=1, max_length=models.WORKSHOP_TITLE_MAX)
    description: str = Field("", max_length=models.WORKSHOP_DESCRIPTION_MAX)
    groups: list[Name] | str = Field(description=f"at least 1, at most {MAX_GROUPS}")
    tracks: list[Name] | str | None = None
    voting: VotingRuleInput | None = None
    language: Language = "fr"
    live_results: bool = True
    pin: str | None = Field(None, pattern=r"^[0-9]{4,12}$")


class WorkshopCreated(BaseModel):
    ok: Literal[True]
    code: str
    join_url: str
    screen_url: str
    facilitator_url: str
    facilitator_token: str


class JoinRequest(BaseModel):
    name: str = Field("", max_length=models.NAME_MAX)
    organisation: str = Field(min_length=1, max_length=models.ORGANISATION_MAX)
    group: str | int
    language: Language | None = None


class Joined(BaseModel):
    ok: Literal[True]
    participant_token: str
    participant_id: str
    group_id: int


class ActivityCreate(BaseModel):
    title: str = Field(min_length=1, max_length=models.TITLE_MAX)
    description: str = Field("", max_length=models.DESCRIPTION_MAX)
    track: str | int | None = None


class ActivityCreated(BaseModel):
    ok: Literal[True]
    activity_id: int
    activity: dict[str, Any]


class ImportUpload(BaseModel):
    file: bytes


class ImportDone(BaseModel):
    ok: Literal[True]
    imported: int = Field(ge=0, le=1000)
    activity_ids: list[int]


class BulkHide(BaseModel):
    model_config = ConfigDict(extra="forbid")
    activity_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=MAX_BULK_HIDE)


class BulkHidden(BaseModel):
    ok: Literal[True]
    hidden: int = Field(ge=1)
    activity_ids: list[int]


#: what the hand-written document says once in components.responses
SHARED_ERRORS = {413: ["payload_too_large"], 500: ["internal_error"]}
FACILITATOR_ERRORS = {
    **SHARED_ERRORS,
    429: ["rate_limited"],
    401: ["facilitator_only", "pin_required"],
    403: ["facilitator_only", "pin_invalid", "csrf_failed", "table_link_scope"],
}

#: (method, path, operationId, body model, content type, {status: answer model or error keys})
OPERATIONS = [
    (
        "post",
        "/api/workshops",
        "create_workshop",
        WorkshopCreate,
        "application/json",
        {
            201: WorkshopCreated,
            400: ["bad_request", "field_required", "field_invalid", "field_too_long"]
            + ["field_out_of_range", "groups_required", "too_many", "voting_mode_invalid"]
            + ["pin_format"],
            **SHARED_ERRORS,
        },
    ),
    (
        "post",
        "/api/workshops/{code}/participants",
        "join_workshop",
        JoinRequest,
        "application/json",
        {
            200: Joined,
            201: Joined,
            400: ["bad_request", "field_required", "field_invalid", "field_too_long"]
            + ["group_invalid", "workshop_full"],
            404: ["workshop_not_found"],
            429: ["rate_limited"],
            **SHARED_ERRORS,
        },
    ),
    (
        "post",
        "/api/workshops/{code}/activities",
        "add_activity",
        ActivityCreate,
        "application/json",
        {
            201: ActivityCreated,
            400: ["bad_request", "field_required", "field_invalid", "field_too_long"]
            + ["track_invalid"],
            **FACILITATOR_ERRORS,
            404: ["workshop_not_found"],
        },
    ),
    (
        "post",
        "/api/workshops/{code}/activities/import",
        "import_activities",
        ImportUpload,
        "multipart/form-data",
        {
            201: ImportDone,
            400: ["import_refused", "import_no_title_column", "import_encoding", "too_many"]
            + ["field_required"],
            **FACILITATOR_ERRORS,
            404: ["workshop_not_found"],
        },
    ),
    (
        "post",
        "/api/workshops/{code}/activities/hide",
        "hide_activities",
        BulkHide,
        "application/json",
        {
            200: BulkHidden,
            400: ["field_required", "field_invalid", "too_many", "activity_merged", "bad_request"],
            **FACILITATOR_ERRORS,
            404: ["workshop_not_found", "activity_not_found"],
        },
    ),
]


def error_model(operation: str, status: int, keys: list[str]) -> type[BaseModel]:
    """The keyed error of one status of one operation: its keys as an enum."""
    return create_model(
        f"Error_{operation}_{status}",
        ok=(Literal[False], ...),
        error=(Literal[tuple(keys)], ...),
        message=(str, ...),
        field=(str | None, None),
    )


# --- the generated document --------------------------------------------------------------


CODE = {"type": "string"}


def generate() -> dict:
    """OpenAPI for the five operations, generated from the declaration above."""
    schemas: dict[str, Any] = {}

    def ref(model: type[BaseModel]) -> dict:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    paths: dict[str, Any] = {}
    for method, path, operation_id, body, content_type, answers in OPERATIONS:
        responses = {}
        for status, answer in answers.items():
            model = (
                answer if isinstance(answer, type) else error_model(operation_id, status, answer)
            )
            responses[str(status)] = {
                "description": model.__doc__ or "",
                "content": {"application/json": {"schema": ref(model)}},
            }
        if "{code}" in path:
            parameters = [{"name": "code", "in": "path", "required": True, "schema": CODE}]
            paths.setdefault(path, {})["parameters"] = parameters
        paths.setdefault(path, {})[method] = {
            "operationId": operation_id,
            "requestBody": {"required": True, "content": {content_type: {"schema": ref(body)}}},
            "responses": responses,
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "prototype", "version": "0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


# --- the comparison ----------------------------------------------------------------------

CONSTRAINTS = ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "enum")


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _walk(doc: dict, schema: dict, seen=None):
    """Every (sub)schema reachable from `schema`, refs followed."""
    seen = set() if seen is None else seen
    schema = _resolve(doc, schema)
    if id(schema) in seen:
        return
    seen.add(id(schema))
    yield schema
    for key in ("properties", "$defs"):
        for sub in schema.get(key, {}).values():
            yield from _walk(doc, sub, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from _walk(doc, schema[key], seen)
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _walk(doc, sub, seen)


def _constraints(doc: dict, schema: dict, at: str, depth: int = 0) -> dict:
    """{(dotted field, constraint): value} of a schema, its fields, items and variants."""
    schema = _resolve(doc, schema)
    found = {(at, c): schema[c] for c in CONSTRAINTS if c in schema}
    if depth > 5:
        return found
    for name, sub in schema.get("properties", {}).items():
        found |= _constraints(doc, sub, f"{at}.{name}".lstrip("."), depth + 1)
    if isinstance(schema.get("items"), dict):
        found |= _constraints(doc, schema["items"], f"{at}[]", depth + 1)
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            found |= _constraints(doc, sub, at, depth + 1)
    return found


def _facts(doc: dict, operation: dict) -> dict:
    """What a reader of one operation gets: fields, constraints, prose, examples, keys."""
    body = next(iter(operation["requestBody"]["content"].values()))
    schemas = list(_walk(doc, body["schema"]))
    top = schemas[0]
    constraints = _constraints(doc, body["schema"], "")
    keys = {}
    for status, answer in operation["responses"].items():
        answer = (
            doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
            if ("$ref" in answer)
            else answer
        )
        text = answer.get("description", "")
        documented = {k for k in _all_error_keys() if f"`{k}`" in text}
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref", "").startswith("#/components/schemas/Error_"):
            error = _resolve(doc, schema)["properties"]["error"]  # the generated keys' enum
            documented |= set(error.get("enum", [error.get("const")]))
        if int(status) >= 400:
            keys[status] = documented
    descriptions = sum(1 for s in schemas if s.get("description"))
    descriptions += sum(1 for a in operation["responses"].values() if a.get("description"))
    return {
        "fields": set(top.get("properties", {})),
        "required": set(top.get("required", [])),
        "constraints": constraints,
        "keys": keys,
        "statuses": set(operation["responses"]),
        "descriptions": descriptions + bool(operation.get("description")),
        "examples": sum(1 for c in operation["requestBody"]["content"].values() if "example" in c)
        + sum(1 for s in schemas for p in s.get("properties", {}).values() if "example" in p),
        "content_types": set(operation["requestBody"]["content"]),
        "nullable_3_0": sum(1 for s in schemas if "nullable" in s),
        "null_3_1": sum(1 for s in schemas if s.get("type") == "null"),
    }


def _all_error_keys() -> list[str]:
    from workshop.messages import ERRORS

    return list(ERRORS)


def _hand_lines(doc: dict, path: str, method: str) -> int:
    """Lines of the hand-written operation plus the request and answer schemas it names."""
    operation = doc["paths"][path][method]
    text = json.dumps(operation, indent=2)
    names = set()
    for schema in [*operation["requestBody"]["content"].values(), *operation["responses"].values()]:
        names |= {
            s["$ref"].rsplit("/", 1)[1]
            for s in [schema.get("schema", {})]
            + [c.get("schema", {}) for c in schema.get("content", {}).values()]
            if "$ref" in s and "/schemas/" in s["$ref"]
        }
    seen, lines = set(), len(text.splitlines())
    while names:
        name = names.pop()
        if name in seen:
            continue
        seen.add(name)
        schema_text = json.dumps(doc["components"]["schemas"][name], indent=2)
        lines += len(schema_text.splitlines())
        names |= {part.split('"')[0] for part in schema_text.split("#/components/schemas/")[1:]}
    return lines


def _declared_lines(operation_id: str) -> int:
    """Lines of the prototype's declaration of one operation (its models and its entry)."""
    entry = next(op for op in OPERATIONS if op[2] == operation_id)
    models_used = {entry[3], *(a for a in entry[5].values() if isinstance(a, type))}
    nested = {VotingRuleInput} if entry[3] is WorkshopCreate else set()
    lines = sum(len(inspect.getsource(m).splitlines()) for m in models_used | nested)
    return lines + 3 + len(entry[5])  # the OPERATIONS entry: path line, body line, a line a status


def spec_valid(doc: dict) -> bool:
    """Whether openapi-spec-validator accepts the document (as the version it says)."""
    from openapi_spec_validator import validate

    try:
        validate(doc)
    except Exception:  # noqa: BLE001 - the validator's several error types
        return False
    return True


def compare() -> list[dict]:
    hand = json.loads(HAND_WRITTEN.read_text())
    generated = generate()
    rows = []
    for method, path, operation_id, *_ in OPERATIONS:
        ours, gen = _facts(hand, hand["paths"][path][method]), None
        gen = _facts(generated, generated["paths"][path][method])
        shared = set(ours["constraints"]) & set(gen["constraints"])
        rows.append(
            {
                "operation": operation_id,
                "hand_lines": _hand_lines(hand, path, method),
                "declared_lines": _declared_lines(operation_id),
                "same_fields": ours["fields"] == gen["fields"],
                "fields_only_hand": sorted(ours["fields"] - gen["fields"]),
                "fields_only_generated": sorted(gen["fields"] - ours["fields"]),
                "same_required": ours["required"] == gen["required"],
                "constraints_equal": all(
                    ours["constraints"][c] == gen["constraints"][c] for c in shared
                ),
                "constraints_only_hand": sorted(set(ours["constraints"]) - shared),
                "statuses_only_hand": sorted(ours["statuses"] - gen["statuses"]),
                "statuses_only_generated": sorted(gen["statuses"] - ours["statuses"]),
                "descriptions": (ours["descriptions"], gen["descriptions"]),
                "examples": (ours["examples"], gen["examples"]),
                "content_types_only_hand": sorted(ours["content_types"] - gen["content_types"]),
                "keys_only_hand": {
                    s: sorted(k - gen["keys"].get(s, set())) for s, k in ours["keys"].items()
                },
                "keys_as_enum": sum(len(k) for k in gen["keys"].values()),
            }
        )
    return rows


# --- validation: pydantic at the edge, or the services ------------------------------------

#: bodies of POST /api/workshops on which the two can disagree, with why
CASES = [
    ("missing title", {"groups": ["Employeurs"]}),
    ("title of 200 letters and 6 spaces", {"title": "a" * 200 + " " * 6, "groups": ["G"]}),
    ("title of zero-width spaces only", {"title": "\u200b\u200b", "groups": ["G"]}),
    ("budget 5.0 (a float)", {"title": "T", "groups": ["G"], "voting": {"budget": 5.0}}),
    ("budget true (a boolean)", {"title": "T", "groups": ["G"], "voting": {"budget": True}}),
    ("budget '5' (digits)", {"title": "T", "groups": ["G"], "voting": {"budget": "5"}}),
    ("21 groups as one string", {"title": "T", "groups": "\n".join(f"G{i}" for i in range(21))}),
    ("a group name of 81 letters", {"title": "T", "groups": ["g" * 81]}),
]


def pydantic_answer(body: dict, strict: bool = False) -> str:
    try:
        WorkshopCreate.model_validate(body, strict=strict)
    except ValidationError as refused:
        error = refused.errors()[0]
        return f"400 {error['type']} {'.'.join(map(str, error['loc']))}: {error['msg']}"
    return "accepted"


def validation(workdir: Path) -> list[dict]:
    """Each case through pydantic and through the real route (fr, ar, en)."""
    from workshop import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'prototype.sqlite3'}"})
    client = app.test_client()
    rows = []
    for label, body in CASES:
        answers = {}
        for lang in ("fr", "ar", "en"):
            r = client.post(f"/api/workshops?lang={lang}", json=body)
            answer = r.get_json()
            answers[lang] = (
                f"{r.status_code} {answer['error']}: {answer['message']}"
                if r.status_code >= 400
                else "accepted"
            )
        rows.append(
            {
                "case": label,
                "pydantic": pydantic_answer(body),
                "pydantic_strict": pydantic_answer(body, strict=True),
                "ours": answers,
            }
        )
    return rows


def runtime(workdir: Path, n: int = 300) -> dict:
    """µs per pydantic validation of a body, and per whole request through the route."""
    from workshop import create_app

    body = CASES[5][1]
    start = time.perf_counter()
    for _ in range(n * 10):
        WorkshopCreate.model_validate(body)
    pydantic_us = (time.perf_counter() - start) / (n * 10) * 1e6
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'runtime.sqlite3'}"})
    client = app.test_client()
    start = time.perf_counter()
    for _ in range(n):
        client.post("/api/workshops", json=body)
    request_us = (time.perf_counter() - start) / n * 1e6
    return {"pydantic_us": pydantic_us, "request_us": request_us}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the generated document")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(generate(), indent=2))
        return
    generated = generate()
    print(f"Generated OpenAPI fragment: {len(json.dumps(generated, indent=2).splitlines())} lines")
    nulls = json.dumps(generated).count('{"type": "null"}')
    print(
        f"  valid OpenAPI 3.1: {spec_valid(generated)}; valid as 3.0 (ours is 3.0.3): "
        f"{spec_valid({**generated, 'openapi': '3.0.3'})} ({nulls} 'type: null', 3.1 only)"
    )
    print("\nPer operation (hand-written vs generated):")
    for row in compare():
        print(
            f"- {row['operation']}: lines {row['hand_lines']} hand-written JSON, "
            f"{row['declared_lines']} declared Python"
        )
        print(
            f"    same fields {row['same_fields']} (only hand-written: "
            f"{row['fields_only_hand'] or 'none'}), same required {row['same_required']}, "
            f"shared constraints equal {row['constraints_equal']}; constraints only in the "
            f"hand-written: {row['constraints_only_hand'] or 'none'}"
        )
        print(
            f"    descriptions {row['descriptions'][0]} vs {row['descriptions'][1]}, "
            f"examples {row['examples'][0]} vs {row['examples'][1]}, content types only "
            f"hand-written: {row['content_types_only_hand'] or 'none'}, statuses only "
            f"hand-written: {row['statuses_only_hand'] or 'none'}, only generated: "
            f"{row['statuses_only_generated'] or 'none'}"
        )
        lost = {s: k for s, k in row["keys_only_hand"].items() if k}
        print(
            f"    error keys as enums (generated): {row['keys_as_enum']}; documented only by "
            f"the hand-written: {lost or 'none'}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        print("\nPOST /api/workshops: pydantic at the edge vs the services (the real route)")
        for row in validation(Path(tmp)):
            print(f"- {row['case']}")
            print(f"    pydantic: {row['pydantic']}")
            print(f"    pydantic, strict: {row['pydantic_strict']}")
            for lang, answer in row["ours"].items():
                print(f"    ours {lang}: {answer}")
        cost = runtime(Path(tmp))
    print(
        f"\nRuntime: pydantic validation {cost['pydantic_us']:.1f} µs per body; the whole "
        f"request through the route {cost['request_us']:.0f} µs"
    )


if __name__ == "__main__":
    main()
