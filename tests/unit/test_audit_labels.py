"""Every action and record the code writes to the audit log has a Vietnamese name."""

from __future__ import annotations

import ast
from pathlib import Path

from registry.admin.audit_display import ACTION_LABELS, ENTITY_LABELS

REGISTRY = Path(__file__).resolve().parents[2] / "registry"


def _values(node: ast.expr, assigned: dict[str, list[ast.expr]]) -> set[str] | None:
    """The strings an argument can hold: a literal, either side of `a if c else b`, or
    what a local name was assigned; None when the code does not say."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _values(node.body, assigned), _values(node.orelse, assigned)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Name) and node.id in assigned:
        found: set[str] = set()
        for value in assigned[node.id]:
            more = _values(value, assigned)
            if more is None:
                return None
            found |= more
        return found
    return None


def written_codes() -> tuple[dict[str, set[str]], list[str]]:
    """{"action": {...}, "entity": {...}} of every audit.record(...) in registry/, and
    the calls whose codes can't be read."""
    codes: dict[str, set[str]] = {"action": set(), "entity": set()}
    unreadable = []
    for path in sorted(REGISTRY.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for call in ast.walk(function):
                func = getattr(call, "func", None)
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(func, ast.Attribute)
                    and func.attr == "record"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "audit"
                ):
                    continue
                keywords = {k.arg: k.value for k in call.keywords}
                for index, name in ((2, "action"), (3, "entity")):
                    node = call.args[index] if len(call.args) > index else keywords.get(name)
                    values = _values(node, assigned) if node is not None else None
                    if values is None:
                        unreadable.append(f"{path.relative_to(REGISTRY)}:{call.lineno} {name}")
                    else:
                        codes[name] |= values
    return codes, unreadable


def test_every_action_and_record_written_to_the_audit_log_has_a_label():
    codes, unreadable = written_codes()
    assert unreadable == []  # write the action and the record as literals
    assert {"create", "login", "stage", "erase", "submit"} <= codes["action"]  # the scan works
    assert sorted(codes["action"] - ACTION_LABELS.keys()) == []
    assert sorted(codes["entity"] - ENTITY_LABELS.keys()) == []
