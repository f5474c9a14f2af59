"""The runtime's Python API reading search_clients: no CLI, no per-record output."""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from runtime.definitions.loader import load_for_run
from runtime.definitions.specs import ModuleSpec
from runtime.engine.connection import open_connection
from runtime.engine.execution import RunContext, run_module
from runtime.engine.inputs import prepare_parameters
from runtime.engine.transport import RequestsTransport, RetryPolicy

ROOT = Path(__file__).resolve().parent.parent  # the repository: connector.yaml lives there


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base_url", help="scheme, host and port, e.g. http://127.0.0.1:8080")
    parser.add_argument("--limit", type=int, default=30_000)
    options = parser.parse_args()
    connector, module = load_for_run(ROOT, "search_clients")
    assert isinstance(module, ModuleSpec)
    connection = open_connection(
        connector.connections["clientary"],
        connector.base,
        {"api_token": "bench-token"},
        base_url=options.base_url,
    )
    started = time.perf_counter()
    transport = RequestsTransport(
        (connection.username, connection.password),
        connector.base.timeout_seconds,
        RetryPolicy.for_base(connector.base),
        max_response_bytes=connector.base.max_response_bytes,
    )
    context = RunContext(connector, connection, transport)
    parameters = prepare_parameters(module.input, {"limit": options.limit})
    count = sum(1 for _ in run_module(module, parameters, context))
    transport.close()
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": count, "read_seconds": elapsed, "maxrss_kib": rss}))


if __name__ == "__main__":
    main()
