"""The benchmark harness stays runnable and its verdicts can fail; no timing is asserted here.

Every case of `make bench` runs once against small loopback servers (the same commands,
fewer records), and the report built from those samples names a verdict for each check.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.report import Check, build_checks, ratio, render
from bench.scenarios import MAIN, SLOW, SMALL, Results, Sample, build_cases, run_case
from bench.server import ServerProcess

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "threshold", "at_most", "verdict"),
    [
        (1.24, 1.25, True, "PASS"),
        (1.25, 1.25, True, "PASS"),
        (1.26, 1.25, True, "FAIL"),
        (0.91, 0.9, False, "PASS"),
        (0.89, 0.9, False, "FAIL"),
        (None, 1.0, True, "n/a"),
    ],
)
def test_a_check_passes_only_on_its_side_of_the_threshold(
    value: float | None, threshold: float, at_most: bool, verdict: str
) -> None:
    assert Check("label", value, threshold, at_most, "how").verdict == verdict


def test_ratios_of_medians_and_of_pairs() -> None:
    results = Results()
    for raw, cli in ((1.0, 1.2), (2.0, 2.2), (1.0, 1.5)):
        results.add("raw", Sample(wall=raw, maxrss_kib=1))
        results.add("cli", Sample(wall=cli, maxrss_kib=1))
    of_medians, paired = ratio(results, "cli", "raw", lambda sample: sample.wall)
    assert of_medians == pytest.approx(1.5 / 1.0)  # median 1.5 over median 1.0
    assert paired == pytest.approx(1.2)  # median of 1.2, 1.1, 1.5


@pytest.fixture(scope="module")
def small_servers() -> Iterator[dict[str, ServerProcess]]:
    with (
        ServerProcess(90, start_timeout=30) as main,
        ServerProcess(60, start_timeout=30) as small,
        ServerProcess(60, delay=0.01, start_timeout=30) as slow,
    ):
        yield {MAIN: main, SMALL: small, SLOW: slow}


def test_every_case_runs_and_the_report_has_a_verdict_for_every_check(
    small_servers: dict[str, ServerProcess],
) -> None:
    results = Results()
    for case in (case for group in build_cases() for case in group):
        records = case.records
        if records is not None and case.server is not None:  # fewer records served here
            records = min(records, small_servers[case.server].records)
        sample = run_case(
            dataclasses.replace(case, records=records), small_servers, 60, check_output=True
        )
        assert sample.records == records, case.name
        results.add(case.name, sample)
    assert results.samples["trigger_poll"][0].requests == 1  # an idle poll reads one page
    assert results.samples["raw_30k"][0].requests == 3  # 90 records, 30 a page
    verdicts = {check.label: check.verdict for check in build_checks(results)}
    assert "n/a" not in verdicts.values(), verdicts
    report = render(command="test", cases=[], results=results, ceiling_lines=[], notes=[])
    assert "CLI with the stdlib JSON encoder / raw" in report


def test_the_stdlib_case_really_runs_without_orjson() -> None:
    probe = (
        "import runpy; runpy.run_path('bench/cli_stdlib_json.py', run_name='probe'); "
        "from runtime.cli import output; print(output.encode_lines is output._encode_lines_stdlib)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "True", result.stderr


def test_a_quick_run_leaves_the_committed_report_alone() -> None:
    from bench.__main__ import OUTPUT, parse_arguments

    assert OUTPUT == ROOT / "bench" / "results.md"
    assert parse_arguments([]).output == OUTPUT
    quick = parse_arguments(["--quick"])
    assert quick.repeat == 2
    assert quick.output == ROOT / "build" / "bench" / "results-quick.md"
    assert parse_arguments(["--quick", "--output", "x.md"]).output == Path("x.md")


def test_the_soak_books_fail_on_a_duplicate_a_loss_an_error_or_an_inconsistency(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from collections import Counter

    from bench.soak import Books, report

    def books(**changes: object) -> Books:
        kept = Books(created={1, 2}, emitted=Counter({1: 1, 2: 1}), refused=3)
        for name, value in changes.items():
            setattr(kept, name, value)
        return kept

    assert report(books(), 1.0, []) == 0
    assert "refused overlapping trigger runs (expected): 3" in capsys.readouterr().out
    assert report(books(emitted=Counter({1: 2, 2: 1})), 1.0, []) == 1
    assert "duplicates: 1 [1]" in capsys.readouterr().out
    assert report(books(emitted=Counter({1: 1})), 1.0, []) == 1
    assert "losses: 1 [2]" in capsys.readouterr().out
    assert report(books(errors=Counter({"ConnectionError": 1})), 1.0, []) == 1
    assert report(books(), 1.0, ["clients 1: an id above its sequence"]) == 1
