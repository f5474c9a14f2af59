"""User parameters: coerced from command-line text by the input schema, checked, defaulted.

Every problem is reported at once, as ``parameters.<name>: expected ...; got ...``,
before any request is sent.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

from runtime.core.errors import InputError
from runtime.core.json_limits import TooDeepError, parse_json
from runtime.definitions.specs import ModuleSpec, RpcSpec
from runtime.engine.clearing import Cleared
from runtime.engine.value_check import check_value

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
# A host with a dot and an optional path, no scheme: "acme.com", "www.acme.com/about".
_BARE_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#]\S*)?", re.IGNORECASE)


def coerce_text(name: str, text: str, schema: Mapping[str, Any]) -> Any:
    """Turn ``--param name=text`` into the type the input schema declares."""
    types = schema.get("type", "string")
    types = types if isinstance(types, list) else [types]
    if text == "" and "null" in types:
        return None
    parsed: list[Any] = []  # JSON that parsed but is not the kind wanted
    json_error: str | None = None
    for kind in types:
        try:
            if kind == "integer":
                return int(text)
            if kind == "number":
                number = float(text)
                return int(number) if number.is_integer() and "." not in text else number
            if kind == "boolean" and text.lower() in _TRUE | _FALSE:
                return text.lower() in _TRUE
            if kind in ("object", "array"):
                value = parse_json(text, f"parameters.{name}")
                if isinstance(value, dict if kind == "object" else list):
                    return value
                parsed.append(value)
            if kind == "string":
                return text
        except TooDeepError as error:  # the text was JSON: say why it cannot be used
            raise InputError(str(error)) from None
        except ValueError as error:
            if kind in ("object", "array"):
                json_error = str(error)
            continue
    if json_error is not None:  # only JSON could fit: its error says what is wrong, and where
        wanted = " or ".join(kind for kind in types if kind in ("object", "array"))
        reason = json_error.partition("; ")[2] or json_error
        raise InputError(f"parameters.{name}: expected a JSON {wanted}; {reason}")
    # Valid JSON of another kind is passed on as parsed, so validation shows it as JSON;
    # anything else is left as text, and validation names the expected type.
    return parsed[0] if parsed else text


def normalise(schema: Mapping[str, Any], value: Any) -> Any:
    """The obvious reading of a text value, by what its schema declares: the enum member it
    matches ignoring case (when exactly one does: ``get`` -> ``GET``), a currency code upper
    cased (``usd``), a web address without a scheme given ``https://`` (``acme.com``). Any
    other value is returned unchanged, for validation to accept or refuse."""
    if not isinstance(value, str):
        return value
    members = [member for member in schema.get("enum", ()) if isinstance(member, str)]
    if value not in members:
        matching = [member for member in members if member.casefold() == value.casefold()]
        if len(matching) == 1:
            return matching[0]
    kind = schema.get("format")
    if kind == "currency":
        return value.strip().upper()
    if kind == "uri" and _BARE_HOST.fullmatch(value.strip()):
        return "https://" + value.strip()
    return value


def date_order_warnings(schema: Mapping[str, Any], values: Mapping[str, Any]) -> list[str]:
    """A field declaring ``x-not-before: other`` (a due date and its issue date) that holds
    an earlier date than ``other``: a warning. The value is still sent: the API may allow it."""
    warnings = []
    for name, field in schema.get("properties", {}).items():
        other = field.get("x-not-before")
        later, earlier = values.get(name), values.get(other) if other else None
        later_date, earlier_date = _date(later), _date(earlier)
        if later_date is not None and earlier_date is not None and later_date < earlier_date:
            warnings.append(
                f"WARNING: parameters.{name} ({later}) is before parameters.{other} "
                f"({earlier}); sent as given"
            )
    return warnings


def prepare_parameters(
    schema: Mapping[str, Any] | ModuleSpec | RpcSpec,
    given: Mapping[str, Any],
    warn: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Check ``given`` against the input schema, after ``normalise``; add schema defaults;
    absent fields become None. Warnings go to ``warn`` (standard error when not given).

    Given a module that updates (``crud: update``), an optional field given as None (JSON
    null) is kept as ``Cleared``: the update sends it as null, to blank the field. Given
    only a schema, or any other module, None is checked like any other value."""
    clearing = isinstance(schema, ModuleSpec) and schema.crud == "update"
    if isinstance(schema, ModuleSpec | RpcSpec):
        schema = schema.input
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    cleared = {
        name: Cleared(name)
        for name, value in given.items()
        if clearing and value is None and name in properties and name not in required
    }
    # An empty text for an optional field is "not given" (its default, if any, applies),
    # so a form left blank neither fails a format check nor blanks the record's value.
    given = {
        name: value
        for name, value in given.items()
        if name not in cleared and not (value == "" and name not in required)
    }
    unknown = sorted(set(given) - set(properties))
    problems = [
        f"parameters.{name}: unknown parameter; expected one of: {', '.join(properties)}"
        for name in unknown
    ]
    values = {
        name: normalise(properties[name], value)
        for name, value in given.items()
        if name in properties
    }
    for name, field in properties.items():
        if name not in values and "default" in field:
            values[name] = field["default"]
    problems.extend(check_value({**schema, "additionalProperties": True}, values, "parameters"))
    if problems:
        raise InputError("; ".join(problems))
    for line in date_order_warnings(schema, values):
        (warn or _to_stderr)(line)
    # Declared-but-absent parameters are None so templates can test them, while a
    # misspelled name stays an error.
    return {name: values.get(name) for name in properties} | values | cleared


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)
