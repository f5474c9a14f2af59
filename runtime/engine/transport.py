"""The only network seam: HTTP values and the transport that sends them.

``RequestsTransport`` wraps one ``requests.Session``: Basic auth, TLS verification, no
redirects (so credentials never follow one to another host), one deadline per attempt
(connect + headers + body) and a decoded-size limit on every answer (runtime/
response_limits.py), and one retry loop, bounded, that never repeats a write whose outcome
is unknown. Tests patch this seam with ``responses`` and nothing else.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode

import requests
import urllib3

from runtime.core.errors import OutcomeUnknownError, TransportError
from runtime.core.json_limits import parse_json
from runtime.definitions.specs import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT_SECONDS,
    BaseSpec,
)
from runtime.engine.response_limits import (
    SUPPORTED_ENCODINGS,
    BadEncoding,
    ResponseTooLarge,
    Watchdog,
    WatchedAdapter,
    read_body,
)

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_RETRY_STATUSES = frozenset({502, 503, 504})
_SECONDS = re.compile(r"[0-9]+")  # ASCII only: "²".isdigit() is True, float("²") fails


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A fully rendered request: nothing left to template."""

    method: str
    url: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None

    def with_query(self, **values: str) -> HttpRequest:
        kept = tuple(pair for pair in self.query if pair[0] not in values)
        return HttpRequest(
            self.method, self.url, kept + tuple(values.items()), self.headers, self.body
        )


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    content: bytes
    url: str = ""

    def json(self) -> Any:
        """The parsed body; None for an empty one. Only ValueError for a body that is not
        JSON or is nested too deeply (TooDeepError), never a RecursionError."""
        if not self.content.strip():
            return None
        return parse_json(self.content, "the answer")


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse: ...


@dataclass(slots=True)
class RetryPolicy:
    max_retries: int = DEFAULT_MAX_RETRIES
    max_wait_seconds: float = DEFAULT_MAX_RETRY_WAIT_SECONDS
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def for_base(cls, base: BaseSpec) -> RetryPolicy:
        """The policy connector.yaml's base declares."""
        return cls(base.max_retries, base.max_retry_wait_seconds)

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None) -> float | None:
        """Seconds to wait before retry ``attempt`` (1-based), or None to give up."""
        if attempt > self.max_retries:
            return None
        wanted = float(2 ** (attempt - 1))
        asked = retry_after_seconds(headers.get("Retry-After")) if headers else None
        if asked is not None:
            wanted = asked
        return wanted if wanted <= self.max_wait_seconds else None


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: ASCII digits, or an HTTP date; None when absent or unusable
    (then the usual backoff applies), never an exception for what a server sent."""
    text = (value or "").strip()
    if _SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True, slots=True)
class _NoAnswer:
    """An attempt that got no usable answer: why, and whether the request may have arrived."""

    reason: str
    sent: bool


class RequestsTransport:
    """Sends HttpRequests with one requests.Session; retries only what is safe to retry."""

    def __init__(
        self,
        auth: tuple[str, str],
        timeout_seconds: float,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._session = session or requests.Session()
        for prefix in ("http://", "https://"):
            self._session.mount(prefix, WatchedAdapter())
        # Only encodings that response_limits inflates in bounded steps (no brotli, zstd).
        self._session.headers["Accept-Encoding"] = SUPPORTED_ENCODINGS
        # requests would read proxy settings from the environment on every request (a third
        # of the time of a fast read); they are read once per URL instead (_proxies_for),
        # and the CA bundle once here. .netrc never applies: auth is always set.
        self._session.trust_env = False
        self._verify: bool | str = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        self._proxies: dict[str, dict[str, str]] = {}
        self._session.auth = auth
        self._timeout_seconds = timeout_seconds
        self._max_response_bytes = max_response_bytes
        self._retry = retry or RetryPolicy()
        self._watchdog = Watchdog()
        # A 429 pauses every thread of a concurrent read, not just the one that got it.
        self._gate = threading.Lock()
        self._resume_at = 0.0

    def close(self) -> None:
        self._watchdog.close()
        self._session.close()

    def send(self, request: HttpRequest) -> HttpResponse:
        """One retry loop, one counter: at most max_retries + 1 attempts, whatever mix of
        retryable statuses and lost connections they meet."""
        attempt = 0
        while True:
            attempt += 1
            self._wait_for_gate()
            outcome = self._attempt(request)
            if isinstance(outcome, HttpResponse):
                status = outcome.status
                retryable = status == 429 or (
                    status in _RETRY_STATUSES and request.method in _IDEMPOTENT
                )
                delay = self._retry.delay(attempt, outcome.headers) if retryable else None
                if delay is None:
                    return outcome
                if status == 429:  # the gate makes every thread wait, this one included
                    with self._gate:
                        self._resume_at = max(self._resume_at, time.monotonic() + delay)
                else:
                    self._retry.sleep(delay)
                continue
            safe = not outcome.sent or request.method in _IDEMPOTENT
            delay = self._retry.delay(attempt) if safe else None
            if delay is None:
                raise _no_answer_error(request, outcome)
            self._retry.sleep(delay)

    def _wait_for_gate(self) -> None:
        with self._gate:
            pause = self._resume_at - time.monotonic()
        if pause > 0:
            self._retry.sleep(pause)

    def _proxies_for(self, url: str) -> dict[str, str]:
        """HTTP(S)_PROXY / NO_PROXY from the environment, looked up once per URL: the pages
        of one list share theirs (the query travels apart)."""
        found = self._proxies.get(url)
        if found is None:
            found = requests.utils.get_environ_proxies(url)
            if len(self._proxies) < 1024:  # bounded: ids in paths make URLs many
                self._proxies[url] = found
        return found

    def _attempt(self, request: HttpRequest) -> HttpResponse | _NoAnswer:
        """One attempt under one deadline: the answer, or why there was none."""
        limit = self._timeout_seconds
        watch = self._watchdog.arm(limit)
        timed_out = _NoAnswer(f"no complete answer within {limit:g} s (timeout_seconds)", True)
        try:
            response = self._session.request(
                request.method,
                request.url,
                # Encoded here: requests checks a list of pairs against two runtime
                # Protocols per request, which a string skips (same URL either way).
                params=urlencode(request.query),
                headers=dict(request.headers),
                json=request.body if request.body is not None else None,
                timeout=(min(10.0, limit), limit),
                allow_redirects=False,
                verify=self._verify,
                proxies=self._proxies_for(request.url) or None,  # None: no merging
                stream=True,  # the body is read by read_body, bounded
            )
        except requests.exceptions.RequestException as error:
            fired = self._watchdog.disarm(watch)
            return timed_out if fired else _classify(request, error)
        try:
            content = read_body(response, self._max_response_bytes, watch.deadline)
        except ResponseTooLarge:
            self._watchdog.disarm(watch)
            response.close()
            raise TransportError(
                f"{request.method} {request.url}: the answer (HTTP {response.status_code}) is "
                f"larger than max_response_bytes ({self._max_response_bytes} bytes); it was "
                "not read further (raise the limit in connector.yaml base if it is expected)"
            ) from None
        except BadEncoding as error:
            self._watchdog.disarm(watch)
            response.close()
            raise TransportError(f"{request.method} {request.url}: {error}") from None
        except (TimeoutError, urllib3.exceptions.HTTPError, OSError) as error:
            fired = self._watchdog.disarm(watch)
            response.close()
            if fired or isinstance(error, (TimeoutError, urllib3.exceptions.TimeoutError)):
                return timed_out
            return _NoAnswer("the connection was closed without a complete answer", True)
        if self._watchdog.disarm(watch):  # cut off at the deadline: the body may be partial
            response.close()
            return timed_out
        response.raw.release_conn()  # fully read: the connection may serve the next request
        return HttpResponse(response.status_code, response.headers, content, request.url)


def _classify(request: HttpRequest, error: requests.exceptions.RequestException) -> _NoAnswer:
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return _NoAnswer("could not connect in time", sent=False)
    if isinstance(error, requests.exceptions.ConnectionError):
        return _NoAnswer(_reason(error), sent=not _refused_before_sending(error))
    if isinstance(error, requests.exceptions.ChunkedEncodingError):
        return _NoAnswer("the connection was closed without a complete answer", sent=True)
    if isinstance(error, requests.exceptions.Timeout):
        return _NoAnswer("no answer in time", sent=True)
    raise TransportError(f"{request.method} {request.url}: {type(error).__name__}") from None


def _no_answer_error(request: HttpRequest, outcome: _NoAnswer) -> TransportError:
    where = f"{request.method} {request.url}"
    if outcome.sent and request.method not in _IDEMPOTENT:
        return OutcomeUnknownError(
            f"{where}: {outcome.reason} after the request was sent; it may or may not have "
            "been applied, so it was not retried: check in Clientary before running it again"
        )
    return TransportError(f"{where}: {outcome.reason}")


def _refused_before_sending(error: requests.exceptions.ConnectionError) -> bool:
    text = repr(error)
    return (
        any(
            marker in text
            for marker in (
                "NewConnectionError",
                "Connection refused",
                "NameResolutionError",
                "Max retries",
            )
        )
        and "RemoteDisconnected" not in text
        and "ProtocolError" not in text
    )


def _reason(error: requests.exceptions.ConnectionError) -> str:
    text = repr(error)
    if "Connection refused" in text:
        return "connection refused"
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "the host name does not resolve (check the domain)"
    if "RemoteDisconnected" in text or "ProtocolError" in text or "IncompleteRead" in text:
        return "the connection was closed without a complete answer"
    return "connection failed"
