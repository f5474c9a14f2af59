"""The Clientary connector runtime: load -> validate -> render -> send -> map -> state.

The public Python API is small; the CLI (``connector``) is built on it:

    from runtime import load_for_run, open_connection, RequestsTransport, RunContext, run_module

``default_root()`` is where the definitions shipped with the runtime are, from any working
directory: the checkout's top level, or the copy an installed wheel carries.

Names are imported on first use, so ``connector --help`` does not pay for
jinja2, jsonschema and requests.

The package is in layers, each a subpackage that imports only the ones before it:
``core`` (errors, JSON types and limits, redaction), ``templates`` (the Jinja2 subset),
``definitions`` (reading, expanding and checking the YAML, the specs), ``engine`` (running a
module: connection, render, send, map, page, poll, state), ``export`` (the Make app) and
``cli`` (the command line). Templates sit below definitions although the pipeline reads the
definitions first: validate's template checks need the template engine, which knows nothing
of definition files. tests/test_layers.py holds every import to that order.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Connection": "runtime.engine.connection",
    "open_connection": "runtime.engine.connection",
    "ConnectorError": "runtime.core.errors",
    "DefinitionError": "runtime.core.errors",
    "InputError": "runtime.core.errors",
    "RunContext": "runtime.engine.execution",
    "run_module": "runtime.engine.execution",
    "run_module_pages": "runtime.engine.execution",
    "run_rpc": "runtime.engine.execution",
    "prepare_parameters": "runtime.engine.inputs",
    "default_root": "runtime.definitions.loader",
    "load_connector": "runtime.definitions.loader",
    "load_for_run": "runtime.definitions.loader",
    "HttpRequest": "runtime.engine.transport",
    "HttpResponse": "runtime.engine.transport",
    "RequestsTransport": "runtime.engine.transport",
    "poll": "runtime.engine.polling",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
