"""Run the benchmark: loopback servers, every case interleaved, a printed and saved report."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from bench.report import render
from bench.scenarios import (
    MAIN,
    SLOW,
    SMALL,
    Results,
    ScenarioError,
    build_cases,
    launcher_floor,
    run_case,
)
from bench.server import ServerProcess, measure_ceiling

OUTPUT = Path(__file__).resolve().parent / "results.md"  # committed: the full run only
# a smoke run's figures are not the ones the README quotes, so they never replace OUTPUT
QUICK_OUTPUT = OUTPUT.parent.parent / "build" / "bench" / "results-quick.md"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per case (default 5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 repetitions, report in build/bench/results-quick.md",
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds any one process may take"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=9.0,
        help="minutes; no new repetition starts after this (default 9)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="the Markdown report (default bench/results.md; build/bench/results-quick.md "
        "with --quick)",
    )
    options = parser.parse_args(argv)
    if options.quick:
        options.repeat = 2
    if options.output is None:
        options.output = QUICK_OUTPUT if options.quick else OUTPUT
    if options.repeat < 1:
        parser.error("--repeat: expected at least 1")
    return options


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    options = parse_arguments(arguments)
    command = shlex.join([".venv/bin/python", "-m", "bench", *arguments])
    started = time.monotonic()
    groups = build_cases()
    cases = [case for group in groups for case in group]
    results = Results()
    notes: list[str] = []
    with ExitStack() as stack:  # every server is stopped on the way out, whatever happens
        log("starting bench servers (pre-rendering pages)...")
        servers = {
            MAIN: stack.enter_context(ServerProcess(30_000)),
            SMALL: stack.enter_context(ServerProcess(3_000)),
            SLOW: stack.enter_context(ServerProcess(3_000, delay=0.05)),
        }
        ceiling_lines = []
        for key in (MAIN, SMALL):
            tries = [measure_ceiling(servers[key].port, seconds=1.0) for _ in range(3)]
            rate, size = sorted(tries)[1]  # the median of three one-second runs
            servers[key].reset()
            ceiling_lines.append(
                f"- {key} server ({servers[key].records:,} records, "
                f"{servers[key].page_count} pages of 30): {rate:,.0f} pages/s "
                f"({rate * 30:,.0f} records/s, {size / 1024:.1f} KiB per response) to one "
                "tight raw keep-alive socket client (median of 3 x 1 s)"
            )
            log(ceiling_lines[-1])
        ceiling_lines.append(
            f"- slow server: {servers[SLOW].records:,} records, {servers[SLOW].page_count} "
            "pages, every page held 50 ms (asyncio, so concurrent requests overlap)"
        )
        floor = launcher_floor() / 1024
        notes.append(
            f"peak RSS is measured through bench/spawn.py; its floor (/bin/true) is {floor:.1f} "
            "MiB, below every Python process measured"
        )
        log("warm-up run of every case (untimed; checks the record counts)...")
        skipped: set[str] = set()
        for case in cases:
            try:
                sample = run_case(case, servers, options.timeout, check_output=True)
            except ScenarioError as error:
                notes.append(f"warm-up failed, case left out: {error}")
                log(f"  FAILED {error}")
                skipped.add(case.name)
                continue
            if sample.exit_code:
                notes.append(
                    f"{case.name} exited {sample.exit_code} (timed anyway): "
                    f"{sample.stderr_tail.splitlines()[-1] if sample.stderr_tail else ''}"
                )
            log(f"  {case.name:<16} {sample.wall:7.3f}s  records={sample.records}")
        done = 0
        for repetition in range(1, options.repeat + 1):
            minutes = (time.monotonic() - started) / 60
            if minutes > options.budget:
                notes.append(
                    f"stopped after {done} of {options.repeat} repetitions: "
                    f"the {options.budget:g}-minute budget was used up"
                )
                break
            line = []
            for group in groups:
                for case in group:
                    if case.name in skipped:
                        continue
                    try:
                        sample = run_case(case, servers, options.timeout)
                    except ScenarioError as error:
                        notes.append(f"repetition {repetition}: {error}")
                        log(f"  FAILED {error}")
                        continue
                    results.add(case.name, sample)
                    line.append(f"{case.name}={sample.wall:.2f}s")
            done = repetition
            log(f"repetition {repetition}/{options.repeat}: " + " ".join(line))
    notes.append(
        f"{done} repetition(s), interleaved case by case; total bench time "
        f"{time.monotonic() - started:.0f} s"
    )
    report = render(
        command=command, cases=cases, results=results, ceiling_lines=ceiling_lines, notes=notes
    )
    print(report)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(report + "\n", encoding="utf-8")
    kept = f" ({OUTPUT.name} left as it was: a quick run)" if options.quick else ""
    log(f"written: {options.output}{kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
