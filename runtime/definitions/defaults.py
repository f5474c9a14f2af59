"""The facts a module file may leave out because they are always the same, filled in at load.

Each default is declared where a reader of the definitions finds it (the JSON Schemas in
runtime/definitions/schemas/ describe them; shared blocks live in connector.yaml
``defaults:`` and are reached by ``$ref``, see runtime/definitions/references.py). Filled in
before the schema check, so the specs, validate, describe, the docs and the exporter see
complete definitions:

- ``id``: the file name without ``.yaml`` (a written ``id`` must still equal it);
- ``connection`` of a module or RPC: the connector's only connection, when it has exactly
  one (with several, each file names its own; a written one is checked as before);
- an input field with ``x-rpc`` or ``enum`` is ``x-make-type: select`` unless it says
  otherwise (the key goes before the field's first other ``x-`` key, where it used to be
  written);
- a variant written as ``{when, url}`` is the main request with that url.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime.definitions.source import Document, PathParts


def apply_defaults(document: Document, connections: Sequence[str] = ()) -> Document:
    """``connections``: the ids of the connector's connections, for the implied one."""
    data = document.data
    if not isinstance(data, dict):
        return document
    if "id" not in data:
        data = {"id": Path(document.file).stem, **data}
    if "connection" not in data and len(connections) == 1:
        data["connection"] = connections[0]
    if isinstance(data.get("input"), dict):
        data["input"] = _implied_select(data["input"])
    if isinstance(data.get("variants"), list) and isinstance(data.get("request"), dict):
        data["variants"] = [
            _variant(document, index, variant, data["request"])
            for index, variant in enumerate(data["variants"])
        ]
    document.data = data
    return document


def _implied_select(schema: Any) -> Any:
    """A field offering fixed options (enum) or an RPC's options is a select in Make."""
    if not isinstance(schema, dict):
        return schema
    result = {key: value for key, value in schema.items()}
    if isinstance(result.get("properties"), dict):
        result["properties"] = {
            name: _implied_select(field) for name, field in result["properties"].items()
        }
    if "items" in result:
        result["items"] = _implied_select(result["items"])
    if ("x-rpc" in result or "enum" in result) and "x-make-type" not in result:
        keys = list(result)
        first_x = next((i for i, key in enumerate(keys) if key.startswith("x-")), len(keys))
        items = list(result.items())
        items.insert(first_x, ("x-make-type", "select"))
        result = dict(items)
    return result


def _variant(document: Document, index: int, variant: Any, request: dict[str, Any]) -> Any:
    """``{when, url}``: the main request with another url; its lines are the main request's."""
    if not isinstance(variant, dict) or "url" not in variant or "request" in variant:
        return variant
    here: PathParts = ("variants", index)
    for parts, line in list(document.lines.items()):
        if parts[:1] == ("request",) and len(parts) > 1:  # a problem there is the main request's
            document.lines[(*here, *parts)] = line
            document.origins[(*here, *parts)] = document.origins.get(parts, (document.file, parts))
    url_parts = (*here, "url")
    if url_parts in document.lines:
        document.lines[(*here, "request", "url")] = document.lines[url_parts]
        document.origins[(*here, "request", "url")] = document.origins.get(
            url_parts, (document.file, url_parts)
        )
    if here in document.lines:
        document.lines.setdefault((*here, "request"), document.lines[here])
    rest = {key: value for key, value in variant.items() if key != "url"}
    return {**rest, "request": {**request, "url": variant["url"]}}
