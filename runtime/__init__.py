"""The Clientary connector runtime: load -> validate -> render -> send -> map -> state.

The public Python API is small; the CLI (``connector``) is built on it:

    from runtime import load_for_run, open_connection, RequestsTransport, RunContext, run_module

``default_root()`` is where the definitions shipped with the runtime are, from any working
directory: the checkout's top level, or the copy an installed wheel carries.

Names are imported on first use, so ``connector --help`` does not pay for
jinja2, jsonschema and requests.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Connection": "runtime.connection",
    "open_connection": "runtime.connection",
    "ConnectorError": "runtime.errors",
    "DefinitionError": "runtime.errors",
    "InputError": "runtime.errors",
    "RunContext": "runtime.execution",
    "run_module": "runtime.execution",
    "run_module_pages": "runtime.execution",
    "run_rpc": "runtime.execution",
    "prepare_parameters": "runtime.inputs",
    "default_root": "runtime.loader",
    "load_connector": "runtime.loader",
    "load_for_run": "runtime.loader",
    "HttpRequest": "runtime.transport",
    "HttpResponse": "runtime.transport",
    "RequestsTransport": "runtime.transport",
    "poll": "runtime.polling",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
