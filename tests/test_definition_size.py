"""The definitions stay small: each fact written once (issue 12, items 1 and 2).

Counts the lines of all definition YAML (connector.yaml, connections/, modules/ with
each folder's resource.yaml, rpcs/, webhooks/) that are neither blank nor only a comment,
and divides by the number of modules (module files, not resource files). A line with a
value and a trailing comment counts once.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Issue 12's target. Measured at 53.7 (2,201 lines, 41 modules) when it was reached: resources
# defined once, derived bodies, endpoints, crud, connection and response
# (runtime/definitions/defaults.py).
MAX_LINES_PER_MODULE = 55


def _definition_lines() -> int:
    files = [REPO / "connector.yaml"]
    for folder in ("connections", "modules", "rpcs", "webhooks"):
        files.extend(sorted((REPO / folder).rglob("*.yaml")))
    return sum(
        1
        for path in files
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def test_definition_lines_per_module_do_not_grow() -> None:
    modules = [p for p in (REPO / "modules").glob("*/*.yaml") if p.name != "resource.yaml"]
    per_module = _definition_lines() / len(modules)
    assert per_module <= MAX_LINES_PER_MODULE, (
        f"{per_module:.1f} definition lines per module; expected at most {MAX_LINES_PER_MODULE}"
    )
