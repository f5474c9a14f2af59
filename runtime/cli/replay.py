"""Offline replay of recordings (``connector replay DIR...``): the recording is the server.

Each recording's module (or rpc, or the connection's verify request) runs again from the
definitions as they are now, with the recorded parameters, against a ``ReplayTransport``
that answers from the recorded exchanges and opens no socket at all. A replay fails, naming
the module and the first difference, when a request the module sends now is not one that
was recorded (method, path, query, body), when a recorded request is no longer sent, or when
the bundles it produces differ from the recorded ones.

A request is matched by its content, not its position: a read fetches pages ahead on
several threads, so their order is not fixed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from requests.structures import CaseInsensitiveDict

from runtime.core.errors import ConnectorError
from runtime.definitions.loader import load_connections, load_for_run, load_rpc
from runtime.definitions.specs import ConnectorSpec, ModuleSpec
from runtime.engine.connection import open_connection
from runtime.engine.execution import RunContext, run_module, run_rpc
from runtime.engine.inputs import prepare_parameters
from runtime.engine.recording import PLACEHOLDER_DOMAIN, load_recording, recording_files
from runtime.engine.rendering import render_request
from runtime.engine.transport import HttpRequest, HttpResponse

REPLAY_TOKEN = "replay-token"  # what the replayed connection sends: nobody checks it


class ReplayMismatch(ConnectorError):
    """The module sent a request the recording does not hold."""

    make_type = "RuntimeError"
    exit_code = 1


def show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_difference(recorded: Any, now: Any, path: str) -> str | None:
    """Where ``now`` first differs from ``recorded``, as ``path: recorded X; now Y``."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        for key in sorted(set(recorded) | set(now), key=str):
            where = f"{path}.{key}"
            if key not in now:
                return f"{where}: recorded {show(recorded[key])}; now absent"
            if key not in recorded:
                return f"{where}: not recorded; now {show(now[key])}"
            found = first_difference(recorded[key], now[key], where)
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(now, list):
        for index, (old, new) in enumerate(zip(recorded, now, strict=False)):
            found = first_difference(old, new, f"{path}[{index}]")
            if found:
                return found
        if len(recorded) != len(now):
            return f"{path}: recorded {len(recorded)} item(s); now {len(now)}"
        return None
    if type(recorded) is not type(now) or recorded != now:
        return f"{path}: recorded {show(recorded)}; now {show(now)}"
    return None


def _request_key(
    method: str, path: str, query: Iterable[Iterable[str]], body: Any
) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "query": sorted([str(key), str(value)] for key, value in query),
        "body": body,
    }


def _shown(key: Mapping[str, Any]) -> str:
    query = "&".join(f"{name}={value}" for name, value in key["query"])
    return f"{key['method']} {key['path']}" + (f"?{query}" if query else "")


class ReplayTransport:
    """Answers each request with the recorded answer to the same request; no network."""

    def __init__(self, exchanges: Sequence[Mapping[str, Any]], base_url: str) -> None:
        self._base_url = base_url
        self._lock = threading.Lock()
        self._recorded = [
            (
                _request_key(
                    ex["request"]["method"],
                    ex["request"]["path"],
                    ex["request"].get("query", []),
                    ex["request"].get("body"),
                ),
                ex["response"],
            )
            for ex in exchanges
        ]
        self._unused = list(range(len(self._recorded)))

    def send(self, request: HttpRequest) -> HttpResponse:
        url = request.url
        path = url[len(self._base_url) :] if url.startswith(self._base_url) else url
        key = _request_key(request.method, path, request.query, request.body)
        with self._lock:
            for index in self._unused:
                if self._recorded[index][0] == key:
                    self._unused.remove(index)
                    return _response(self._recorded[index][1], url)
            closest = self._closest(key)
        if closest is None:
            raise ReplayMismatch(f"request {_shown(key)}: not in the recording")
        difference = first_difference(closest, key, "request")
        raise ReplayMismatch(f"request {_shown(key)}: {difference}")

    def _closest(self, key: Mapping[str, Any]) -> Mapping[str, Any] | None:
        candidates = [self._recorded[index][0] for index in self._unused]
        for same in (("method", "path"), ("method",), ()):
            for candidate in candidates:
                if all(candidate[name] == key[name] for name in same):
                    return candidate
        return None

    def leftover(self) -> list[str]:
        """The recorded requests no one sent this time."""
        with self._lock:
            return [_shown(self._recorded[index][0]) for index in self._unused]


def _response(recorded: Mapping[str, Any], url: str) -> HttpResponse:
    if "json" in recorded:
        content = json.dumps(recorded["json"]).encode() if recorded["json"] is not None else b""
    else:
        content = str(recorded.get("text", "")).encode()
    headers = CaseInsensitiveDict(recorded.get("headers", {}))  # as requests gives them
    return HttpResponse(int(recorded["status"]), headers, content, url)


def replay_recording(root: Path, data: Mapping[str, Any]) -> str | None:
    """The first difference between the recording and what the definitions do now, or None."""
    kind, name = data["kind"], data["id"]
    spec: Any
    if kind == "module":
        connector, spec = load_for_run(root, name)
        connection_id = spec.connection
    elif kind == "rpc":
        connector, spec = load_rpc(root, name)
        connection_id = spec.connection
    elif kind == "verify":
        connector = load_connections(root)
        spec = connector.connections[name]
        connection_id = name
    else:
        return f"kind: expected module, rpc or verify; got {show(kind)}"
    connection = open_connection(
        connector.connections[connection_id],
        connector.base,
        {"domain": PLACEHOLDER_DOMAIN, "api_token": REPLAY_TOKEN},
        note=lambda _: None,
    )
    transport = ReplayTransport(data["exchanges"], connection.base_url)
    context = RunContext(connector, connection, transport)
    try:
        if kind == "verify":
            context.send(render_request(spec.verify, {}, connection, connector.base))
            bundles: list[Any] = []
        else:
            parameters = prepare_parameters(spec, dict(data.get("parameters", {})))
            if kind == "rpc":
                bundles = list(run_rpc(spec, parameters, context))
            elif spec.trigger is not None:
                bundles = _poll(connector, spec, parameters, context, data)
            else:
                bundles = list(run_module(spec, parameters, context))
    except ReplayMismatch as error:
        return error.message
    except ConnectorError as error:
        return f"the run now fails: {error.message}"
    left = transport.leftover()
    if left:
        return f"request {left[0]}: recorded, not sent now ({len(left)} such)"
    return first_difference(data["bundles"], bundles, "bundles")


def _poll(
    connector: ConnectorSpec,
    module: ModuleSpec,
    parameters: Mapping[str, Any],
    context: RunContext,
    data: Mapping[str, Any],
) -> list[Any]:
    from runtime.cli.poll_command import parse_start
    from runtime.engine.polling import poll
    from runtime.engine.state import TriggerState

    trigger = data.get("trigger") or {}
    state = dict(trigger.get("state") or {})
    previous = TriggerState(
        module=module.id,
        target=context.connection.target,
        identity=str(state.get("identity", "")),
        floor=state.get("floor"),
        seen=tuple(tuple(pair) for pair in state.get("seen", [])),
        runs=int(state.get("runs", 0)),
        emitted=int(state.get("emitted", 0)),
    )
    start = parse_start(trigger["start"]) if trigger.get("start") else None
    result = poll(module, parameters, context, previous, limit=trigger.get("limit"), start=start)
    return list(result.bundles)


def replay_files(root: Path, paths: Iterable[str], stream: TextIO) -> int:
    """``connector replay``: one line per recording; exit 1 when any differs."""
    files = recording_files(paths)
    if not files:
        raise ReplayMismatch(f"replay {' '.join(paths)}: no recordings (*.json) found")
    failed = 0
    for path in files:
        data = load_recording(path)
        try:
            difference = replay_recording(root, data)
        except ConnectorError as error:  # e.g. the module is gone: this file fails, not all
            difference = f"cannot replay: {error.message}"
        if difference is None:
            requests, bundles = len(data["exchanges"]), len(data["bundles"])
            print(
                f"ok: {data['id']} ({path}): {requests} request(s), {bundles} bundle(s)",
                file=stream,
            )
        else:
            failed += 1
            print(f"FAIL: {data['id']} ({path}): {difference}", file=stream)
    if failed:
        raise ReplayMismatch(f"replay: {failed} of {len(files)} recording(s) differ")
    return 0
