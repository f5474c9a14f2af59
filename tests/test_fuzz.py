"""Fuzzing the command line's two entrances from a user: parameters and definition files.

The property everywhere: the exit code is 0, 1 or 2, there is at most one ``error:``
line, nothing raises (no traceback), and the canary token appears nowhere. Examples
are derandomized (the same every run) and bounded in number, so CI stays short.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.definitions.loader import load_connector
from tests.canary import CANARY_TOKEN, find_leaks
from tests.conftest import REPO, CliResult

CONNECTOR = load_connector(REPO)
MODULES = sorted(CONNECTOR.modules)
DEFINITIONS = [
    "connector.yaml",
    *sorted(
        path.relative_to(REPO).as_posix()
        for folder in ("connections", "modules", "rpcs")
        for path in (REPO / folder).rglob("*.yaml")
    ),
]

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a user can put in a parameter: every JSON type, the edges of each, text that
# looks like a path, a date or a secret, and nesting.
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e400",
            "2024-02-30",
            "/clients/../x",
            "/clients/..;/x",
            "//evil.test/x",
            "http://evil.test",
            "%2e%2e/x",
            "a\r\nX-Injected: 1",
            CANARY_TOKEN,
            f"/clients?api_token={CANARY_TOKEN}",
            "\ud800",
            "\u0000",
        ]
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def check_outcome(result: CliResult) -> None:
    assert result.code in (0, 1, 2), result.code
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) <= 1, result.err
    if result.code != 0:
        assert len(errors) == 1 or "problem" in result.err, result.err
    assert "Traceback" not in result.out + result.err
    leaked = find_leaks(result.out + result.err)
    assert not leaked, f"the canary appears as {leaked}"


@st.composite
def module_parameters(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A module and parameters for it: each declared one absent, fitting or anything at all."""
    module = draw(st.sampled_from(MODULES))
    properties = CONNECTOR.modules[module].input.get("properties", {})
    parameters: dict[str, Any] = {}
    for name, field in properties.items():
        choice = draw(st.sampled_from(["absent", "fitting", "any"]))
        if choice == "fitting":
            parameters[name] = draw(_fitting(field))
        elif choice == "any":
            parameters[name] = draw(json_values)
    if draw(st.booleans()):
        parameters[draw(st.text(max_size=6))] = draw(scalars)  # a name no module declares
    return module, parameters


def _fitting(field: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in field:
        return st.sampled_from(field["enum"])
    kinds = field.get("type", "string")
    kind = kinds[0] if isinstance(kinds, list) else kinds
    if kind == "integer":
        return st.integers(min_value=0, max_value=10**6)
    if kind == "number":
        return st.floats(min_value=0, max_value=10**6)
    if kind == "boolean":
        return st.booleans()
    if field.get("format") == "date":
        return st.dates().map(str)
    if kind in ("object", "array"):
        return json_values
    return texts


@given(case=module_parameters())
@settings(FUZZ, max_examples=200)
def test_any_parameters_of_any_module_on_a_dry_run(
    cli: Callable[..., CliResult], case: tuple[str, dict[str, Any]]
) -> None:
    module, parameters = case
    text = json.dumps(parameters, allow_nan=True)
    check_outcome(cli("run", module, "--params", text, "--dry-run"))


@given(case=module_parameters(), value=texts)
@settings(FUZZ, max_examples=100)
def test_any_text_given_with_param_on_a_dry_run(
    cli: Callable[..., CliResult], case: tuple[str, dict[str, Any]], value: str
) -> None:
    module, _ = case
    names = list(CONNECTOR.modules[module].input.get("properties", {})) or ["x"]
    pairs = [f"--param={name}={value}" for name in names[:3]]
    check_outcome(cli("run", module, *pairs, "--dry-run"))


# Mutations of one definition file. A root holds connector.yaml, the connection, the RPCs
# and a single module (validating one module costs a twentieth of validating all 41), so
# the catalog's other modules are reported missing: that is expected, the point is that
# the mutated file's own problems come out as lines, never as a crash.


@pytest.fixture(scope="module")
def definitions_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("definitions")
    for name in ("connector.yaml", "connections", "rpcs", "webhooks"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    (root / "modules").mkdir()
    yield root


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, (*prefix, index))


def _replace(node: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if rest:
        node[head] = _replace(node[head], rest, value, delete)
    elif delete:
        del node[head]
    else:
        node[head] = value
    return node


yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.sampled_from(["{{ parameters.x }}", "{{ ", "{% for %}", "{{ body | nope }}", "$ref"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=8), inner, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def mutated_definition(draw: st.DrawFn) -> tuple[str, bytes]:
    """One definition file, changed: a value replaced or removed, or its text damaged."""
    name = draw(st.sampled_from(DEFINITIONS))
    original = (REPO / name).read_text(encoding="utf-8")
    how = draw(st.sampled_from(["replace", "delete", "truncate", "bytes", "deep"]))
    if how == "truncate":
        return name, original[: draw(st.integers(0, len(original)))].encode()
    if how == "bytes":
        cut = draw(st.integers(0, len(original)))
        noise = draw(st.binary(min_size=1, max_size=8))
        return name, original[:cut].encode() + noise + original[cut:].encode()
    if how == "deep":
        depth = draw(st.sampled_from([50, 500, 5000]))
        return name, (original + f"\nx-deep: {'[' * depth}{']' * depth}\n").encode()
    data = yaml.safe_load(original)
    paths = list(_paths(data))
    path = draw(st.sampled_from(paths[1:] if how == "delete" else paths))
    changed = _replace(data, path, draw(yaml_values), delete=how == "delete")
    return name, yaml.safe_dump(changed, allow_unicode=True).encode()


@given(case=mutated_definition())
@settings(FUZZ, max_examples=100)
def test_any_damaged_definition_file_through_validate(
    cli: Callable[..., CliResult], definitions_root: Path, case: tuple[str, bytes]
) -> None:
    name, content = case
    module = "modules/clients/create_client.yaml"
    for folder in (definitions_root / "modules").iterdir():
        shutil.rmtree(folder)
    (definitions_root / "modules" / "clients").mkdir()
    shutil.copy(REPO / module, definitions_root / module)
    for restored in ("connector.yaml", "connections/clientary.yaml", *_rpc_files()):
        shutil.copy(REPO / restored, definitions_root / restored)
    target = definitions_root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)

    result = cli("--root", str(definitions_root), "validate")

    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.out + result.err
    for line in result.out.splitlines():  # one problem a line, each naming its file
        assert line.split(":", 1)[0].endswith((".yaml", ".yml", ".json", ".md")), line


def _rpc_files() -> list[str]:
    return [path.relative_to(REPO).as_posix() for path in (REPO / "rpcs").glob("*.yaml")]
