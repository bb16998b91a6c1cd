"""The one catalogue of error codes (hub/errors.py; issue 14, CONTRACT 1): every code the
hub can answer is in it, in one area, and named in the docs; every code an operation's
schema lists is in it. What operations really answer is checked against their schemas
over the whole run (tests/error_codes_seen.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hub import errors
from hub.errors import CODE_AREAS, ERROR_CODES, StreamCode

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("hub", "pos_api", "realtime", "printers", "displays")
DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DomainError)
}
# Calls that put a code on the wire: (function name, index of the code argument)
ENVELOPES = {"error_body": 0, "error_json": 1, "_error": 0}
AREAS = {area.__name__: area for area in CODE_AREAS}


def _sources():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _code_of(node: ast.expr) -> str | None:
    """A literal code, or a catalogue member (`OrderCode.ORDER_CLOSED`); None for a
    variable (checked when answered, by tests/error_codes_seen.py)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in AREAS
    ):
        return AREAS[node.value.id][node.attr].value
    return None


def _codes_raised() -> dict[str, list[str]]:
    """code -> where it is raised, over every layer's source."""
    found: dict[str, list[str]] = {}
    for path, tree in _sources():
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            codes: list[ast.expr] = []
            if isinstance(node, ast.Call) and _name(node.func) in DOMAIN_ERRORS:
                codes += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.Call) and _name(node.func) in ENVELOPES:
                index = ENVELOPES[_name(node.func)]
                if len(node.args) > index:
                    codes.append(node.args[index])
            elif isinstance(node, ast.ClassDef) and any(
                _name(base) in DOMAIN_ERRORS for base in node.bases
            ):
                for statement in node.body:
                    targets = getattr(statement, "targets", None) or [
                        getattr(statement, "target", None)
                    ]
                    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and any(
                        getattr(t, "id", "") == "code" for t in targets
                    ):
                        codes.append(statement.value)
            for code in filter(None, map(_code_of, filter(None, codes))):
                found.setdefault(code, []).append(f"{where}:{node.lineno}")
    return found


def test_every_code_the_hub_raises_is_in_the_catalogue():
    raised = _codes_raised()
    assert len(raised) > 30, "the scan found too few codes: it no longer reads the sources"
    missing = {code: where for code, where in raised.items() if code not in ERROR_CODES}
    assert not missing, f"add these to an area of hub/errors.py: {missing}"


def test_a_conflict_or_a_broken_rule_always_names_its_code():
    """Conflict and BusinessRuleViolation have no code of their own: a raise without one
    would answer the generic "conflict" or "unprocessable", which no client can act on."""
    unnamed = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in {"Conflict", "BusinessRuleViolation"}
                and not any(k.arg in ("code", None) for k in node.keywords)
            ):
                unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unnamed, f"give these a catalogue code: {unnamed}"


def test_each_code_is_in_one_area_and_snake_case():
    values = [member.value for area in CODE_AREAS for member in area]
    assert len(values) == len(set(values)), "a code is in two areas"
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", v) for v in values)


@pytest.mark.parametrize(
    ("areas", "doc"),
    [
        ([a for a in CODE_AREAS if a is not StreamCode], "docs/api.md"),
        ([StreamCode], "docs/realtime.md"),
    ],
)
def test_every_catalogued_code_is_named_in_the_docs(areas, doc):
    text = (ROOT / doc).read_text()
    missing = [m.value for area in areas for m in area if f"`{m.value}`" not in text]
    assert not missing, f"{doc} does not name: {missing}"


def test_every_code_an_operations_schema_lists_is_in_the_catalogue(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    listed = set()
    for operations in schema["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45":
                    listed |= set(re.findall(r"`([a-z][a-z0-9_]*)`", response["description"]))
    assert len(listed) > 30
    assert listed <= set(ERROR_CODES), listed - set(ERROR_CODES)
