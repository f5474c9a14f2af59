"""validate: the repository passes, and each kind of broken file is named by file, line and path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult

DEFINITIONS = ("connector.yaml", "connections", "modules", "rpcs", "webhooks")


@pytest.fixture
def copy_root(tmp_path: Path) -> Path:
    for name in DEFINITIONS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{relative} no longer contains {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, relative: str, fragment: str) -> int:
    lines = (root / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def test_the_repository_definitions_are_valid(cli: Callable[..., CliResult]) -> None:
    result = cli("validate")
    assert result.code == 0, result.out
    assert result.out == ""
    assert result.err.startswith("ok: ")


CREATE = "modules/clients/create_client.yaml"
RESOURCE = "modules/clients/resource.yaml"  # what create_client refers to with $ref
# A body written out in full (the resources' bodies are derived from their writable fields).
UPDATE_TASK = "modules/tasks/update_task.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "fragment", "expected"),
    [
        pytest.param(
            CREATE,
            "kind: action\n",
            "kind: action\n  oops: [\n",
            "oops",
            "$: YAML syntax error: mapping values are not allowed in this context",
            id="yaml_syntax_error",
        ),
        pytest.param(
            CREATE,
            "label: Create a Client\n",
            "label: Create a Client\nlabal: typo\n",
            "labal",
            "$.labal: unknown key 'labal'; expected one of: connection, crud, description, "
            "endpoint, id, input, kind, label, notes, output, pagination, request, response, "
            "sample, trigger, variants (did you mean 'label'?)",
            id="unknown_key",
        ),
        pytest.param(
            CREATE,
            "  omit_empty: true",
            "  omit_empty: 'yes'",
            "omit_empty",
            '$.request.omit_empty: expected true or false; got text "yes"',
            id="wrong_type",
        ),
        pytest.param(
            UPDATE_TASK,
            'due_date: "{{ parameters.due_date }}"',
            'due_date: "{{ params.due_date }}"',
            "params.due_date",
            "$.request.body.task.due_date: unknown variable 'params'; available here: "
            "connection, parameters (did you mean 'parameters'?)",
            id="undefined_template_variable",
        ),
        pytest.param(
            UPDATE_TASK,
            'title: "{{ parameters.title }}"',
            'title: "{{ parameters.titel }}"',
            "parameters.titel",
            "$.request.body.task.title: unknown variable 'parameters.titel' "
            "(did you mean 'parameters.title'?)",
            id="misspelled_parameter",
        ),
        pytest.param(
            RESOURCE,
            "      x-make-type: collection\n",
            "      x-make-type: collection\n      x-rpc: list_clientz\n",
            "list_clientz",
            "$.writable.properties.invoice_extra_fields.x-rpc: no rpc named 'list_clientz' "
            "(did you mean 'list_clients'?)",
            id="missing_rpc",
        ),
        pytest.param(
            RESOURCE,
            "  id: 2123\n",
            "  id: '2123'\n",
            "id: '2123'",
            "$.sample.id: sample does not match the output schema: '2123' is not of type 'integer'",
            id="sample_not_matching_output_schema",
        ),
    ],
)
def test_a_broken_file_is_named_with_line_and_path(
    cli: Callable[..., CliResult],
    copy_root: Path,
    file: str,
    old: str,
    new: str,
    fragment: str,
    expected: str,
) -> None:
    """A problem in a resource file is reported once, there, though five modules refer to it."""
    _edit(copy_root, file, old, new)
    result = cli("--root", str(copy_root), "validate")
    assert result.code == 1
    line = _line_of(copy_root, file, fragment)
    assert result.out.splitlines() == [f"{file}:{line}: {expected}"]
    assert result.err == "1 problem found\n"


def test_every_problem_is_listed_at_once_sorted_by_file_and_line(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    _edit(copy_root, CREATE, "kind: action", "kind: acton")
    _edit(copy_root, "modules/clients/get_client.yaml", "kind: action", "kind: acton")
    result = cli("--root", str(copy_root), "validate")
    lines = result.out.splitlines()
    assert [line.split(":")[0] for line in lines] == [CREATE, "modules/clients/get_client.yaml"]
    assert "expected one of 'trigger', 'action', 'search', 'universal'; got \"acton\"" in lines[1]
    assert result.err == "2 problems found\n"


def test_a_module_id_must_equal_its_file_name(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    # The file name is the id; an id written anyway must agree with it.
    _edit(
        copy_root, CREATE, "label: Create a Client", "id: create_customer\nlabel: Create a Client"
    )
    result = cli("--root", str(copy_root), "validate")
    assert (
        f"{CREATE}:2: $.id: expected the id to equal the file name 'create_client'; got "
        "'create_customer'" in result.out
    )


def test_a_missing_catalog_module_is_reported(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    (copy_root / "modules/clients/delete_client.yaml").unlink()
    result = cli("--root", str(copy_root), "validate")
    assert result.code == 1
    assert "the catalog promises action 'delete_client', but there is no such file" in result.out
    assert "$.groups[0].modules[5]: no module named 'delete_client'" in result.out


def test_a_module_template_may_not_read_the_token(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    _edit(
        copy_root,
        UPDATE_TASK,
        'due_date: "{{ parameters.due_date }}"',
        'due_date: "{{ connection.api_token }}"',
    )
    result = cli("--root", str(copy_root), "validate")
    assert "'connection.api_token' is a secret: only the connection's auth may use it" in result.out


def test_an_unexportable_filter_is_refused(cli: Callable[..., CliResult], copy_root: Path) -> None:
    _edit(
        copy_root,
        UPDATE_TASK,
        '"{{ parameters.due_date }}"',
        '"{{ parameters.due_date | reverse }}"',
    )
    result = cli("--root", str(copy_root), "validate")
    assert "unknown filter 'reverse'; allowed: " in result.out


def test_a_template_make_cannot_run_is_reported(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    fragment = '"{% if parameters.due_date %}{{ parameters.due_date }}{% endif %}"'
    _edit(copy_root, UPDATE_TASK, 'due_date: "{{ parameters.due_date }}"', f"due_date: {fragment}")
    result = cli("--root", str(copy_root), "validate")
    line = _line_of(copy_root, UPDATE_TASK, "{% if")
    assert result.out.splitlines() == [
        f"{UPDATE_TASK}:{line}: $.request.body.task.due_date: '{{% if %}}' blocks have no IML form"
    ]


def test_a_drop_down_that_needs_a_parent_needs_that_field_first(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    """A nested RPC (projects of a client) is filled from the module's field of the same
    name, as Make hands module parameters to RPCs: the field must exist, before the child."""
    _edit(copy_root, "rpcs/list_projects.yaml", "  additionalProperties: false\n",
          "  additionalProperties: false\n  required: [client_id]\n")  # fmt: skip
    result = cli("validate", "--root", str(copy_root))
    assert result.code == 1
    line = _line_of(copy_root, "modules/tasks/list_tasks.yaml", "x-rpc: list_projects")
    assert (
        f"modules/tasks/list_tasks.yaml:{line}: $.input.properties.project_id.x-rpc: rpc "
        "'list_projects' needs parameter 'client_id' (Make passes a module's parameters to "
        "its drop-downs by name); expected a field 'client_id' in this module"
    ) in result.out
    for module in (
        "estimates/list_estimates",
        "expenses/search_expenses",
        "invoices/search_invoices",
    ):
        assert f"modules/{module}.yaml" not in result.out  # client_id comes first there


def test_the_parent_field_of_a_nested_drop_down_comes_first(
    cli: Callable[..., CliResult], copy_root: Path
) -> None:
    _edit(copy_root, "rpcs/list_projects.yaml", "  additionalProperties: false\n",
          "  additionalProperties: false\n  required: [client_id]\n")  # fmt: skip
    module = "modules/estimates/list_estimates.yaml"
    client = (
        "    client_id:\n      type: integer\n      title: Client\n      description: Only the "
        "estimates of this client.\n      minimum: 1\n      x-rpc: list_clients\n"
    )
    _edit(copy_root, module, client, "")  # moved after project_id
    _edit(copy_root, module, "    limit:\n", client + "    limit:\n")
    result = cli("validate", "--root", str(copy_root))
    line = _line_of(copy_root, module, "x-rpc: list_projects")
    assert (
        f"{module}:{line}: $.input.properties.project_id.x-rpc: rpc 'list_projects' needs "
        "'client_id': expected that field before 'project_id'"
    ) in result.out
