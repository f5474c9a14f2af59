"""Rendering: a module's request spec plus parameters become one HttpRequest. No I/O.

request:
  method: PUT
  url: "/clients/{{ parameters.id }}"
  body: {client: {name: "{{ parameters.name }}"}}
  omit_empty: true        # fields the user left empty are not sent (no blanking)
  require_body: "update_client: nothing to update; ..."  # refused when nothing is left
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from runtime.core.errors import InputError, RenderError
from runtime.core.redaction import clip
from runtime.definitions.specs import BaseSpec, RequestSpec, VariantSpec
from runtime.engine.clearing import Cleared, settle
from runtime.engine.connection import Connection
from runtime.engine.transport import HttpRequest
from runtime.templates.templating import render_value

# Set by the connection and the transport; a module or a user cannot override them.
RESERVED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "host",
        "content-length",
        "transfer-encoding",  # with Content-Length: two framings, the answer to smuggling
        "connection",
        "accept-encoding",  # the transport accepts only what it inflates within its limit
        "cookie",
    }
)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_NOT_FIELD_VALUE = re.compile(r"[^\t\x20-\x7e]")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def select_request(
    main: RequestSpec, variants: Sequence[VariantSpec], parameters: Mapping[str, Any]
) -> RequestSpec:
    """The first variant whose parameter is filled in, else the main request."""
    for variant in variants:
        chosen_by = parameters.get(variant.when)
        if not _is_empty(chosen_by) and not isinstance(chosen_by, Cleared):
            return variant.request
    return main


def render_request(
    spec: RequestSpec,
    parameters: Mapping[str, Any],
    connection: Connection,
    base: BaseSpec,
) -> HttpRequest:
    context = {"parameters": parameters, "connection": connection.values}
    path = _under_base(str(render_value(spec.url, context, url=True)), connection.base_url)
    if "//" in path or not path.startswith("/"):
        raise RenderError(
            f"rendered path {clip(path, 60)!r} is not a relative path under the base URL"
        )
    query = _render_mapping(spec.query, context, "query")
    headers = {
        **base.headers,
        **{k: str(v) for k, v in _render_mapping(spec.headers, context, "headers").items()},
    }
    _refuse_reserved(headers)
    method = _method(spec.method, context)
    body = render_value(spec.body, context) if spec.body is not None else None
    if spec.omit_empty:
        query = {key: value for key, value in query.items() if not _is_empty(value)}
        body = prune_empty(body)
    body = settle(body, parameters)  # a parameter given as null is sent as null
    if spec.require_body and _is_empty(body):  # after pruning: {"invoice": {}} is now {}
        raise InputError(spec.require_body)
    if method in ("GET", "DELETE"):
        body = None if body in (None, {}, []) else body
    if body is not None and method in ("POST", "PUT", "PATCH", "DELETE"):
        headers.setdefault("Content-Type", "application/json")
    return HttpRequest(
        method=method,
        url=connection.base_url + path,
        query=tuple(_query_pairs(query)),
        headers=headers,
        body=body,
    )


def _under_base(path: str, base_url: str) -> str:
    """A path that already starts with the base URL's own path (``/api/v2/leads``, copied
    from the API docs) is that path under the base, not ``/api/v2/api/v2/leads``. Paths are
    checked before (``relative_path``) and after (``render_request``) this."""
    base_path = urlsplit(base_url).path.rstrip("/")
    if base_path and path.startswith(base_path + "/"):
        return path[len(base_path) :]
    return path


def _method(template: str, context: Mapping[str, Any]) -> str:
    given = str(render_value(template, context))
    method = given.strip().upper()
    if method not in METHODS:  # shown as given: masked, then cut (an upper-cased secret is not)
        raise InputError(
            f"parameters.method: expected one of {', '.join(METHODS)}; got {clip(given, 20)!r}"
        )
    return method


def _render_mapping(value: Any, context: Mapping[str, Any], what: str) -> dict[str, Any]:
    if value is None:
        return {}
    rendered = render_value(value, context)
    if rendered is None:
        return {}
    if not isinstance(rendered, Mapping):
        raise InputError(
            f"parameters: {what} must be a mapping of names to values; "
            f"got {type(rendered).__name__}"
        )
    return {str(key): item for key, item in rendered.items() if item is not None}


def _refuse_reserved(headers: Mapping[str, str]) -> None:
    """Names must be RFC 9110 tokens before the protected ones are compared, so "Host " or
    "Authorization\t" cannot slip past the comparison and reach the wire. Values must be
    visible ASCII, spaces or tabs: no CR/LF (no injected header), and nothing requests
    would have to encode (it sends latin-1 and fails on the rest); an API of JSON needs
    no more, and obs-text is obsolete in RFC 9110."""
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            raise InputError(
                f"headers.{name!r}: expected a header name of letters, digits and "
                f"!#$%&'*+-.^_`|~ (an RFC 9110 token: no spaces, tabs or colons); got {name!r}"
            )
        if name.lower() in RESERVED_HEADERS:
            raise InputError(
                f"headers.{name}: this header is set by the connection and cannot be overridden"
            )
        bad = _NOT_FIELD_VALUE.search(value)
        if bad is not None:  # the value itself is not shown: it may be a credential
            raise InputError(
                f"headers.{name}: expected visible ASCII characters, spaces or tabs; got "
                f"U+{ord(bad.group()):04X} at position {bad.start() + 1}"
            )


def _query_pairs(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, _query_text(item)))
    return pairs


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def prune_empty(value: Any) -> Any:
    """Drop null, empty text and empty lists/mappings, at every depth."""
    if isinstance(value, Mapping):
        pruned = {key: prune_empty(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if not _is_empty(item)}
    if isinstance(value, list):
        items = [prune_empty(item) for item in value]
        return [item for item in items if not _is_empty(item)]
    return value
