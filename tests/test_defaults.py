"""Facts the definitions leave out and the loader fills in (issue 12):
runtime/definitions/defaults.py.

Each test copies the repository's definitions to a temporary folder, changes what it
needs there, and loads or validates that copy: the derived definition must be what the
files used to write, and a mistake in what is written is an issue at its file and line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from runtime.definitions.loader import load_connector
from tests.definition_copies import copy_definitions, edit, issues_of, line_of

REPO = Path(__file__).resolve().parent.parent
GET_CLIENT = "modules/clients/get_client.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_definitions(tmp_path)


def _without_connection(root: Path, file: str) -> None:
    path = root / file
    text = re.sub(r"(?m)^connection: .*\n", "", path.read_text("utf-8"))
    path.write_text(text, "utf-8")


def test_a_module_without_connection_uses_the_connectors_only_connection(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    _without_connection(root, "rpcs/list_clients.yaml")
    connector = load_connector(root)
    assert connector.modules["get_client"].connection == "clientary"
    assert connector.rpcs["list_clients"].connection == "clientary"
    assert issues_of(root) == []


def test_a_written_unknown_connection_is_still_an_issue_at_its_line(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    edit(root, GET_CLIENT, "kind: action\n", "kind: action\nconnection: clientery\n")
    line = line_of(root, GET_CLIENT, "connection: clientery")
    issues = issues_of(root)
    assert [i for i in issues if i.startswith(f"{GET_CLIENT}:{line}: ")], issues
    assert any("no connection named 'clientery'" in issue for issue in issues), issues


def test_with_two_connections_a_module_must_name_one(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    shutil.copy(root / "connections/clientary.yaml", root / "connections/other.yaml")
    edit(root, "connections/other.yaml", "id: clientary", "id: other")
    issues = issues_of(root)
    assert [i for i in issues if i.startswith(f"{GET_CLIENT}:") and "connection" in i], issues


def _body_is(root: Path, resource: str, written: str) -> None:
    """Replace the resource file's body (its last part) with ``written``."""
    path = root / f"modules/{resource}/resource.yaml"
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("\nbody:") + 1] + written + "\n", "utf-8")


def _plain_body(wrapper: str, fields: list[str], rename: dict[str, str]) -> dict[str, object]:
    return {wrapper: {rename.get(f, f): "{{ parameters." + f + " }}" for f in fields}}


def test_a_body_wrap_is_every_writable_field_as_its_parameter_in_order(root: Path) -> None:
    _body_is(root, "clients", "body: {wrap: client}")
    connector = load_connector(root)
    fields = [f for f in connector.modules["create_client"].input["properties"]]
    expected = _plain_body("client", fields, {})
    assert connector.modules["create_client"].request.body == expected
    assert connector.modules["update_client"].request.body == expected


def test_a_body_rename_sends_a_field_under_another_key_in_its_place(root: Path) -> None:
    _body_is(
        root, "invoices", "body: {wrap: invoice, rename: {line_items: invoice_items_attributes}}"
    )
    body = load_connector(root).modules["create_invoice"].request.body
    fields = list(load_connector(root).modules["create_invoice"].input["properties"])
    assert body == _plain_body("invoice", fields, {"line_items": "invoice_items_attributes"})
    assert list(body["invoice"])[-1] == "invoice_items_attributes"


@pytest.mark.parametrize(
    ("written", "marker", "message"),
    [
        (
            "body: {wrap: invoice, rename: {lines: invoice_items_attributes}}",
            "rename:",
            "$.body.rename.lines: rename: expected a writable field",
        ),
        ("body: {wrap: invoice, renames: {}}", "renames", "$.body: expected"),
        ("body: {wrap: 3}", "wrap: 3", "$.body.wrap: expected"),
    ],
)
def test_a_mistake_in_a_body_wrap_is_an_issue_at_its_line(
    root: Path, written: str, marker: str, message: str
) -> None:
    _body_is(root, "invoices", written)
    file = "modules/invoices/resource.yaml"
    line = line_of(root, file, marker)
    issues = issues_of(root)
    assert [i for i in issues if i.startswith(f"{file}:{line}: {message}")], issues


def test_update_refers_to_the_writable_fields_with_two_replaced_from_defs(root: Path) -> None:
    connector = load_connector(root)
    for resource, create_id, update_id in (
        ("invoices", "create_invoice", "update_invoice"),
        ("estimates", "create_estimate", "update_estimate"),
    ):
        create = connector.modules[create_id].input["properties"]
        update = connector.modules[update_id].input["properties"]
        assert list(update) == ["id", *create], resource  # id first, then create's order
        assert create["currency_code"]["minLength"] == 1
        assert "minLength" not in update["currency_code"]  # left empty, it is not sent
        assert "required" in create["line_items"]["items"]
        assert "required" not in update["line_items"]["items"]
        assert list(update["line_items"]["items"]["properties"])[::5] == ["id", "_destroy"]
        assert {f: update[f] for f in create if f not in ("currency_code", "line_items")} == {
            f: create[f] for f in create if f not in ("currency_code", "line_items")
        }
        assert connector.modules[update_id].input["required"] == ["id"]


def test_a_misfit_in_a_resource_defs_field_is_an_issue_at_its_line(root: Path) -> None:
    file = "modules/invoices/resource.yaml"
    edit(
        root,
        file,
        "  currency_code_update:\n    type: string",
        "  currency_code_update:\n    type: strng",
    )
    line = line_of(root, file, "type: strng")
    issues = issues_of(root)
    expected = f"{file}:{line}: $.$defs.currency_code_update.type"
    assert [issue for issue in issues if issue.startswith(expected)], issues


def test_a_reference_to_a_missing_defs_name_is_an_issue_at_the_ref(root: Path) -> None:
    file = "modules/invoices/update_invoice.yaml"
    edit(root, file, "#/$defs/line_items_update", "#/$defs/line_item_update")
    line = line_of(root, file, "line_item_update")
    issues = issues_of(root)
    assert [
        i for i in issues if i.startswith(f"{file}:{line}: ") and "$defs/line_item_update" in i
    ], issues


def test_a_resource_file_is_expanded_before_its_schema_check(root: Path) -> None:
    # The projects record embeds the client: its properties are the clients record's.
    connector = load_connector(root)
    client = connector.modules["list_projects"].output
    while "properties" not in client or "client" not in client["properties"]:
        client = client.get("items", {})  # a list returns an array of records
    embedded = client["properties"]["client"]
    clients_record = connector.modules["get_client"].output
    assert embedded["properties"] == clients_record["properties"]
    assert embedded["type"] == ["object", "null"] and "required" not in embedded
    assert issues_of(root) == []


def test_a_misfit_reached_through_a_resource_reference_is_an_issue_where_written(
    root: Path,
) -> None:
    file = "modules/clients/resource.yaml"
    edit(root, file, "city: {type: [string", "city: {type: [strong")
    line = line_of(root, file, "city: {type: [strong")
    issues = issues_of(root)
    # Found through the projects record too, but reported once, in the clients file.
    assert [i for i in issues if i.startswith(f"{file}:{line}: ")], issues
    assert not [i for i in issues if i.startswith("modules/projects/")], issues


def _without_line(root: Path, file: str, key: str) -> None:
    path = root / file
    path.write_text(re.sub(rf"(?m)^{key}: .*\n", "", path.read_text("utf-8")), "utf-8")


def test_an_endpoint_left_out_is_the_request_under_the_base_path(root: Path) -> None:
    _without_line(root, GET_CLIENT, "endpoint")
    _without_line(root, "modules/clients/search_clients.yaml", "endpoint")
    modules = load_connector(root).modules
    assert modules["get_client"].endpoint == "GET /api/v2/clients/:id"
    assert modules["search_clients"].endpoint == "GET /api/v2/clients"


def test_an_endpoint_is_not_derived_for_a_module_with_variants(root: Path) -> None:
    # Which of several urls a call takes is the reader's to write (in the documented order).
    _without_line(root, "modules/contacts/list_contacts.yaml", "endpoint")
    assert load_connector(root).modules["list_contacts"].endpoint is None


def test_crud_response_and_rpc_input_left_out_are_their_plain_values(root: Path) -> None:
    for file in ("modules/clients/create_client.yaml", "modules/clients/delete_client.yaml"):
        _without_line(root, file, "crud")
    _without_line(root, GET_CLIENT, "crud")
    _without_line(root, GET_CLIENT, "response")
    _without_line(root, "modules/clients/create_client.yaml", "response")
    path = root / "rpcs/list_staff.yaml"
    no_input = "input:\n  type: object\n  additionalProperties: false\n  properties: {}\n"
    path.write_text(path.read_text("utf-8").replace(no_input, ""), "utf-8")
    connector = load_connector(root)
    modules = connector.modules
    # An action's crud is what its name begins with; another kind, or another name, has none.
    assert [modules[m].crud for m in ("create_client", "get_client", "delete_client")] == [
        "create",
        "read",
        "delete",
    ]
    assert modules["search_clients"].crud is None
    assert modules["get_client"].response == modules["create_client"].response
    assert connector.rpcs["list_staff"].input == {
        "type": "object",
        "additionalProperties": False,
        "properties": {},
    }
    assert "input:" not in path.read_text("utf-8")
    assert issues_of(root) == []


def test_a_written_crud_wins_over_the_name(root: Path) -> None:
    _without_line(root, GET_CLIENT, "crud")
    edit(root, GET_CLIENT, "kind: action\n", "kind: action\ncrud: update\n")
    assert load_connector(root).modules["get_client"].crud == "update"


def test_every_write_says_once_that_its_answer_is_undocumented() -> None:
    """api.md 3.2: no create, update or delete answer is documented. The note is derived,
    last, so a module file does not repeat it (and a new write module cannot forget it); a
    module that tells its own answer (send_invoice) keeps its own words instead."""
    modules = load_connector(REPO).modules.values()
    writes = [module for module in modules if module.crud in ("create", "update", "delete")]
    assert len(writes) >= 18
    own_words = set()
    for module in writes:
        told = [note for note in module.notes if "response is not documented" in note]
        assert len(told) == 1, module.id
        if not (told[0] == module.notes[-1] and "(api.md 3.2)" in told[0]):
            own_words.add(module.id)
    assert own_words == {"charge_invoice", "send_estimate", "send_invoice"}
    reads = [module for module in modules if module.crud not in ("create", "update", "delete")]
    assert not any("response is not documented (api.md 3.2)" in n for m in reads for n in m.notes)
