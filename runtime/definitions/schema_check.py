"""Checking a definition file against its JSON Schema, with errors a person can act on.

jsonschema's raw messages are turned into ``expected ...; got ...`` lines with the
file, line and JSON path first, and a "did you mean" for misspelled keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from runtime.core.errors import Issue, suggest
from runtime.core.redaction import clip
from runtime.definitions.source import Document, PathParts

FILE_KINDS = ("connector", "connection", "module", "rpc", "webhook", "resource")


@cache
def _registry() -> Registry[Any]:
    registry: Registry[Any] = Registry()
    for kind in ("common", *FILE_KINDS):
        schema = load_schema(kind)
        resource = Resource.from_contents(schema)
        registry = registry.with_resources(
            [(f"{kind}.schema.json", resource), (schema["$id"], resource)]
        )
    return registry


@cache
def load_schema(kind: str) -> dict[str, Any]:
    text = (
        resources.files("runtime.definitions.schemas")
        .joinpath(f"{kind}.schema.json")
        .read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator_for(kind: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(kind), registry=_registry())


def check_document(document: Document, kind: str) -> list[Issue]:
    """Every schema problem of one file, one issue each, most specific first."""
    errors = validator_for(kind).iter_errors(document.data)
    return [_to_issue(document, error) for error in _leaves(errors)]


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Replace an anyOf/oneOf/allOf failure by its most relevant branch's errors."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf", "allOf") and error.context:
            deepest = max(len(child.absolute_path) for child in error.context)
            best = [child for child in error.context if len(child.absolute_path) == deepest]
            if error.validator == "allOf" or deepest > len(error.absolute_path):
                yield from _leaves(best)
                continue
        yield error


def _to_issue(document: Document, error: ValidationError) -> Issue:
    parts: PathParts = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in allowed]
        key = unknown[0] if unknown else "?"
        hint = suggest(key, allowed)
        message = f"unknown key {key!r}; expected one of: {', '.join(allowed)}"
        return Issue(document.location((*parts, key)), message, hint)
    return Issue(document.location(parts), _describe(error))


def _describe(error: ValidationError) -> str:
    got = _short(error.instance)
    match error.validator:
        case "type":
            expected = _type_words(error.validator_value)
            return f"expected {expected}; got {_type_of(error.instance)} {got}"
        case "required":
            missing = str(error.message).split("'")[1] if "'" in error.message else error.message
            return f"missing required key {missing!r}"
        case "enum":
            allowed: Any = error.validator_value
            options = ", ".join(repr(option) for option in allowed)
            return f"expected one of {options}; got {got}"
        case "const":
            return f"expected {error.validator_value!r}; got {got}"
        case "pattern":
            return f"expected text matching {error.validator_value}; got {got}"
        case "not":
            return f"not allowed here: {got}"
        case _:
            return f"{error.message}"


def _type_words(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    words = {
        "object": "a mapping",
        "array": "a list",
        "string": "text",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }
    return " or ".join(words.get(str(name), str(name)) for name in names)


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return {dict: "mapping", list: "list", str: "text", int: "integer", float: "number"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _short(value: Any) -> str:
    return clip(json.dumps(value, default=str), 60)
