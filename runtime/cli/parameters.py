"""``--param NAME=VALUE`` and ``--params JSON|@FILE|@-``: a module's parameters, checked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runtime.core.errors import InputError
from runtime.definitions.specs import ModuleSpec, RpcSpec
from runtime.engine.inputs import coerce_text, prepare_parameters


def read_parameters(spec: ModuleSpec | RpcSpec, options: argparse.Namespace) -> dict[str, Any]:
    """What the options give, converted by the input schema, checked, defaults added."""
    given: dict[str, Any] = {}
    if options.params:
        given.update(_json_parameters(options.params))
    properties = spec.input.get("properties", {})
    for pair in options.param:
        name, sep, text = pair.partition("=")
        if not sep:
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        given[name] = coerce_text(name, text, properties.get(name, {}))
    return prepare_parameters(spec, given)


def _json_parameters(text: str) -> dict[str, Any]:
    """``--params``: a JSON object given inline, or ``@FILE`` (JSON or YAML), ``@-`` for stdin."""
    from runtime.core.json_limits import load_yaml, parse_json

    if not text.startswith("@"):
        return _parameter_object("--params", lambda: parse_json(text, "--params"))
    name = text[1:]
    where = f"--params {text}"
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"{where}: cannot read it: {error.strerror}") from None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{where}: expected UTF-8 text; got a byte that is not at offset {error.start}"
        ) from None
    if not source.strip():
        raise InputError(f"{where}: is empty; expected a JSON or YAML object of parameters")
    if source.lstrip().startswith("{"):  # JSON: its errors name line and column
        return _parameter_object(where, lambda: parse_json(source, where))
    return _parameter_object(where, lambda: load_yaml(source, where))


def _parameter_object(where: str, parse: Callable[[], Any]) -> dict[str, Any]:
    import yaml

    try:
        value = parse()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise InputError(f"{where}: expected a JSON or YAML object; got invalid YAML{at}") from None
    except ValueError as error:  # the message names the place already
        raise InputError(str(error)) from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected an object of parameters; got {type(value).__name__}")
    return value
