"""The whole-suite canary: every test runs with CANARY_TOKEN, and nothing the tests saw may hold it.

Registered by tests/conftest.py. It scans, in every form the token can take (see ``forms``):

- what pytest captured of every test (stdout, stderr, log records), phase by phase;
- what tests read through ``capsys``/``capfd`` (the ``cli`` fixture reads everything that way,
  so pytest's report would never see it);
- text a test hands over with ``record(text, where)``: output of subprocesses it ran;
- at the end of the session, every file under pytest's temporary base folder, and every file
  written during the session under the repository's ``.connector-state/`` and ``build/``,
  except the input files a test names with ``allow(path)`` (a connection file, say).

A hit makes the session fail (exit 1) with one line per hit naming the test or file and the
form found, never the text itself. The forms are worked out here, independently of
runtime/core/redaction.py, so a mistake there cannot hide itself.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

# A '?' and a '~' where base64 turns them into '/' and '+': the standard and URL-safe
# alphabets then differ, and the URL-encoded form differs from the token.
CANARY_TOKEN = "canaryTOKEN~12345?789abcd"
MIN_PREFIX = 8  # base64 of the pair: the first ~20 characters already decode to the token
REPO = Path(__file__).resolve().parent.parent
MAX_FILE_BYTES = 64 * 1024 * 1024


def forms(token: str) -> dict[str, str]:
    """Every spelling of ``token`` that must never be output: name -> text."""
    pair = f"{token}:{token}"
    found: dict[str, str] = {}
    for name, text in (("the token", token), ("the token:token pair", pair)):
        found[name] = text
        found[f"{name}, JSON-escaped"] = json.dumps(text)[1:-1]
        found[f"{name}, JSON-escaped (ASCII)"] = json.dumps(text, ensure_ascii=True)[1:-1]
        found[f"{name}, URL-encoded"] = quote(text, safe="")
        found[f"{name}, form-encoded"] = quote_plus(text, safe="")
        raw = text.encode("utf-8")
        found[f"base64 of {name}"] = base64.b64encode(raw).decode()
        found[f"URL-safe base64 of {name}"] = base64.urlsafe_b64encode(raw).decode()
    unique: dict[str, str] = {}
    for name, text in found.items():  # one name per spelling: the first, plainest one
        if text not in unique.values():
            unique[name] = text
    return unique


def find_leaks(text: str, token: str = CANARY_TOKEN, min_prefix: int = MIN_PREFIX) -> list[str]:
    """Names of the forms of ``token`` in ``text``: whole, or a prefix of ``min_prefix`` or more."""
    spelled = forms(token)
    hits = [name for name, form in spelled.items() if form in text]
    prefixes = {spelled[name][:min_prefix] for name in hits}  # already named as a whole
    for name, form in spelled.items():
        head = form[:min_prefix]
        if len(form) > min_prefix and head not in prefixes:
            prefixes.add(head)  # the pair starts like the token: one hit, not two
            if head in text:
                hits.append(f"a {min_prefix}+ character prefix of {name}")
    return hits


class Canary:
    """The pytest plugin: collects hits while the tests run, reports and fails at the end."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.current = "(outside any test)"
        self.folders: list[Path] = []
        self.inputs: set[Path] = set()  # files holding the token on purpose (see ``allow``)
        self.started = time.time()
        self._saved_env: str | None = None
        self._original_readouterr: Callable[..., Any] | None = None

    def check(self, text: str | bytes, where: str) -> None:
        if isinstance(text, bytes):
            text = text.decode("latin-1")  # every form is ASCII: any byte decoding finds it
        self.hits.extend(f"{where}: holds {name}" for name in find_leaks(text))

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        self._saved_env = os.environ.get("CLIENTARY_API_TOKEN")
        os.environ["CLIENTARY_API_TOKEN"] = CANARY_TOKEN  # subprocesses inherit it too
        self._wrap_readouterr()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self._saved_env is None:
            os.environ.pop("CLIENTARY_API_TOKEN", None)
        else:
            os.environ["CLIENTARY_API_TOKEN"] = self._saved_env
        if self._original_readouterr is not None:
            setattr(pytest.CaptureFixture, "readouterr", self._original_readouterr)  # noqa: B010

    def _wrap_readouterr(self) -> None:
        original = pytest.CaptureFixture.readouterr
        self._original_readouterr = original
        canary = self

        def readouterr(fixture: pytest.CaptureFixture[str]) -> Any:
            result = original(fixture)
            canary.check(str(result.out), f"{canary.current} [read stdout]")
            canary.check(str(result.err), f"{canary.current} [read stderr]")
            return result

        # Patched on the class: every capsys/capfd read of every test goes through the canary.
        setattr(pytest.CaptureFixture, "readouterr", readouterr)  # noqa: B010

    def pytest_runtest_logstart(self, nodeid: str, location: object) -> None:
        self.current = nodeid

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # A report carries the captures of the phases before it too: check this phase's only.
        for title, text in report.sections:
            if title.startswith("Captured ") and title.endswith(f" {report.when}"):
                self.check(text, f"{report.nodeid} [{title.removeprefix('Captured ')}]")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.scan_files()
        if self.hits:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def scan_files(self) -> None:
        for path in self._written_files():
            if path.resolve() in self.inputs:
                continue
            try:
                with path.open("rb") as file:
                    self.check(file.read(MAX_FILE_BYTES), str(path))
            except OSError:
                continue  # removed meanwhile, or unreadable: nothing a user would see

    def _written_files(self) -> Iterator[Path]:
        for folder in self.folders:
            yield from _files(folder, since=None)
        for name in (".connector-state", "build"):
            yield from _files(REPO / name, since=self.started)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.hits:
            terminalreporter.section("canary: the test token leaked", red=True)
            for hit in self.hits:
                terminalreporter.line(f"canary: {hit}", red=True)


def _files(folder: Path, since: float | None) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        try:
            if path.is_symlink() or not path.is_file():
                continue
            if since is not None and path.stat().st_mtime < since:
                continue
        except OSError:
            continue
        yield path


PLUGIN = Canary()


def record(text: str | bytes, where: str = "subprocess output") -> None:
    """Hand the canary text a test captured itself (a subprocess's output, say)."""
    PLUGIN.check(text, f"{PLUGIN.current} [{where}]")


def allow(path: Path) -> None:
    """``path`` holds the token on purpose: a connection file a test gives the CLI as input."""
    PLUGIN.inputs.add(path.resolve())


def watch(folder: Path) -> None:
    """Scan every file under ``folder`` at the end of the session."""
    PLUGIN.folders.append(folder)
