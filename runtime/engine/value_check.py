"""Checking a value against a field schema: the JSON Schema keywords the definitions may use.

The definition schema (``common.schema.json``, ``field_schema``) allows a closed
set of keywords, and this checker implements every one of them, so a run checks
its parameters without loading jsonschema (a fifth of a cold start). Each problem
is one line: ``parameters.<path>: expected ...; got ...``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from runtime.core.redaction import clip

_CURRENCY = re.compile(r"[A-Z]{3}")  # ISO 4217 alphabetic codes; input is upper-cased first
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def check_value(schema: Mapping[str, Any], value: Any, where: str) -> Iterator[str]:
    """Every way ``value`` fails ``schema``, as readable lines; nothing when it fits."""
    types = schema.get("type")
    if types is not None and not _has_type(value, types):
        yield f"{where}: expected {_type_words(types)}; got {show_value(value)}"
        return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: expected one of {_options(schema)}; got {show_value(value)}"
    if "const" in schema and value != schema["const"]:
        yield f"{where}: expected {schema['const']!r}; got {show_value(value)}"
    if isinstance(value, str):
        yield from _check_text(schema, value, where)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield from _check_number(schema, value, where)
    elif isinstance(value, list):
        yield from _check_list(schema, value, where)
    elif isinstance(value, dict):
        yield from _check_mapping(schema, value, where)


def _has_type(value: Any, types: str | list[str]) -> bool:
    for name in [types] if isinstance(types, str) else types:
        if name in ("integer", "number") and isinstance(value, bool):
            continue
        if name == "integer" and isinstance(value, float) and value.is_integer():
            return True
        if isinstance(value, _TYPES[name]):
            return True
    return False


def _check_text(schema: Mapping[str, Any], value: str, where: str) -> Iterator[str]:
    if "minLength" in schema and len(value) < schema["minLength"]:
        shown = show_value(value)
        yield f"{where}: expected at least {schema['minLength']} character(s); got {shown}"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        yield f"{where}: expected at most {schema['maxLength']} characters; got {len(value)}"
    if "pattern" in schema and not _regex(schema["pattern"]).search(value):
        yield f"{where}: expected text matching {schema['pattern']}; got {show_value(value)}"
    problem = _format_problem(schema.get("format"), value)
    if problem:
        yield f"{where}: expected {problem}; got {show_value(value)}"


def _check_number(schema: Mapping[str, Any], value: float, where: str) -> Iterator[str]:
    if "minimum" in schema and value < schema["minimum"]:
        yield f"{where}: expected at least {schema['minimum']}; got {value}"
    if "maximum" in schema and value > schema["maximum"]:
        yield f"{where}: expected at most {schema['maximum']}; got {value}"


def _check_list(schema: Mapping[str, Any], value: list[Any], where: str) -> Iterator[str]:
    if "minItems" in schema and len(value) < schema["minItems"]:
        yield f"{where}: expected at least {schema['minItems']} item(s); got {len(value)}"
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        yield f"{where}: expected at most {schema['maxItems']} items; got {len(value)}"
    items = schema.get("items")
    if isinstance(items, Mapping):
        for index, item in enumerate(value):
            yield from check_value(items, item, f"{where}[{index}]")


def _check_mapping(schema: Mapping[str, Any], value: dict[str, Any], where: str) -> Iterator[str]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    # As in JSON Schema: required means present; a null is then checked like any value
    # (refused unless the field's type allows null).
    for name in schema.get("required", ()):
        if name not in value:
            yield f"{where}.{name}: required, got nothing"
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            yield from check_value(properties[name], item, f"{where}.{name}")
        elif extra is False:
            yield f"{where}.{name}: unknown field; expected one of: {', '.join(properties)}"
        elif isinstance(extra, Mapping):
            yield from check_value(extra, item, f"{where}.{name}")


def _format_problem(kind: str | None, value: str) -> str | None:
    try:
        if kind == "date":
            dt.date.fromisoformat(value)
        elif kind == "date-time":
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif kind == "email" and "@" not in value:
            return "an e-mail address"
        elif kind == "uri" and not _is_web_address(value):
            return "a web address such as https://acme.com (http or https, and a host)"
        elif kind == "currency" and not _CURRENCY.fullmatch(value):
            return "a three-letter currency code such as USD (ISO 4217)"
    except ValueError:
        return "a date such as 2024-01-31" if kind == "date" else "a date and time (ISO 8601)"
    return None


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def _options(schema: Mapping[str, Any]) -> str:
    labels = schema.get("x-enum-labels", {})
    return ", ".join(
        f"{value!r} ({labels[str(value)]})" if str(value) in labels else repr(value)
        for value in schema["enum"]
    )


def _type_words(types: str | list[str]) -> str:
    return " or ".join(_as_list(types))


def _as_list(types: Any) -> list[str]:
    if types is None:
        return []
    return [types] if isinstance(types, str) else list(types)


def show_value(value: Any) -> str:
    """A value as JSON, masked and then cut to 60 characters: how a message shows what it got.

    Masked before the cut (``redaction.clip``): a cut secret would no longer match its mask.
    """
    return clip(json.dumps(value, default=str, ensure_ascii=False), 60)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
