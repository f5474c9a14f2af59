"""Every ``{{...}}`` of the export is IML Make runs (issue 13, item 8).

Each expression must be balanced (braces, parentheses, quotes), call only functions Make
documents (the list in shared/make/app-format.md section 2.4) and read only the variables
of its section's context (section 2.4 "Variables by context"): a module's request sees
``parameters`` and ``connection``, its ``response`` and ``pagination`` also ``body``,
``item``, ``statusCode`` ...; a connection's own request reads ``parameters``; parameter,
interface and sample sections hold no IML at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from runtime.definitions.specs import ConnectorSpec
from runtime.export.exporter import build_app
from runtime.export.make_archive import archive_entries
from tests.export.test_exporter import connector, strip_comments

__all__ = ["connector"]

# app-format.md section 2.4, "Built-ins (selection)" and "Also seen".
DOCUMENTED_FUNCTIONS = frozenset(
    """get if ifempty switch omit pick ascii base64 capitalize contains decodeURL encodeURL
    escapeHTML escapeMarkdown indexOf length lower md5 mime replace replaceEmojiCharacters
    sha1 sha256 sha512 split startcase stripHTML substring toBinary toString trim upper add
    deduplicate distinct first flatten join keys last map merge remove reverse shuffle slice
    sort toArray toCollection formatDate parseDate addSeconds addMinutes addHours addDays
    addMonths addYears setSecond setMinute setHour setDay setDate setMonth setYear abs average
    ceil floor formatNumber max median min parseNumber round stdevP sum trunc createJSON
    parseJSON jwt uuid base64url timestamp""".split()  # noqa: SIM905 - as the document lists them
)
CONSTANTS = frozenset({"true", "false", "null", "undefined", "emptyarray", "now"})
MODULE = frozenset({"parameters", "connection", "temp", "now", "environment", "common", "data"})
RESPONSE = frozenset({"body", "headers", "statusCode", "item", "output", "iterate", "pagination"})
CONNECTION = frozenset({"parameters", "common", "data", "temp", "now", "environment"})
BASE = frozenset({"connection", "common", "temp", "now", "environment", "data"})

_TOKEN = re.compile(
    r"""\s+|(?P<string>"[^"]*"|'[^']*'|`[^`]*`)|(?P<number>\d+(?:\.\d+)?)"""
    r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\.\.\.|[()\[\];.,+\-*/%!<>=&|?:])"""
)


def expression_problems(expression: str, variables: frozenset[str]) -> list[str]:
    """What is wrong with one IML expression (the text between ``{{`` and ``}}``)."""
    problems: list[str] = []
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            return [f"cannot read {expression[position : position + 20]!r} (unclosed quote?)"]
        position = match.end()
        if match.lastgroup is not None:
            tokens.append((match.lastgroup, match.group()))
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                problems.append("a ')' closes nothing")
        if kind != "name":
            continue
        after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        before = tokens[index - 1][1] if index > 0 else ""
        if before == ".":
            continue  # a property: parameters.date
        if after == "(":
            if text not in DOCUMENTED_FUNCTIONS:
                problems.append(f"function {text!r} is not one Make documents")
        elif text not in variables and text not in CONSTANTS:
            problems.append(f"variable {text!r} is not known here")
    if depth > 0:
        problems.append("a '(' is never closed")
    return problems


def text_problems(text: str, variables: frozenset[str]) -> list[str]:
    """The problems of every ``{{...}}`` in one JSON string (key or value)."""
    if text == "{{...}}":
        return []  # the spread key, not an expression
    if not variables:  # a help text may end in '}}' (JSON examples): only '{{' starts IML
        return ["IML in a section that holds none"] if "{{" in text else []
    problems: list[str] = []
    rest = text
    while "{{" in rest or "}}" in rest:
        start, end = rest.find("{{"), rest.find("}}")
        if start < 0 or end < 0 or end < start:
            return [*problems, "unbalanced {{ }}"]
        inner = rest[start + 2 : end]
        if "{{" in inner:
            return [*problems, "nested {{"]
        problems += expression_problems(inner, variables)
        rest = rest[end + 2 :]
    return problems


def _walk(value: Any, variables: frozenset[str], path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            inner = variables | RESPONSE if key in ("response", "pagination") else variables
            for problem in text_problems(key, variables):
                yield f"{path}.{key} (key)", problem
            yield from _walk(item, inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, variables, f"{path}[{index}]")
    elif isinstance(value, str):
        for problem in text_problems(value, variables):
            yield path, problem


def context(name: str) -> frozenset[str]:
    """The variables a file's IML may read, by the file's name in either format."""
    if name.endswith(("base.iml.json", "base.imljson")):
        return BASE
    if name.startswith(("connections/", "clientary/connections/")):
        return (
            CONNECTION if name.endswith(("communication.iml.json", "/api.imljson")) else frozenset()
        )
    if name.endswith(("communication.iml.json", "/api.imljson")):
        return MODULE
    if name.endswith(("epoch.iml.json", "/epoch.imljson")):
        return MODULE | RESPONSE
    return frozenset()  # parameters, interface, samples, scope, groups, manifest, metadata


def export_problems(files: dict[str, Any]) -> list[str]:
    return [
        f"{name}: {where}: {problem}"
        for name, content in sorted(files.items())
        for where, problem in _walk(content, context(name), "$")
    ]


def test_every_iml_expression_of_the_export_is_makes(connector: ConnectorSpec) -> None:
    files = build_app(connector)
    assert export_problems(files) == []
    expressions = sum(str(content).count("{{") for content in files.values())
    assert expressions > 300  # the walk saw the export, not an empty dict


def test_every_iml_expression_of_the_archive_is_makes(connector: ConnectorSpec) -> None:
    import json

    entries = {
        name: json.loads(strip_comments(text))
        for name, text in archive_entries(connector).items()
        if name.endswith((".imljson", ".json"))
    }
    assert export_problems(entries) == []


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "modules/x/x.communication.iml.json",
            {"url": "{{titlecase(parameters.a)}}"},
            "titlecase",
        ),
        ("modules/x/x.communication.iml.json", {"url": "{{lower(parameters.a}}"}, "never closed"),
        ("modules/x/x.communication.iml.json", {"url": "{{parameters.a"}, "unbalanced"),
        ("modules/x/x.communication.iml.json", {"url": "{{'open}}"}, "unclosed quote"),
        ("modules/x/x.communication.iml.json", {"url": "{{secrets.token}}"}, "'secrets'"),
        ("modules/x/x.communication.iml.json", {"url": "{{item.id}}"}, "'item'"),
        ("modules/x/x.communication.iml.json", {"qs": {"{{...}}": "{{foo(1)}}"}}, "'foo'"),
        (
            "connections/c/c.communication.iml.json",
            {"url": "{{connection.domain}}"},
            "'connection'",
        ),
        ("modules/x/x.mappable-params.iml.json", [{"help": "{{parameters.a}}"}], "holds none"),
    ],
)
def test_the_check_bites(name: str, content: Any, problem: str) -> None:
    problems = export_problems({name: content})
    assert any(problem in line for line in problems), problems


def test_a_response_may_read_the_answer() -> None:
    api = {"url": "/x", "response": {"output": "{{item.id}}", "iterate": "{{body.x}}"}}
    assert export_problems({"modules/x/x.communication.iml.json": api}) == []
