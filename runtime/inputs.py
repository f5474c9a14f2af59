"""User parameters: coerced from command-line text by the input schema, checked, defaulted.

Every problem is reported at once, as ``parameters.<name>: expected ...; got ...``,
before any request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.errors import InputError
from runtime.json_limits import TooDeepError, parse_json
from runtime.value_check import check_value

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def coerce_text(name: str, text: str, schema: Mapping[str, Any]) -> Any:
    """Turn ``--param name=text`` into the type the input schema declares."""
    types = schema.get("type", "string")
    types = types if isinstance(types, list) else [types]
    if text == "" and "null" in types:
        return None
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
            if kind == "string":
                return text
        except TooDeepError as error:  # the text was JSON: say why it cannot be used
            raise InputError(str(error)) from None
        except ValueError:
            continue
    return text  # left as text: validation names the expected type


def prepare_parameters(schema: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``given`` against the input schema; add schema defaults; absent fields become None."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    unknown = sorted(set(given) - set(properties))
    problems = [
        f"parameters.{name}: unknown parameter; expected one of: {', '.join(properties)}"
        for name in unknown
    ]
    values = {name: value for name, value in given.items() if name in properties}
    for name, field in properties.items():
        if name not in values and "default" in field:
            values[name] = field["default"]
    problems.extend(check_value({**schema, "additionalProperties": True}, values, "parameters"))
    if problems:
        raise InputError("; ".join(problems))
    # Declared-but-absent parameters are None so templates can test them, while a
    # misspelled name stays an error.
    return {name: values.get(name) for name in properties} | values
