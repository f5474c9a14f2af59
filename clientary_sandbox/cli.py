"""Command line: `python -m clientary_sandbox` serves a sandbox until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import Sandbox, is_loopback


def _limit(text: str) -> tuple[str, int]:
    name, sep, value = text.partition("=")
    if not sep or not name or not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected RESOURCE=N, got {text!r}")
    return name, int(value)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clientary_sandbox", description="Clientary API v2 sandbox")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--token", default="sandbox-token")
    p.add_argument("--db", default=None, help="SQLite file (default: in memory)")
    p.add_argument("--seed", type=int, default=0, help="number of seeded clients")
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        print(
            f"error: refusing non-loopback host {args.host!r}; pass --allow-remote", file=sys.stderr
        )
        return 2
    limits = dict(args.plan_limit) or None
    sandbox = Sandbox(token=args.token, db_path=args.db, seed=args.seed, plan_limits=limits)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        url = sandbox.start(host=args.host, port=args.port, allow_remote=args.allow_remote)
        print(f"Clientary sandbox listening on {url} (token: {args.token})", flush=True)
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0
