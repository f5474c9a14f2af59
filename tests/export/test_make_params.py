"""JSON Schema -> Make parameter arrays, with expectations written by hand."""

from __future__ import annotations

from typing import Any

from runtime.export.make_params import (
    interface,
    mappable_parameters,
    snake_to_camel,
    trigger_parameters,
)

INPUT: dict[str, Any] = {
    "type": "object",
    "required": ["client_id", "date"],
    "properties": {
        "client_id": {
            "type": "integer",
            "title": "Client",
            "description": "The client.",
            "x-make-type": "select",
            "x-rpc": "list_clients",
        },
        "date": {"type": "string", "format": "date", "title": "Date"},
        "status": {
            "type": "integer",
            "title": "Status",
            "enum": [0, 1],
            "x-enum-labels": {"0": "Draft", "1": "Sent"},
            "x-advanced": True,
        },
        "sort": {"type": "string", "enum": ["name", "date"], "default": "name"},
        "limit": {"type": "integer", "title": "Limit", "default": 10, "x-make-type": "uinteger"},
        "tax": {"type": "number", "title": "Tax"},
        "paid": {"type": "boolean"},
        "body": {"type": ["object", "array"], "title": "Body", "x-make-type": "json"},
        "extra": {"type": "object", "title": "Extra", "x-make-type": "collection"},
        "line_items": {
            "type": "array",
            "title": "Items",
            "items": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string", "title": "Title"}},
            },
        },
        "tags": {"type": "array", "items": {"type": "string", "title": "Tag"}},
    },
}


def test_input_becomes_expect() -> None:
    assert mappable_parameters(INPUT) == [
        {
            "name": "client_id",
            "type": "select",
            "label": "Client",
            "help": "The client.",
            "required": True,
            "options": "rpc://listClients",
        },
        {"name": "date", "type": "date", "label": "Date", "required": True},
        {
            "name": "status",
            "type": "select",
            "label": "Status",
            "advanced": True,
            "options": [{"label": "Draft", "value": 0}, {"label": "Sent", "value": 1}],
        },
        {
            "name": "sort",
            "type": "select",
            "default": "name",
            "options": [{"label": "name", "value": "name"}, {"label": "date", "value": "date"}],
        },
        {"name": "limit", "type": "uinteger", "label": "Limit", "default": 10},
        {"name": "tax", "type": "number", "label": "Tax"},
        {"name": "paid", "type": "boolean"},
        {"name": "body", "type": "any", "label": "Body"},
        {  # a free-form object: key/value items, as in Make's universal modules
            "name": "extra",
            "type": "array",
            "label": "Extra",
            "spec": [
                {"name": "key", "type": "text", "label": "Key", "required": True},
                {"name": "value", "type": "text", "label": "Value"},
            ],
        },
        {
            "name": "line_items",
            "type": "array",
            "label": "Items",
            "spec": [{"name": "title", "type": "text", "label": "Title", "required": True}],
        },
        {"name": "tags", "type": "array", "spec": {"type": "text", "label": "Tag"}},
    ]


def test_trigger_gets_static_limit() -> None:
    assert trigger_parameters({"type": "object", "properties": {}}) == [
        {"name": "limit", "type": "uinteger", "label": "Limit", "required": True, "default": 10}
    ]


def test_trigger_keeps_its_own_limit() -> None:
    schema = {"type": "object", "properties": {"limit": {"type": "integer"}}}
    assert trigger_parameters(schema) == [{"name": "limit", "type": "integer"}]


def test_output_becomes_interface() -> None:
    output = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "integer", "title": "ID"},
            "number": {"type": ["string", "null"], "title": "Number"},
            "status": {"type": "integer", "enum": [0, 1], "title": "Status"},
            "client": {
                "type": ["object", "null"],
                "properties": {"name": {"type": "string", "title": "Name"}},
            },
            "body": {"title": "Body"},
        },
    }
    assert interface(output) == [
        {"name": "id", "type": "integer", "label": "ID"},
        {"name": "number", "type": "text", "label": "Number"},
        {"name": "status", "type": "integer", "label": "Status"},
        {
            "name": "client",
            "type": "collection",
            "spec": [{"name": "name", "type": "text", "label": "Name"}],
        },
        {"name": "body", "type": "any", "label": "Body"},
    ]


def test_ids_become_make_names() -> None:
    assert snake_to_camel("list_clients") == "listClients"
    assert snake_to_camel("make_api_call") == "makeApiCall"
