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
- a variant written as ``{when, url}`` is the main request with that url;
- ``endpoint`` (the documented endpoint, for the docs) of a module with one request:
  ``METHOD <base path><url>`` with each ``{{ parameters.x }}`` as ``:x``, e.g.
  ``GET /api/v2/clients/:id``; written where the docs name it otherwise, or several urls;
- ``crud`` of an action module named ``create_``, ``get_``, ``update_`` or ``delete_``...:
  create, read, update, delete (another action names its own, or has none);
- ``response`` of a module: ``{}``, the answer as it comes;
- a note on a module with several scoped variants, last: the one rule for scopes, the first
  variant filled in wins (the narrowest: a recurring schedule, a project, a client; the API
  has no route that combines them), so variants are written narrowest first;
- a note on every create, update and delete module (``crud``), last, unless the module
  tells its own answer: the API documents no answer to a write (api.md 3.2), so any 2xx
  counts and an empty body gives an empty bundle;
- ``input`` of an RPC: no parameters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runtime.core.errors import Issue
from runtime.definitions.source import Document, PathParts

CRUD_BY_PREFIX = {"create_": "create", "get_": "read", "update_": "update", "delete_": "delete"}
UNDOCUMENTED_ANSWER = "response is not documented"  # a module's note saying so is kept as is
ANSWER_NOTES = {  # api.md 3.2: no write documents its answer
    **{
        crud: f"The {crud} {UNDOCUMENTED_ANSWER} (api.md 3.2): any 2xx counts, the {crud}d "
        "record is expected back (third-party code reads it), and an empty body gives an "
        "empty bundle. [uncertain]"
        for crud in ("create", "update")
    },
    "delete": f"The delete {UNDOCUMENTED_ANSWER} (api.md 3.2): any 2xx counts as success, "
    "and the bundle is the deleted id. [uncertain]",
}
NO_INPUT = {"type": "object", "additionalProperties": False, "properties": {}}


def apply_defaults(
    document: Document,
    connections: Sequence[str] = (),
    base_path: str | None = None,
    kind: str = "module",
) -> Document:
    """``connections``: the connector's connection ids; ``base_path``: its base url's path;
    ``kind``: module or rpc."""
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
    if kind == "module":
        data = _module_defaults(data)
    elif "input" not in data:
        data = _after(data, "description", "input", dict(NO_INPUT))
    if kind == "module" and "endpoint" not in data and base_path and "variants" not in data:
        endpoint = _endpoint(data.get("request"), base_path)
        if endpoint is not None:
            data["endpoint"] = endpoint
    document.data = data
    return document


def _module_defaults(data: dict[str, Any]) -> dict[str, Any]:
    if "crud" not in data and data.get("kind") == "action":
        name = str(data.get("id", ""))
        crud = next((c for p, c in CRUD_BY_PREFIX.items() if name.startswith(p)), None)
        if crud is not None:
            data = _after(data, "kind", "crud", crud)
    if "response" not in data:
        data = _after(data, "request", "response", {})
    notes = data.get("notes", [])
    if not isinstance(notes, list):
        return data  # the schema check reports it
    scopes = [str(v.get("when")) for v in data.get("variants", []) if isinstance(v, dict)]
    if len(scopes) > 1:
        notes = [*notes, _scope_note(scopes)]
    told = any(UNDOCUMENTED_ANSWER in str(note) for note in notes)
    if data.get("crud") in ANSWER_NOTES and not told:  # a module may tell its own answer
        notes = [*notes, ANSWER_NOTES[data["crud"]]]
    if notes and notes != data.get("notes"):
        data = (
            {**data, "notes": notes}
            if "notes" in data
            else _after(data, "description", "notes", notes)
        )
    return data


def _scope_note(scopes: list[str]) -> str:
    pairs = [f"{scopes[n]} wins over {scopes[n + 1]}" for n in range(len(scopes) - 1)]
    return (
        "One scope is used when several are given, the narrowest: "
        + ", ".join(pairs)
        + " (the API has no route that combines them)."
    )


def _after(data: dict[str, Any], anchor: str, key: str, value: Any) -> dict[str, Any]:
    """``data`` with ``key`` placed after ``anchor`` (where it used to be written), else last."""
    if anchor not in data:
        return {**data, key: value}
    result: dict[str, Any] = {}
    for name, item in data.items():
        result[name] = item
        if name == anchor:
            result[key] = value
    return result


PARAMETER = re.compile(r"\{\{\s*parameters\.(\w+)\s*\}\}")


def _endpoint(request: Any, base_path: str) -> str | None:
    """The endpoint a plain request documents; None when its url is more than parameters."""
    if not isinstance(request, dict):
        return None
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url.startswith("/"):
        return None
    path = PARAMETER.sub(r":\1", url)
    if "{" in path or "{" in method:
        return None
    return f"{method} {base_path}{path}"


def base_path(connector: Any) -> str | None:
    """The path of connector.yaml's base url (``/api/v2``); None when there is none to read."""
    base = connector.get("base") if isinstance(connector, dict) else None
    url = base.get("url") if isinstance(base, dict) else None
    if not isinstance(url, str):
        return None
    path = urlsplit(url).path
    return None if "{" in path else path.rstrip("/")


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


BODY_FORM = ("wrap", "rename")


def derive_resource(document: Document) -> list[Issue]:
    """A resource file's ``body: {wrap: W, rename: {field: key}}``, written out in place.

    It stands for ``{W: {<each writable field>: "{{ parameters.<field> }}"}}`` in the order
    of ``writable.properties``, a renamed field sent under its new key in its own place.
    Done on the file as read, before anything refers to it, so every stage sees the body
    written out; each derived path keeps the line of ``body``. A body written out in full
    (any body without ``wrap``) is left as it is.
    """
    data = document.data
    body = data.get("body") if isinstance(data, dict) else None
    if not isinstance(body, dict) or "wrap" not in body:
        return []
    here: PathParts = ("body",)
    wrapper, rename = body["wrap"], body.get("rename", {})
    issues: list[Issue] = []
    extra = [key for key in body if key not in BODY_FORM]
    if extra:
        issues.append(_issue(document, here, f"expected only wrap and rename; got {extra[0]!r}"))
    if not isinstance(wrapper, str) or not wrapper:
        issues.append(_issue(document, (*here, "wrap"), f"expected a key name; got {wrapper!r}"))
    writable = data.get("writable")
    fields = writable.get("properties") if isinstance(writable, dict) else None
    if not isinstance(fields, dict):
        issues.append(_issue(document, here, "wrap: expected writable.properties to derive from"))
        fields = {}
    if not isinstance(rename, dict):
        issues.append(
            _issue(document, (*here, "rename"), f"expected field: key pairs; got {rename!r}")
        )
        rename = {}
    for field, key in rename.items():
        if field not in fields:
            choices = ", ".join(map(str, fields))
            message = f"rename: expected a writable field ({choices}); got {field!r}"
            issues.append(_issue(document, (*here, "rename", field), message))
        elif not isinstance(key, str) or not key:
            message = f"rename: expected a key name; got {key!r}"
            issues.append(_issue(document, (*here, "rename", field), message))
    if issues:
        return issues
    data["body"] = {
        wrapper: {rename.get(field, field): f"{{{{ parameters.{field} }}}}" for field in fields}
    }
    for parts in [p for p in document.lines if len(p) > 1 and p[0] == "body"]:
        del document.lines[parts]  # the short form's paths: gone, the body's line stands
    return []


def _issue(document: Document, parts: PathParts, message: str) -> Issue:
    return Issue(document.location(parts), message)
