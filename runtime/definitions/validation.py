"""``validate``: every file against its schema, then the checks that span files.

Cross-file checks: ids equal file names and are unique, references (connection,
RPC, groups) resolve, every template compiles and reads only variables that
exist where it runs, samples fit the output schemas, and the trigger, search
and universal rules hold. All issues are returned at once, sorted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, SchemaError

from runtime.core.errors import Issue, SourceLocation, suggest
from runtime.definitions.loader import LoadedFiles, build_connector, read_files
from runtime.definitions.source import Document, PathParts, format_json_path
from runtime.definitions.specs import ConnectorSpec
from runtime.definitions.template_check import check_templates, strings_under, value_at

REQUEST_ROOTS = frozenset({"parameters", "connection"})


# A check of the built connector by a higher layer (the Make export: every template must
# translate), handed in by the command line: what it finds, as file, path parts and message.
SpecCheck = Callable[[ConnectorSpec], Iterable[tuple[str, PathParts, str]]]


def validate_connector(
    root: Path, extra_checks: Sequence[SpecCheck] = ()
) -> tuple[list[Issue], ConnectorSpec | None]:
    """Every issue, sorted; and the connector when there is none. ``extra_checks`` run on
    the connector once the files are sound, and their findings are located like the rest."""
    files = read_files(root)
    issues = list(files.issues)
    issues.extend(_cross_file(files))
    if issues:
        return sorted(set(issues), key=Issue.sort_key), None
    connector = build_connector(files)
    documents = {document.file: document for _, document in files.documents()}
    issues = [
        _locate(file, parts, message, documents)
        for check in extra_checks
        for file, parts, message in check(connector)
    ]
    return sorted(set(issues), key=Issue.sort_key), None if issues else connector


def _locate(file: str, parts: PathParts, message: str, documents: Mapping[str, Document]) -> Issue:
    document = documents.get(file)
    if document is None:  # e.g. "connections/": a folder, not a document
        return Issue(SourceLocation(file, format_json_path(parts)), message)
    return Issue(document.location(parts), message)


def _cross_file(files: LoadedFiles) -> Iterator[Issue]:
    connections = {doc.data["id"]: doc for doc in files.connections}
    secrets = {
        name
        for doc in files.connections
        for name, field in doc.data["parameters"]["properties"].items()
        if field.get("x-secret")
    }
    rpcs: dict[str, Document | None] = {doc.data["id"]: doc for doc in files.rpcs}
    rpcs.update({stem: None for stem in files.unusable if stem not in rpcs})
    seen: dict[str, dict[str, str]] = {}  # modules and RPCs are separate namespaces
    for kind, document in files.documents():
        identifier = document.data.get("id") if kind != "connector" else None
        if identifier is not None:
            yield from _check_identity(document, identifier, seen.setdefault(kind, {}))
    for document in files.connections:
        yield from check_templates(document, ("auth",), {"connection"}, {}, secrets=set())
        yield from check_templates(
            document, ("verify", "request"), {"connection", "parameters"}, {}, set()
        )
    if files.connector is not None:
        yield from check_templates(files.connector, ("base", "url"), {"connection"}, {}, set())
        yield from _check_groups(files)
        yield from _check_catalog(files)
    for document in files.modules:
        yield from _check_callable(document, connections, rpcs, secrets)
        yield from _check_module(document)
    for document in files.rpcs:
        yield from _check_callable(document, connections, rpcs, secrets)
        yield from check_templates(
            document, ("option", "label"), {"item", "parameters"}, _properties(document), set()
        )


def _check_identity(document: Document, identifier: str, seen: dict[str, str]) -> Iterator[Issue]:
    stem = Path(document.file).stem
    if identifier != stem:
        yield Issue(
            document.location(("id",)),
            f"expected the id to equal the file name {stem!r}; got {identifier!r}",
        )
    if identifier in seen:
        yield Issue(
            document.location(("id",)), f"id {identifier!r} is already used by {seen[identifier]}"
        )
    else:
        seen[identifier] = document.file


def _check_groups(files: LoadedFiles) -> Iterator[Issue]:
    assert files.connector is not None
    module_ids = {doc.data["id"] for doc in files.modules} | files.unusable
    grouped: set[str] = set()
    for index, group in enumerate(files.connector.data["groups"]):
        for position, name in enumerate(group["modules"]):
            grouped.add(name)
            if name not in module_ids:
                parts: PathParts = ("groups", index, "modules", position)
                yield Issue(
                    files.connector.location(parts),
                    f"no module named {name!r}",
                    suggest(name, module_ids),
                )
    for document in files.modules:
        if document.data["id"] not in grouped:
            yield Issue(document.location(("id",)), "module is in no group of connector.yaml")


def _check_catalog(files: LoadedFiles) -> Iterator[Issue]:
    """Every module and RPC the app promises exists, with the promised kind."""
    assert files.connector is not None
    module_kinds = {doc.data["id"]: doc.data["kind"] for doc in files.modules}
    rpc_kinds = {doc.data["id"]: "rpc" for doc in files.rpcs}
    for kind, names in files.connector.data.get("catalog", {}).items():
        kinds = rpc_kinds if kind == "rpc" else module_kinds
        for position, name in enumerate(names):
            location = files.connector.location(("catalog", kind, position))
            if name in files.unusable:
                continue
            if name not in kinds:
                yield Issue(
                    location,
                    f"the catalog promises {kind} {name!r}, but there is no such file",
                    suggest(name, kinds),
                )
            elif kinds[name] != kind:
                yield Issue(
                    location, f"the catalog promises {name!r} as a {kind}; it is a {kinds[name]}"
                )


def _check_callable(
    document: Document,
    connections: Mapping[str, Document],
    rpcs: Mapping[str, Document | None],
    secrets: set[str],
) -> Iterator[Issue]:
    """What modules and RPCs share: connection, input schema, RPC references, request templates."""
    data = document.data
    if data["connection"] not in connections:
        yield Issue(
            document.location(("connection",)),
            f"no connection named {data['connection']!r}",
            suggest(data["connection"], connections),
        )
    yield from _check_patterns(document, ("input",))
    properties = _properties(document)
    for name, field in properties.items():
        rpc = field.get("x-rpc")
        if rpc is not None and rpc not in rpcs:
            yield Issue(
                document.location(("input", "properties", name, "x-rpc")),
                f"no rpc named {rpc!r}",
                suggest(rpc, rpcs),
            )
        elif rpc is not None and (rpc_document := rpcs[rpc]) is not None:
            yield from _check_nested_rpc(document, name, rpc, rpc_document, list(properties))
        yield from _check_enum_labels(document, ("input", "properties", name), field)
    yield from check_templates(document, ("request",), REQUEST_ROOTS, properties, secrets)
    for index, variant in enumerate(data.get("variants", [])):
        if variant["when"] not in properties:
            yield Issue(
                document.location(("variants", index, "when")),
                f"no parameter named {variant['when']!r}",
                suggest(variant["when"], properties),
            )
        yield from check_templates(
            document, ("variants", index, "request"), REQUEST_ROOTS, properties, secrets
        )
    if data.get("pagination") and not data.get("response", {}).get("iterate"):
        yield Issue(
            document.location(("pagination",)),
            "pagination needs response.iterate: where the records are",
        )


def _check_nested_rpc(
    document: Document, field: str, rpc: str, rpc_document: Document, order: list[str]
) -> Iterator[Issue]:
    """A drop-down whose RPC needs a parent (payment profiles of a client) is filled from the
    module's own field of that name: Make hands a module's parameters to its RPCs by name,
    and the CLI's ``rpc`` takes the same ``--param``. The parent comes first in the form."""
    for needed in rpc_document.data.get("input", {}).get("required", []):
        where = document.location(("input", "properties", field, "x-rpc"))
        if needed not in order:
            yield Issue(
                where,
                f"rpc {rpc!r} needs parameter {needed!r} (Make passes a module's parameters "
                f"to its drop-downs by name); expected a field {needed!r} in this module",
            )
        elif order.index(needed) > order.index(field):
            yield Issue(
                where, f"rpc {rpc!r} needs {needed!r}: expected that field before {field!r}"
            )


def _check_module(document: Document) -> Iterator[Issue]:
    data = document.data
    kind = data["kind"]
    properties = _properties(document)
    response = data.get("response", {})
    if kind == "action" and "crud" not in data:
        yield Issue(
            document.location(("kind",)), "an action needs crud: create, read, update or delete"
        )
    if kind != "action" and "crud" in data:
        yield Issue(
            document.location(("crud",)), f"crud is only for actions; this module is a {kind}"
        )
    if (kind == "trigger") != ("trigger" in data):
        yield Issue(document.location(("kind",)), "kind trigger and a trigger section go together")
    if kind in ("trigger", "search") and not response.get("iterate"):
        yield Issue(
            document.location(("response",)),
            f"a {kind} needs response.iterate: where the records are",
        )
    if kind == "universal" and "relative_path" not in str(data["request"].get("url")):
        yield Issue(
            document.location(("request", "url")),
            "the universal module must pass its path through the relative_path filter",
        )
    yield from check_templates(
        document,
        ("response", "output"),
        {"parameters", "body", "status", "headers"},
        properties,
        set(),
    )
    yield from check_templates(document, ("response", "limit"), {"parameters"}, properties, set())
    yield from _check_trigger(document)
    yield from _check_patterns(document, ("output",))
    yield from _check_sample(document)


def _check_trigger(document: Document) -> Iterator[Issue]:
    trigger = document.data.get("trigger")
    if not trigger:
        return
    if trigger["default_start"] not in trigger["first_run"]:
        yield Issue(
            document.location(("trigger", "default_start")),
            f"expected one of first_run ({', '.join(trigger['first_run'])}); "
            f"got {trigger['default_start']!r}",
        )
    if "date" in trigger["first_run"] and "date" not in trigger:
        yield Issue(
            document.location(("trigger", "first_run")),
            "first_run offers 'date' but the trigger declares no date field",
        )


def _check_patterns(document: Document, parts: PathParts) -> Iterator[Issue]:
    """The definition schema already allows only well-formed keywords (common.schema.json
    field_schema), which is far cheaper than the 2020-12 metaschema; what it cannot see is
    whether each ``pattern`` is a regular expression."""
    for where, value in strings_under(value_at(document.data, parts), parts):
        if where[-1] == "pattern" and where[-2:-1] != ("properties",):
            try:
                re.compile(value)
            except re.error as error:
                yield Issue(document.location(where), f"not a regular expression: {error}")


def _check_sample(document: Document) -> Iterator[Issue]:
    try:
        validator = Draft202012Validator(document.data["output"])
        errors = list(validator.iter_errors(document.data["sample"]))
    except SchemaError:
        return  # a malformed output schema: the schema pass (schema_check) reports it
    for error in errors:
        where = ("sample", *error.absolute_path)
        yield Issue(
            document.location(where), f"sample does not match the output schema: {error.message}"
        )


def _check_enum_labels(
    document: Document, parts: PathParts, field: Mapping[str, Any]
) -> Iterator[Issue]:
    labels = field.get("x-enum-labels")
    if labels is None:
        return
    values = {str(value) for value in field.get("enum", [])}
    if set(labels) != values:
        yield Issue(
            document.location((*parts, "x-enum-labels")),
            f"expected a label for each enum value {sorted(values)}; "
            f"got labels for {sorted(labels)}",
        )


def _properties(document: Document) -> dict[str, Any]:
    properties: dict[str, Any] = document.data.get("input", {}).get("properties", {})
    return properties
