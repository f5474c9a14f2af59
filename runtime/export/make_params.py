"""Our input/output JSON Schemas as Make parameter arrays (expect, static parameters, interface).

Types: string -> text (``format: date`` -> date), integer -> integer, number -> number,
boolean -> boolean, object -> collection with ``spec``, array -> array with ``spec``;
``x-make-type`` wins when given, except ``json``, which becomes Make's ``any`` (a JSON
object or array is mapped as a value; Make's ``json`` type would hand over text). A
nullable type (``[string, "null"]``) is its non-null type; several non-null types or none
-> ``any``. ``enum`` -> select with ``options`` labelled by ``x-enum-labels``; ``x-rpc`` ->
select with ``options: "rpc://<rpc id in Make>"``. ``title`` -> label, ``description`` ->
help, plus ``required``, ``default``, ``advanced`` (``x-advanced``), ``validate.pattern``.

Where Make hands a value over in another form than the runtime takes it, the input differs
and ``input_conversions`` says how communication turns it back: a date parameter is a
timestamp in Make, so it goes out as ``formatDate(x; "YYYY-MM-DD")``; a free-form object
input (no declared properties, e.g. headers) is an array of ``{key, value}`` items, the
form of Make's own universal modules, turned into an object with ``toCollection``.

Polling triggers take static parameters only, and by Make's convention a required
``limit`` (uinteger, default 10: the most items one run outputs), added by
``trigger_parameters`` unless the input already declares one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runtime.core.json_types import JsonObject
from runtime.export.iml import PLAIN_NAME

RpcHelp = Callable[[str], str]  # rpc id -> the sentence a select filled by it adds to its help

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


def mappable_parameters(
    schema: Mapping[str, Any], rpc_help: RpcHelp | None = None
) -> list[JsonObject]:
    """``expect`` of an action, search or universal module (and an RPC's parameters)."""
    return _parameters(schema, _input_builder(rpc_help))


def trigger_parameters(
    schema: Mapping[str, Any], rpc_help: RpcHelp | None = None
) -> list[JsonObject]:
    """Static ``parameters`` of a polling trigger: its inputs plus the conventional limit."""
    parameters = _parameters(schema, _input_builder(rpc_help))
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


def is_free_form(schema: Mapping[str, Any]) -> bool:
    """An object input without declared fields: Make shows it as key/value items."""
    return make_type(schema) == "collection" and not schema.get("properties")


def input_conversions(schema: Mapping[str, Any]) -> dict[str, Callable[[str], str]]:
    """IML path of a top-level input -> how communication turns Make's form of it back."""
    conversions: dict[str, Callable[[str], str]] = {}
    for name, spec in schema.get("properties", {}).items():
        path = f"parameters.{name}" if PLAIN_NAME.match(name) else f"parameters.`{name}`"
        if make_type(spec) == "date":
            conversions[path] = _format_date
        elif is_free_form(spec):
            conversions[path] = _to_collection
    return conversions


def _format_date(iml: str) -> str:
    return f'formatDate({iml}; "YYYY-MM-DD")'  # Clientary's dates; Make's are timestamps


def _to_collection(iml: str) -> str:
    return f'toCollection({iml}; "key"; "value")'


def _key_value_items(schema: Mapping[str, Any]) -> JsonObject:
    """The ``spec`` of a free-form object's items: a key and a value (text unless typed)."""
    values = schema.get("additionalProperties")
    value_type = make_type(values) if isinstance(values, Mapping) else "text"
    if value_type in ("any", "collection", "array", "select"):
        value_type = "text"
    return {
        "type": "array",
        "spec": [
            {"name": "key", "type": "text", "label": "Key", "required": True},
            {"name": "value", "type": value_type, "label": "Value"},
        ],
    }


def _input_builder(rpc_help: RpcHelp | None) -> Builder:
    def build(name: str, schema: Mapping[str, Any], required: bool) -> JsonObject:
        parameter = _input_parameter(name, schema, required, build)
        if rpc_help is not None and "x-rpc" in schema:
            sentence = rpc_help(str(schema["x-rpc"]))
            parameter["help"] = (
                f"{parameter['help']} {sentence}" if "help" in parameter else sentence
            )
        return parameter

    return build


def _input_parameter(
    name: str, schema: Mapping[str, Any], required: bool, build: Builder | None = None
) -> JsonObject:
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
    if is_free_form(schema):
        parameter |= _key_value_items(schema)
    else:
        _add_spec(parameter, schema, build or _input_parameter)
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
