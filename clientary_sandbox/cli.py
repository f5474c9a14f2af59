"""Command line: `connector sandbox` (or `python -m clientary_sandbox`) serves a sandbox until
Ctrl-C or SIGTERM. Stdout gets one line, the base URL; the token is printed only when asked."""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import Sandbox, is_loopback
from .progress import SeedProgress
from .resources import SPECS

DEFAULT_TOKEN = "sandbox-token"


def _limit(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected RESOURCE=N, got {text!r}")
    return name, int(value)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a number of clients, 0 or more; got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port, 0 to 65535; got {text!r}")
    return int(text)


def _fail(option: str, value: object, expected: str, error: BaseException) -> int:
    """One line for a value the user gave that the system refused; exit 2."""
    got = getattr(error, "strerror", None) or str(error)
    print(f"error: SandboxError: {option} {value}: expected {expected}; got {got}", file=sys.stderr)
    return 2


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Clientary API v2 sandbox")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=0, help="0 = pick a free port")
    p.add_argument(
        "--token",
        default=None,
        help=f"the API token clients must send (default: {DEFAULT_TOKEN})",
    )
    p.add_argument(
        "--show-token",
        action="store_true",
        help="print the token on the listening line (it is not printed otherwise)",
    )
    p.add_argument("--db", default=None, help="SQLite file (default: in memory)")
    p.add_argument("--seed", type=_count, default=0, help="number of seeded clients")
    p.add_argument(
        "--plan-limit",
        type=_limit,
        action="extend",
        nargs="+",
        default=[],
        metavar="RESOURCE=N",
        help="plan limit, e.g. clients=50 (426 beyond it); repeatable",
    )
    p.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    return p


def _token_hint(given: bool) -> str:
    """Which token to use, without the token itself (logs and shared terminals keep it)."""
    which = "the token given with --token" if given else "the default token (see --help)"
    return f"use {which} as CLIENTARY_API_TOKEN; --show-token prints it"


def main(argv: Sequence[str] | None = None, prog: str = "connector sandbox") -> int:
    args = _parser(prog).parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        print(
            f"error: refusing non-loopback host {args.host!r}; pass --allow-remote", file=sys.stderr
        )
        return 2
    limits = dict(args.plan_limit) or None
    token = DEFAULT_TOKEN if args.token is None else args.token
    progress = SeedProgress(sys.stderr)
    try:
        sandbox = Sandbox(
            token=token, db_path=args.db, seed=args.seed, plan_limits=limits, progress=progress
        )
    except sqlite3.Error as error:  # a directory that does not exist, a file that is not SQLite
        return _fail("--db", args.db, "a SQLite file that can be opened or created", error)
    if args.seed > 0 and sandbox.seeded:
        records = sum(sandbox.store.count(resource) for resource in SPECS)
        progress.finish(args.seed, records)
    elif args.seed > 0:
        print(f"--seed {args.seed} ignored: {args.db} already holds data", file=sys.stderr)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    try:
        url = sandbox.start(host=args.host, port=args.port, allow_remote=args.allow_remote)
    except OSError as error:  # the port is taken, the address is not on this machine
        sandbox.close()
        return _fail("--port", args.port, f"a free port on {args.host}", error)
    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        shown = f" (token: {token})" if args.show_token else ""
        print(f"Clientary sandbox listening on {url}{shown}", flush=True)
        if not args.show_token:
            print(_token_hint(args.token is not None), file=sys.stderr, flush=True)
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0
