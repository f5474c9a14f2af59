"""Recordings (``run/rpc/verify --record DIR``): the fixture format, the recorder and its writer.

One run is one readable JSON file, ``DIR/<id>.json`` (``<id>-2.json`` and on when taken),
keys sorted, two-space indented, no timestamp but the day it was recorded on::

    {"format": "clientary-recording/1", "kind": "module" | "rpc" | "verify", "id": ...,
     "recorded_on": "YYYY-MM-DD", "parameters": {...}, "trigger": {...} (triggers only),
     "exchanges": [{"request": {"method", "path" (relative to the API root), "query": [[k, v]],
                                "body"},
                    "response": {"status", "headers" (allow-listed), "json" | "text"}}],
     "bundles": [...]}

Nothing secret reaches the disk. Before writing, personal data is replaced by stable fakes
(runtime/engine/fakes.py; ``--keep-personal-data`` keeps it), every spelling of every secret the run
knows is masked (the run's Redactor: token, ``token:token``, base64, prefixes), and the
account's base URL, host and domain label become ``example``. Then the writer scans the very
text it is about to write and refuses, with one error and no file, if a secret or the domain
is still in it: a masking bug cannot become a leak.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.core.errors import ConnectorError
from runtime.core.redaction import Redactor
from runtime.engine.fakes import Faker
from runtime.engine.transport import HttpRequest, HttpResponse, Transport

FORMAT = "clientary-recording/1"
PLACEHOLDER_DOMAIN = "example"
PLACEHOLDER_ORIGIN = f"https://{PLACEHOLDER_DOMAIN}.clientary.com"
# What a replay or a drift report can use; everything else (cookies, server names, rate
# counters that change on every call) is left out.
KEPT_HEADERS = frozenset({"content-type", "link", "location", "retry-after", "x-total-count"})


class RecordingError(ConnectorError):
    """A recording that cannot be written safely, or cannot be read."""

    make_type = "RuntimeError"
    exit_code = 1


@dataclass
class Exchange:
    request: HttpRequest
    response: HttpResponse


@dataclass(frozen=True, slots=True)
class Account:
    """What identifies the account in text: replaced by placeholders, then scanned for."""

    base_url: str  # e.g. https://acme.clientary.com/api/v2 or http://127.0.0.1:8080/api/v2
    domain: str  # the label, e.g. acme

    @property
    def origin(self) -> str:
        scheme, _, rest = self.base_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    def _label(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![A-Za-z0-9]){re.escape(self.domain)}(?![A-Za-z0-9])", re.I)

    def scrub(self, text: str) -> str:
        placeholder_base = PLACEHOLDER_ORIGIN + self.base_url[len(self.origin) :]
        text = text.replace(self.base_url, placeholder_base).replace(
            self.origin, PLACEHOLDER_ORIGIN
        )
        return self._label().sub(PLACEHOLDER_DOMAIN, text) if self.domain else text

    def found_in(self, text: str) -> str | None:
        if self.origin in text:
            return "the account's base URL"
        if self.domain and self._label().search(text):
            return "the account's domain"
        return None


class RecordingTransport:
    """Wraps a transport and keeps every exchange, in the order the requests were sent."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self._lock = threading.Lock()  # a read fetches pages ahead on several threads
        self._slots: list[Exchange | None] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        with self._lock:
            slot = len(self._slots)
            self._slots.append(None)
        response = self._inner.send(request)
        with self._lock:
            self._slots[slot] = Exchange(request, response)
        return response

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return [exchange for exchange in self._slots if exchange is not None]


@dataclass
class Recorder:
    """One run being recorded: what the module was given, what went over the wire, what came out."""

    directory: Path
    kind: str  # module | rpc | verify
    id: str
    account: Account
    redactor: Redactor
    parameters: Mapping[str, Any] = field(default_factory=dict)
    keep_personal_data: bool = False
    trigger: dict[str, Any] | None = None
    bundles: list[Any] = field(default_factory=list)
    transport: RecordingTransport | None = None
    # "Make an API Call" returns the answer's headers in its bundle: only the kept ones are
    # recorded there too, or the bundle would hold what the allow-list leaves out.
    headers_in_bundles: bool = False

    def wrap(self, inner: Transport) -> RecordingTransport:
        self.transport = RecordingTransport(inner)
        return self.transport

    def pages(self, pages: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The same pages, their bundles kept on the way through."""
        for bundles in pages:
            self.bundles.extend(bundles)
            yield bundles

    def items(self, bundles: Iterable[Any]) -> Iterator[Any]:
        """The same bundles, one at a time (an rpc's options), kept on the way through."""
        for bundle in bundles:
            self.bundles.append(bundle)
            yield bundle

    def note_trigger(self, state: Mapping[str, Any], start: str | None, limit: int | None) -> None:
        """A trigger's first-run choice, limit and the state it started from (without the
        account and the times), so that a replay polls from the same place."""
        kept = {k: v for k, v in state.items() if k not in ("target", "started_at", "last_poll_at")}
        self.trigger = {"start": start, "limit": limit, "state": kept}

    def document(self, today: dt.date | None = None) -> dict[str, Any]:
        """The recording as data, personal values faked (unless kept); secrets not yet masked."""
        exchanges = self.transport.exchanges if self.transport is not None else []
        data: dict[str, Any] = {
            "format": FORMAT,
            "kind": self.kind,
            "id": self.id,
            "recorded_on": (today or dt.date.today()).isoformat(),
            # as prepared (defaults filled in), without the unset ones a replay adds again
            "parameters": {k: v for k, v in self.parameters.items() if v is not None},
            "exchanges": [self._exchange(exchange) for exchange in exchanges],
            "bundles": [self._bundle(bundle) for bundle in self.bundles],
        }
        if self.trigger is not None:
            data["trigger"] = self.trigger
        if self.keep_personal_data:
            return data
        faker = Faker()
        for key in ("parameters", "exchanges", "bundles"):
            data[key] = faker.value(data[key])
        return {key: faker.replace_known(value) for key, value in data.items()}

    def _bundle(self, bundle: Any) -> Any:
        headers = bundle.get("headers") if isinstance(bundle, dict) else None
        if self.headers_in_bundles and isinstance(headers, Mapping):
            return {**bundle, "headers": kept_headers(headers)}
        return bundle

    def _exchange(self, exchange: Exchange) -> dict[str, Any]:
        request, response = exchange.request, exchange.response
        base = self.account.base_url
        path = request.url[len(base) :] if request.url.startswith(base) else request.url
        answer: dict[str, Any] = {
            "status": response.status,
            "headers": kept_headers(response.headers),
        }
        try:
            answer["json"] = response.json()
        except ValueError:
            answer["text"] = response.content.decode("utf-8", "replace")
        return {
            "request": {
                "method": request.method,
                "path": path,
                "query": [list(pair) for pair in request.query],
                "body": request.body,
            },
            "response": answer,
        }

    def save(self) -> Path:
        """Writes the recording (masked, scanned); returns its path."""
        text = json.dumps(self.document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        text = self.account.scrub(self.redactor.text(text))
        return write_scanned(_free_name(self.directory, self.id), text, self.redactor, self.account)


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The allow-listed headers, named as the server sent them."""
    return {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}


def write_scanned(path: Path, text: str, redactor: Redactor, account: Account) -> Path:
    """Writes ``text`` to ``path`` atomically, unless it still holds a secret or the account:
    then nothing is written and the error says what was found (never the text itself)."""
    found = "a secret of the connection" if redactor.text(text) != text else None
    found = found or account.found_in(text)
    if found is not None:
        raise RecordingError(
            f"--record {path.parent}: {path.name} would hold {found}; nothing was written "
            "(this is a bug in the masking: please report it)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".recording-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise RecordingError(
            f"--record {path.parent}: cannot write {path.name}: {error.strerror}"
        ) from None
    return path


def _free_name(directory: Path, name: str) -> Path:
    path = directory / f"{name}.json"
    number = 2
    while path.exists():
        path = directory / f"{name}-{number}.json"
        number += 1
    return path


def load_recording(path: Path) -> dict[str, Any]:
    """A recording file, checked enough that replay and drift can trust its shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid JSON"
        raise RecordingError(f"{path}: cannot read it as a recording: {reason}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise RecordingError(f"{path}: expected a recording (format {FORMAT!r}); got {got!r}")
    for key, kind in (("id", str), ("kind", str), ("exchanges", list), ("bundles", list)):
        if not isinstance(data.get(key), kind):
            raise RecordingError(
                f"{path}: {key}: expected {kind.__name__}; got {type(data.get(key)).__name__}"
            )
    return data


def recording_files(paths: Iterable[str | Path]) -> list[Path]:
    """The recordings named: files as given, folders searched for ``*.json`` (sorted)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.json")))
        elif path.is_file():
            found.append(path)
        else:
            raise RecordingError(f"{path}: no such file or folder of recordings")
    return found
