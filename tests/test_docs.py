"""The docs say what the code does: events, error keys, connection auth, routes, --help.

docs/realtime.md against workshop/realtime/, both ways:

- client → server: the `### \\`event\\`` headings of "Client → server events" are exactly the
  `on_<event>` handlers of the namespace (connect and disconnect aside);
- server → client: the events named in "Server → client events" are exactly the ones the
  code emits (`emit("<event>", …)` anywhere in workshop/);
- error keys of the acks: every key a socket event can answer (the keys raised by the
  functions its handler calls, followed through workshop/'s own modules) is documented,
  and every key the page documents for an event can come from that event's handler;
- connection: every `auth` field the server reads is documented under "Connecting".

docs/api.md's routes table equals what scripts/api_routes_table.py generates from
workshop/openapi.json (tests/web/test_openapi.py checks that document against the routes);
the README's configuration table lists exactly the environment variables the code reads;
`run.py --help` has a line of help for every flag.
"""

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.messages import ERRORS
from workshop.realtime.namespace import WorkshopNamespace

ROOT = Path(__file__).resolve().parent.parent
REALTIME_MD = ROOT / "docs" / "realtime.md"
PACKAGE = ROOT / "workshop"
#: the exception classes whose first argument is an error key
ERROR_CLASSES = {"DomainError", "NotFound", "Forbidden", "Conflict", "PinRefused"}
#: keys raised behind `current_app.extensions[...]`, which a static walk cannot follow:
#: the per-socket event bucket and the proposals' rate limits (workshop/ratelimit.py)
THROUGH_EXTENSIONS = {"rate_limited"}
CONNECTION = {"connect", "disconnect"}


# -- reading the page ----------------------------------------------------------------------


def sections(text: str, level: str) -> dict[str, str]:
    """Heading -> body, for the headings of one level (`## ` or `### `)."""
    parts = re.split(rf"^{level} (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def backticked(text: str) -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", text))


def error_keys(text: str) -> set[str]:
    return backticked(text) & set(ERRORS)


@pytest.fixture(scope="module")
def page() -> dict[str, str]:
    return sections(REALTIME_MD.read_text(encoding="utf-8"), "##")


def event_sections(body: str) -> dict[str, str]:
    """`### \\`name\\` (…)` -> its text; headings that are not an event name are left out."""
    named = {}
    for heading, text in sections(body, "###").items():
        match = re.match(r"`([a-z_]+)`", heading)
        if match and match[1] != "op_id":
            named[match[1]] = text
    return named


def client_events(page) -> dict[str, str]:
    return event_sections(page["Client → server events"])


def general_part(page) -> str:
    """What applies to every event: the text before the first event, and `op_id`."""
    body = page["Client → server events"]
    head = re.split(r"^### ", body, maxsplit=1, flags=re.M)[0]
    op_id = sections(body, "###")["`op_id`: an action has effect once"]
    return head + op_id


def server_events(page) -> set[str]:
    body = page["Server → client events"]
    table = sections(body, "###")["When they are sent"]
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.M))
    return set(event_sections(body)) | rows


# -- reading the code ----------------------------------------------------------------------


class CallGraph:
    """Error keys a function can raise, following calls into workshop/'s own modules.

    Over-approximates (a branch never taken, a function only referenced, still count): it
    says which keys can come out of a handler, never that one cannot.
    """

    def __init__(self) -> None:
        self._modules: dict[str, tuple[dict, dict] | None] = {}

    def _module(self, name: str):
        if name not in self._modules:
            path = ROOT / (name.replace(".", "/") + ".py")
            if not path.exists():
                self._modules[name] = None
                return None
            tree = ast.parse(path.read_text(encoding="utf-8"))
            functions, imports = {}, {}
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    functions[node.name] = node
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef):
                            functions[f"{node.name}.{item.name}"] = item
                elif isinstance(node, ast.ImportFrom) and node.level:
                    package = name.split(".")[: -node.level]
                    base = ".".join(package + ([node.module] if node.module else []))
                    for alias in node.names:
                        target = f"{base}.{alias.name}"
                        is_module = (ROOT / (target.replace(".", "/") + ".py")).exists()
                        imports[alias.asname or alias.name] = (
                            ("module", target) if is_module else ("name", base, alias.name)
                        )
            self._modules[name] = (functions, imports)
        return self._modules[name]

    def keys(self, module: str, function: str, seen: set | None = None) -> set[str]:
        seen = set() if seen is None else seen
        if (module, function) in seen or self._module(module) is None:
            return set()
        seen.add((module, function))
        functions, imports = self._module(module)
        if function not in functions:  # a class: what its constructor raises
            function = f"{function}.__init__"
            if function not in functions:
                return set()
        found = set()
        for node in ast.walk(functions[function]):
            if isinstance(node, ast.Dict):  # {"ok": False, "error": "<key>", …}
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "error"
                        and (isinstance(value, ast.Constant))
                    ):
                        found.add(value.value)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                # a function handed over rather than called: partial(in_transaction, …)
                if node.id in functions:
                    found |= self.keys(module, node.id, seen)
                elif imports.get(node.id, ("",))[0] == "name":
                    found |= self.keys(*imports[node.id][1:], seen)
            if not isinstance(node, ast.Call):
                continue
            call, first = node.func, node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) else None
            if isinstance(call, ast.Name):
                if call.id in ERROR_CLASSES and isinstance(literal, str):
                    found.add(literal)
                elif f"{call.id}.__init__" in functions:
                    found |= self.keys(module, call.id, seen)
            elif isinstance(call, ast.Attribute):
                if call.attr == "__init__" and isinstance(literal, str):
                    found.add(literal)  # super().__init__("<key>", …) in an error class
                elif isinstance(call.value, ast.Name):
                    imported = imports.get(call.value.id, ("",))
                    if imported[0] == "module":
                        found |= self.keys(imported[1], call.attr, seen)
                    elif call.value.id == "self":
                        owner = function.split(".")[0]
                        found |= self.keys(module, f"{owner}.{call.attr}", seen)
        return found


NAMESPACE_MODULE = inspect.getmodule(WorkshopNamespace).__name__
CLASS = WorkshopNamespace.__name__


def handled_events() -> set[str]:
    """The events a client may send: the `on_<event>(self, db, client, data)` handlers."""
    return {
        name[3:]
        for name, method in inspect.getmembers(WorkshopNamespace, inspect.isfunction)
        if name.startswith("on_") and "client" in inspect.signature(method).parameters
    } - CONNECTION


@pytest.fixture(scope="module")
def reachable() -> dict[str, set[str]]:
    """Event -> the error keys its ack can carry.

    Besides its handler's own, any event can get the keys of the dispatch around it: the
    namespace module's functions and the class's other methods (connect aside).
    """
    graph = CallGraph()
    module = importlib.import_module(NAMESPACE_MODULE)
    handlers = {f"on_{event}" for event in handled_events()} | {f"on_{c}" for c in CONNECTION}
    common = set(THROUGH_EXTENSIONS)
    for name, value in vars(module).items():
        if inspect.isfunction(value) and value.__module__ == NAMESPACE_MODULE:
            common |= graph.keys(NAMESPACE_MODULE, name)
    for name in vars(WorkshopNamespace):
        if inspect.isfunction(getattr(WorkshopNamespace, name)) and name not in handlers:
            common |= graph.keys(NAMESPACE_MODULE, f"{CLASS}.{name}")
    return {
        event: common | graph.keys(NAMESPACE_MODULE, f"{CLASS}.on_{event}")
        for event in handled_events()
    }


def emitted_events() -> set[str]:
    events = set()
    for path in PACKAGE.rglob("*.py"):
        events |= set(re.findall(r"\bemit\(\s*[\"'](\w+)[\"']", path.read_text(encoding="utf-8")))
    return events


# -- the tests -----------------------------------------------------------------------------


def test_every_handled_event_is_documented_and_nothing_else(page):
    documented = set(client_events(page))
    assert "cast_vote" in documented and "sync" in documented
    assert handled_events() - documented == set(), "handled but missing from docs/realtime.md"
    assert documented - handled_events() == set(), "docs/realtime.md documents unknown events"


def test_every_emitted_event_is_documented_and_nothing_else(page):
    documented, emitted = server_events(page), emitted_events()
    assert {"workshop_state", "results", "my_state"} <= emitted
    assert emitted - documented == set(), "emitted but missing from docs/realtime.md"
    assert documented - emitted == set(), "docs/realtime.md documents events never emitted"


def test_every_error_an_event_can_answer_is_documented(page, reachable):
    documented = error_keys(page["Client → server events"])
    for event, keys in sorted(reachable.items()):
        assert keys <= set(ERRORS), (event, keys - set(ERRORS))
        missing = keys - documented
        assert missing == set(), f"{event} can answer {sorted(missing)}: not in docs/realtime.md"


def test_every_documented_error_can_come_from_its_event(page, reachable):
    common = set.intersection(*reachable.values())
    for event, text in client_events(page).items():
        documented = error_keys(text)
        wrong = documented - reachable.get(event, set())
        assert wrong == set(), f"docs/realtime.md: {event} cannot answer {sorted(wrong)}"
    general = error_keys(general_part(page))
    assert general - set.union(*reachable.values()) == set(), "general errors never raised"
    assert {"bad_request", "unknown_event", "rate_limited"} <= general & common


def test_every_auth_field_the_server_reads_is_documented(page):
    read = set()
    for path in (PACKAGE / "realtime").glob("*.py"):
        read |= set(re.findall(r"\bauth\.get\(\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    assert {"code", "participant_token", "screen_key", "facilitator_token", "role"} <= read
    documented = backticked(page["Connecting"]) | set(
        re.findall(r"auth\.(\w+)", page["Connecting"])
    )
    assert read - documented == set(), "auth fields missing from docs/realtime.md"


def test_the_api_routes_table_is_generated_from_openapi():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import api_routes_table
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert api_routes_table.main(["--check"]) == 0, "run: python scripts/api_routes_table.py"


def test_run_py_help_explains_every_flag():
    output = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"ATELIER_ASYNC_MODE": "threading", "PATH": ""},
        cwd=ROOT,
    ).stdout
    flags = re.findall(r"\[(--[\w-]+)", output.split("\n\n")[0])
    assert {"--host", "--port", "--demo"} <= set(flags)
    for flag in flags:
        assert re.search(rf"^  {flag}(?: [A-Z_]+)?\s+\S", output, flags=re.M), (flag, output)


def test_the_readme_configuration_table_lists_every_environment_variable():
    read = set()
    for path in [*PACKAGE.rglob("*.py"), ROOT / "run.py", ROOT / "wsgi.py"]:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"environ(?:\.get)?[\(\[]\s*\"([A-Z_]+)\"", text))
        read |= set(re.findall(r"\b_(?:int|float|list)\(\s*\"([A-Z_]+)\"", text))
    assert {"DATABASE_URL", "ATELIER_PHONES_WINDOW", "PORT"} <= read
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = {
        name
        for line in table.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z_]+)`", line.split(" | ")[0])
    }
    assert read - documented == set(), "environment variables missing from the README"
    assert documented - read == set(), "the README documents variables nothing reads"
