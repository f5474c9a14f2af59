"""The only network seam: HTTP values and the transport that sends them.

``RequestsTransport`` wraps one ``requests.Session``: Basic auth, a timeout on
every request, TLS verification, no redirects (so credentials never follow one
to another host), and bounded retries that never repeat a write whose outcome
is unknown. Tests patch this seam with ``responses`` and nothing else.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import requests

from runtime.errors import OutcomeUnknownError, TransportError

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_RETRY_STATUSES = frozenset({502, 503, 504})


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
        """The parsed body; None for an empty one."""
        if not self.content.strip():
            return None
        return json.loads(self.content)


class Transport(Protocol):
    def send(self, request: HttpRequest) -> HttpResponse: ...


@dataclass(slots=True)
class RetryPolicy:
    max_retries: int = 2
    max_wait_seconds: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, response: requests.Response | None) -> float | None:
        """Seconds to wait before retry ``attempt`` (1-based), or None to give up."""
        if attempt > self.max_retries:
            return None
        wanted = float(2 ** (attempt - 1))
        if response is not None and response.headers.get("Retry-After", "").strip().isdigit():
            wanted = float(response.headers["Retry-After"])
        return wanted if wanted <= self.max_wait_seconds else None


class RequestsTransport:
    """Sends HttpRequests with one requests.Session; retries only what is safe to retry."""

    def __init__(
        self,
        auth: tuple[str, str],
        timeout_seconds: float,
        retry: RetryPolicy | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self._session = session or requests.Session()
        # requests would read proxy settings from the environment on every request (a third
        # of the time of a fast read); they are read once per URL instead (_proxies_for),
        # and the CA bundle once here. .netrc never applies: auth is always set.
        self._session.trust_env = False
        self._verify: bool | str = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        self._proxies: dict[str, dict[str, str]] = {}
        self._session.auth = auth
        self._timeout = (min(10.0, timeout_seconds), timeout_seconds)
        self._retry = retry or RetryPolicy()
        # A 429 pauses every thread of a concurrent read, not just the one that got it.
        self._gate = threading.Lock()
        self._resume_at = 0.0

    def close(self) -> None:
        self._session.close()

    def send(self, request: HttpRequest) -> HttpResponse:
        attempt = 0
        while True:
            attempt += 1
            response = self._send_once(request, attempt)
            retryable = response.status_code == 429 or (
                response.status_code in _RETRY_STATUSES and request.method in _IDEMPOTENT
            )
            delay = self._retry.delay(attempt, response) if retryable else None
            if delay is None:
                return HttpResponse(
                    response.status_code, response.headers, response.content, request.url
                )
            response.close()
            if response.status_code == 429:  # the gate makes every thread wait, this one included
                with self._gate:
                    self._resume_at = max(self._resume_at, time.monotonic() + delay)
            else:
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

    def _send_once(self, request: HttpRequest, attempt: int) -> requests.Response:
        self._wait_for_gate()
        try:
            return self._session.request(
                request.method,
                request.url,
                # Encoded here: requests checks a list of pairs against two runtime
                # Protocols per request, which a string skips (same URL either way).
                params=urlencode(request.query),
                headers=dict(request.headers),
                json=request.body if request.body is not None else None,
                timeout=self._timeout,
                allow_redirects=False,
                verify=self._verify,
                proxies=self._proxies_for(request.url) or None,  # None: no merging
            )
        except requests.exceptions.ConnectTimeout:
            return self._retry_or_raise(request, attempt, "could not connect in time", sent=False)
        except requests.exceptions.ConnectionError as error:
            sent = not _refused_before_sending(error)
            return self._retry_or_raise(request, attempt, _reason(error), sent=sent)
        except requests.exceptions.ChunkedEncodingError:
            reason = "the connection was closed without a complete answer"
            return self._retry_or_raise(request, attempt, reason, sent=True)
        except requests.exceptions.Timeout:
            return self._retry_or_raise(request, attempt, "no answer in time", sent=True)
        except requests.exceptions.RequestException as error:
            raise TransportError(
                f"{request.method} {request.url}: {type(error).__name__}"
            ) from None

    def _retry_or_raise(
        self, request: HttpRequest, attempt: int, reason: str, *, sent: bool
    ) -> requests.Response:
        safe = not sent or request.method in _IDEMPOTENT
        delay = self._retry.delay(attempt, None) if safe else None
        if delay is None:
            where = f"{request.method} {request.url}"
            if sent and request.method not in _IDEMPOTENT:
                raise OutcomeUnknownError(
                    f"{where}: {reason} after the request was sent; it may or may not have "
                    "been applied, so it was not retried: check in Clientary before running "
                    "it again"
                )
            raise TransportError(f"{where}: {reason}")
        self._retry.sleep(delay)
        return self._send_once(request, attempt + 1)


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
