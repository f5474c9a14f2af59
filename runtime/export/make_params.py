"""Our input/output JSON Schemas as Make parameter arrays (expect, static parameters, interface).

Types: string -> text (``format: date`` -> date), integer -> integer, number -> number,
boolean -> boolean, object -> collection with ``spec``, array -> array with ``spec``;
``x-make-type`` wins when given, except ``json``, which becomes Make's ``any`` (a JSON
object or array is mapped as a value; Make's ``json`` type would hand over text). A
nullable type (``[string, "null"]``) is its non-null type; several non-null types or none
-> ``any``. ``enum`` -> select with ``options`` labelled by ``x-enum-labels``; ``x-rpc`` ->
select with ``options: "rpc://<rpc id in Make>"``. ``title`` -> label, ``description`` ->
help, plus ``required``, ``default``, ``advanced`` (``x-advanced``), ``validate.pattern``.

Polling triggers take static parameters only, and by Make's convention a required
``limit`` (uinteger, default 10: the most items one run outputs), added by
``trigger_parameters`` unless the input already declares one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runtime.core.json_types import JsonObject

TRIGGER_LIMIT: JsonObject = {
    "name": "limit",
    "type": "uinteger",
    "label": "Limit",
    "required": True,
    "default": 10,
}
_SIMPLE = {
    "string": "text",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "object": "collection",
    "array": "array",
}


def snake_to_camel(name: str) -> str:
    """Make names modules and RPCs ``^[a-zA-Z][0-9a-zA-Z]{3,47}$``: list_clients -> listClients."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def mappable_parameters(schema: Mapping[str, Any]) -> list[JsonObject]:
    """``expect`` of an action, search or universal module (and an RPC's parameters)."""
    return _parameters(schema, _input_parameter)


def trigger_parameters(schema: Mapping[str, Any]) -> list[JsonObject]:
    """Static ``parameters`` of a polling trigger: its inputs plus the conventional limit."""
    parameters = _parameters(schema, _input_parameter)
    if not any(parameter["name"] == "limit" for parameter in parameters):
        parameters.append(dict(TRIGGER_LIMIT))
    return parameters


def interface(schema: Mapping[str, Any]) -> list[JsonObject]:
    """``interface``: what one output bundle holds (label, type, nested spec only)."""
    return _parameters(schema, _output_parameter)


Builder = Callable[[str, Mapping[str, Any], bool], JsonObject]


def _parameters(schema: Mapping[str, Any], build: Builder) -> list[JsonObject]:
    required = set(schema.get("required", ()))
    properties: Mapping[str, Any] = schema.get("properties", {})
    return [build(name, spec, name in required) for name, spec in properties.items()]


def _input_parameter(name: str, schema: Mapping[str, Any], required: bool) -> JsonObject:
    parameter: JsonObject = {"name": name, "type": make_type(schema)}
    if "title" in schema:
        parameter["label"] = schema["title"]
    if schema.get("description"):
        parameter["help"] = schema["description"]
    if required:
        parameter["required"] = True
    if "default" in schema:
        parameter["default"] = schema["default"]
    if schema.get("x-advanced"):
        parameter["advanced"] = True
    if "pattern" in schema and parameter["type"] == "text":
        parameter["validate"] = {"pattern": schema["pattern"]}
    _add_options(parameter, schema)
    _add_spec(parameter, schema, _input_parameter)
    return parameter


def _output_parameter(name: str, schema: Mapping[str, Any], required: bool) -> JsonObject:
    plain = {key: value for key, value in schema.items() if key not in ("enum", "x-rpc")}
    if plain.get("x-make-type") == "select":
        del plain["x-make-type"]
    parameter: JsonObject = {"name": name, "type": make_type(plain)}
    if "title" in schema:
        parameter["label"] = schema["title"]
    _add_spec(parameter, schema, _output_parameter)
    return parameter


def make_type(schema: Mapping[str, Any]) -> str:
    """The Make parameter type for one property schema."""
    if "enum" in schema or "x-rpc" in schema:
        return "select"
    explicit = schema.get("x-make-type")
    if explicit is not None:
        return "any" if explicit == "json" else str(explicit)
    declared = schema.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    types = [kind for kind in types if kind != "null"]
    if len(types) != 1:
        return "any"
    if types[0] == "string" and schema.get("format") == "date":
        return "date"
    return _SIMPLE.get(types[0], "any")


def _add_options(parameter: JsonObject, schema: Mapping[str, Any]) -> None:
    if parameter["type"] != "select":
        return
    if "x-rpc" in schema:
        parameter["options"] = f"rpc://{snake_to_camel(schema['x-rpc'])}"
        return
    labels: Mapping[str, str] = schema.get("x-enum-labels", {})
    parameter["options"] = [
        {"label": labels.get(str(value), str(value)), "value": value}
        for value in schema.get("enum", ())
    ]


def _add_spec(parameter: JsonObject, schema: Mapping[str, Any], build: Builder) -> None:
    if parameter["type"] == "collection":
        parameter["spec"] = _parameters(schema, build)
    elif parameter["type"] == "array" and isinstance(schema.get("items"), Mapping):
        items: Mapping[str, Any] = schema["items"]
        if make_type(items) == "collection":
            parameter["spec"] = _parameters(items, build)  # each item is a collection
        else:
            item = build("value", items, False)
            item.pop("name")
            parameter["spec"] = item
