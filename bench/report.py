"""Medians, ratios against the baselines, acceptance checks, and the Markdown report."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.scenarios import Case, Results, Sample

MIB = 1024.0  # ru_maxrss is in KiB on Linux


@dataclass(frozen=True, slots=True)
class Check:
    """One acceptance line: measured ratio (or value) against its threshold."""

    label: str
    value: float | None
    threshold: float
    at_most: bool  # True: value <= threshold passes; False: value >= threshold passes
    detail: str

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        ok = self.value <= self.threshold if self.at_most else self.value >= self.threshold
        return "PASS" if ok else "FAIL"

    def shown_threshold(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.threshold:g}"


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _values(samples: Sequence[Sample], pick: Callable[[Sample], float | None]) -> list[float]:
    return [value for sample in samples if (value := pick(sample)) is not None]


def _wall(sample: Sample) -> float:
    return sample.wall


def _rss(sample: Sample) -> float:
    return sample.maxrss_kib / MIB


def _read(sample: Sample) -> float | None:
    return sample.read_seconds


def _requests(sample: Sample) -> float | None:
    return None if sample.requests is None else float(sample.requests)


def median_of(results: Results, name: str, pick: Callable[[Sample], float | None]) -> float | None:
    return _median(_values(results.samples.get(name, []), pick))


def ratio(
    results: Results, name: str, base: str, pick: Callable[[Sample], float | None]
) -> tuple[float | None, float | None]:
    """(ratio of the medians, median of the per-repetition paired ratios) of name over base."""
    top, bottom = median_of(results, name, pick), median_of(results, base, pick)
    of_medians = top / bottom if top is not None and bottom else None
    pairs = zip(results.samples.get(name, []), results.samples.get(base, []), strict=False)
    paired = [
        a / b for x, y in pairs if (a := pick(x)) is not None and (b := pick(y)) is not None and b
    ]
    return of_medians, _median(paired)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def scenario_table(cases: Sequence[Case], results: Results) -> list[str]:
    """Markdown rows: one per case, medians over the repetitions."""
    rows = [
        "| scenario | what | n | wall s (median) | wall min–max | in-process read s | "
        "records | records/s | peak RSS MiB | server requests |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        samples = results.samples.get(case.name, [])
        if not samples:
            rows.append(f"| {case.name} | {case.label} | 0 | — | — | — | — | — | — | — |")
            continue
        walls = [s.wall for s in samples]
        wall = statistics.median(walls)
        read = _median(_values(samples, _read))
        records = case.records
        rate = None
        if records:
            rate = records / (read if read else wall)
        rss = statistics.median(_values(samples, _rss))
        requests = _median(_values(samples, _requests))
        rows.append(
            f"| {case.name} | {case.label} | {len(samples)} | {wall:.3f} | "
            f"{min(walls):.3f}–{max(walls):.3f} | {_fmt(read)} | "
            f"{'—' if records is None else records} | "
            f"{'—' if rate is None else f'{rate:,.0f}'} | {rss:.1f} | "
            f"{'—' if requests is None else f'{requests:g}'} |"
        )
    return rows


def build_checks(results: Results) -> list[Check]:
    """The acceptance lines of the performance issue, plus a few informative ones."""

    def inverse(name: str, base: str, pick: Callable[[Sample], float | None]) -> float | None:
        value = ratio(results, name, base, pick)[0]
        return 1 / value if value else None

    checks = [
        Check(
            "runtime API read throughput / raw (in-process read time)",
            inverse("api_30k", "raw_30k", _read),
            0.9,
            False,
            "raw_30k read s / api_30k read s",
        ),
        Check(
            "CLI whole-process time / raw (30,000 records)",
            ratio(results, "cli_30k", "raw_30k", _wall)[0],
            1.25,
            True,
            "cli_30k wall / raw_30k wall",
        ),
        Check(
            "CLI peak RSS / raw (30,000 records)",
            ratio(results, "cli_30k", "raw_30k", _rss)[0],
            1.3,
            True,
            "cli_30k / raw_30k",
        ),
        Check(
            "API peak RSS / raw (30,000 records)",
            ratio(results, "api_30k", "raw_30k", _rss)[0],
            1.3,
            True,
            "api_30k / raw_30k",
        ),
        Check(
            "CLI RSS flatness: RSS(30k) / RSS(3k)",
            ratio(results, "cli_30k", "cli_3k", _rss)[0],
            1.1,
            True,
            "cli_30k / cli_3k",
        ),
        Check(
            "API RSS flatness: RSS(30k) / RSS(3k)",
            ratio(results, "api_30k", "api_3k", _rss)[0],
            1.1,
            True,
            "api_30k / api_3k",
        ),
        Check(
            "one-page cold run / raw one-page cold run",
            ratio(results, "cli_1page", "raw_1page", _wall)[0],
            2.0,
            True,
            "cli_1page wall / raw_1page wall",
        ),
        Check(
            "connector --help / python -c 'import requests'",
            ratio(results, "cli_help", "import_requests", _wall)[0],
            2.0,
            True,
            "cli_help wall / import_requests wall",
        ),
        Check(
            "connector validate / python -c 'import requests'",
            ratio(results, "cli_validate", "import_requests", _wall)[0],
            12.0,
            True,
            "cli_validate wall / import_requests wall",
        ),
        Check(
            "50 ms/page: CLI full read / sequential raw loop",
            ratio(results, "cli_slow", "raw_slow", _wall)[0],
            0.4,
            True,
            "cli_slow wall / raw_slow wall",
        ),
        Check(
            "50 ms/page: API read / sequential raw read (in-process, info)",
            ratio(results, "api_slow", "raw_slow", _read)[0],
            0.4,
            True,
            "api_slow read s / raw_slow read s",
        ),
        Check(
            "trigger poll, nothing new: requests sent (module notes: one page)",
            median_of(results, "trigger_poll", _requests),
            1,
            True,
            "server-side count, median",
        ),
    ]
    return checks


def checks_table(checks: Sequence[Check], results: Results) -> list[str]:
    rows = [
        "| check | measured | threshold | verdict | how |",
        "|---|---:|---:|:---:|---|",
    ]
    for check in checks:
        rows.append(
            f"| {check.label} | {_fmt(check.value, 2)} | {check.shown_threshold()} | "
            f"{check.verdict} | {check.detail} |"
        )
    trigger = ratio(results, "trigger_poll", "raw_1page", _wall)[0]
    rows.append(
        f"| trigger poll wall / raw one-page cold run (info) | {_fmt(trigger, 2)} | — | — | "
        "trigger_poll wall / raw_1page wall |"
    )
    stdlib = ratio(results, "cli_30k_stdlib", "raw_30k", _wall)[0]
    rows.append(
        f"| CLI with the stdlib JSON encoder / raw, 30,000 records (info) | {_fmt(stdlib, 2)} "
        "| — | — | cli_30k_stdlib wall / raw_30k wall |"
    )
    return rows


def paired_table(results: Results) -> list[str]:
    """The same ratios as medians of per-repetition pairs (robust to drift on a noisy host)."""
    pairs = [
        ("api_30k", "raw_30k", _read, "in-process read s"),
        ("cli_30k", "raw_30k", _wall, "wall"),
        ("cli_30k", "raw_30k", _rss, "peak RSS"),
        ("cli_30k_stdlib", "raw_30k", _wall, "wall"),
        ("cli_1page", "raw_1page", _wall, "wall"),
        ("cli_help", "import_requests", _wall, "wall"),
        ("cli_validate", "import_requests", _wall, "wall"),
        ("cli_slow", "raw_slow", _wall, "wall"),
    ]
    rows = ["| ratio | of medians | median of paired | measure |", "|---|---:|---:|---|"]
    for name, base, pick, what in pairs:
        of_medians, paired = ratio(results, name, base, pick)
        rows.append(f"| {name} / {base} | {_fmt(of_medians, 2)} | {_fmt(paired, 2)} | {what} |")
    return rows


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines() -> list[str]:
    return [
        f"- platform: {platform.platform()}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- JSON lines encoder of the CLI: {_json_encoder()}",
    ]


def _json_encoder() -> str:
    try:
        from importlib.metadata import version

        return f"orjson {version('orjson')} (stdlib json where orjson refuses a value)"
    except ImportError:
        return "stdlib json (orjson is not installed)"


def render(
    *,
    command: str,
    cases: Sequence[Case],
    results: Results,
    ceiling_lines: Sequence[str],
    notes: Sequence[str],
) -> str:
    """The whole report as Markdown (printed and written to bench/results.md)."""
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    checks = build_checks(results)
    lines = [
        "# Benchmark results",
        "",
        f"- date: {now}",
        *machine_lines(),
        f"- command: `{command}`",
        "",
        "## Bench server ceiling",
        "",
        *ceiling_lines,
        "",
        "## Scenarios (medians; each run is a fresh process)",
        "",
        *scenario_table(cases, results),
        "",
        "records/s uses the in-process read time where the script reports one, else the wall "
        "time of the whole process. Peak RSS is the child's ru_maxrss, taken by the "
        "bench/spawn.py launcher (wait4).",
        "",
        "## Acceptance (ratios of medians)",
        "",
        *checks_table(checks, results),
        "",
        "## Ratios: of medians vs median of paired repetitions",
        "",
        *paired_table(results),
        "",
    ]
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    return "\n".join(lines)
