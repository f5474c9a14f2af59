"""The one spelling of JSON-shaped data in type hints.

Parsed YAML definitions, API answers and bundles are checked where they enter (the schema
pass, value_check, mapping), not by the type checker: their values stay ``Any``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

JsonValue: TypeAlias = Any  # null, bool, number, text, list or object, checked at run time
JsonObject: TypeAlias = dict[str, JsonValue]
