"""``$ref`` in definition files: expansion, merge order, and problems at their own file:line.

Each test copies the repository's definitions to a temporary folder, changes what it
needs there, and loads or validates that copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.cli.docs import render_reference
from runtime.definitions.loader import load_connector
from runtime.export.exporter import export_app
from tests.definition_copies import copy_definitions, edit, issues_of, line_of

REPO = Path(__file__).resolve().parent.parent
CLIENTS = "modules/clients"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_definitions(tmp_path)


def test_a_reference_expands_to_its_target_with_the_written_keys_merged_over_it(
    root: Path,
) -> None:
    update = load_connector(root).modules["update_client"]
    # Keys the target lacks come first; a key both have keeps the target's place.
    assert list(update.input) == ["type", "required", "additionalProperties", "properties"]
    assert update.input["required"] == ["id"]  # a list replaces the target's
    assert list(update.input["properties"])[:3] == ["id", "name", "number"]
    assert update.input["properties"]["id"]["x-make-type"] == "select"  # implied by x-rpc
    create = load_connector(root).modules["create_client"]
    assert create.input["required"] == ["name"] and "id" not in create.input["properties"]


def test_a_problem_inside_a_resource_file_is_reported_at_that_file_and_line(root: Path) -> None:
    edit(root, f"{CLIENTS}/resource.yaml", "city: {type: [string", "city: {type: [strong")
    line = line_of(root, f"{CLIENTS}/resource.yaml", "city: {type: [strong")
    issues = issues_of(root)
    assert issues, "the misfit went unseen"
    # The path is the resource file's own, where the user finds it; one issue, not five.
    expected = f"{CLIENTS}/resource.yaml:{line}: $.record.properties.city.type"
    assert [issue for issue in issues if issue.startswith(expected)], issues


def test_a_reference_to_a_missing_file_is_an_issue_at_the_ref(root: Path) -> None:
    edit(root, f"{CLIENTS}/get_client.yaml", "resource.yaml#/record", "nowhere.yaml#/record")
    line = line_of(root, f"{CLIENTS}/get_client.yaml", "nowhere.yaml")
    assert issues_of(root) == [
        f"{CLIENTS}/get_client.yaml:{line}: $.output.$ref: "
        f"$ref 'nowhere.yaml#/record': no file {CLIENTS}/nowhere.yaml"
    ]


def test_a_reference_to_a_missing_pointer_is_an_issue_at_the_ref(root: Path) -> None:
    edit(root, f"{CLIENTS}/get_client.yaml", "resource.yaml#/record", "resource.yaml#/recrod")
    line = line_of(root, f"{CLIENTS}/get_client.yaml", "#/recrod")
    assert issues_of(root) == [
        f"{CLIENTS}/get_client.yaml:{line}: $.output.$ref: "
        f"$ref 'resource.yaml#/recrod': {CLIENTS}/resource.yaml has no '/recrod'"
    ]


def test_a_reference_cycle_is_an_issue_at_the_ref_that_closes_it(root: Path) -> None:
    edit(
        root,
        f"{CLIENTS}/resource.yaml",
        "invoice_extra_fields: {type: [object",
        'invoice_extra_fields: {$ref: "#/record"}\n    extra: {type: [object',
    )
    line = line_of(root, f"{CLIENTS}/resource.yaml", '{$ref: "#/record"}')
    issues = issues_of(root)
    cycle = f"{CLIENTS}/resource.yaml#/record -> {CLIENTS}/resource.yaml#/record"
    expected = (
        f"{CLIENTS}/resource.yaml:{line}: $.record.properties.invoice_extra_fields.$ref: "
        f"$ref cycle: {cycle}"
    )
    assert expected in issues, issues


def test_keys_beside_a_ref_to_a_list_are_an_issue_at_the_ref(root: Path) -> None:
    edit(
        root,
        f"{CLIENTS}/get_client.yaml",
        'output: {$ref: "resource.yaml#/record"}',
        'output: {$ref: "resource.yaml#/record/required", title: Client}',
    )
    line = line_of(root, f"{CLIENTS}/get_client.yaml", "#/record/required")
    assert issues_of(root) == [
        f"{CLIENTS}/get_client.yaml:{line}: $.output.$ref: $ref 'resource.yaml#/record/required': "
        "keys beside $ref need a mapping to merge into; got list"
    ]


def test_a_reference_may_not_leave_the_connector_folder(root: Path) -> None:
    edit(root, f"{CLIENTS}/get_client.yaml", "resource.yaml#/record", "../../../x.yaml#/a")
    (issue,) = issues_of(root)
    assert issue.endswith(
        "$ref '../../../x.yaml#/a': expected a file inside the connector's folder"
    )


def test_a_property_added_to_the_record_appears_in_every_module_that_returns_it(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The issue's acceptance test: one edit, in resource.yaml, and nothing else."""
    edit(
        root,
        f"{CLIENTS}/resource.yaml",
        "    invoice_extra_fields: {type: [object",
        '    currency_code: {type: [string, "null"], title: Currency}\n'
        "    invoice_extra_fields: {type: [object",
    )
    assert issues_of(root) == []
    connector = load_connector(root)
    returning = [
        "get_client",
        "search_clients",
        "watch_new_clients",
        "create_client",
        "update_client",
    ]
    for module_id in returning:
        output = connector.modules[module_id].output
        assert output["properties"]["currency_code"]["title"] == "Currency", module_id
    assert "currency_code" not in connector.modules["delete_client"].output["properties"]
    assert "currency_code" in render_reference(connector)
    out = tmp_path_factory.mktemp("export")
    export_app(connector, out)
    for module_id in returning:
        name = module_id.replace("_", "-")
        interface = json.loads((out / "modules" / name / f"{name}.interface.iml.json").read_text())
        assert "currency_code" in [field["name"] for field in interface], module_id
