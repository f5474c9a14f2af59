"""JSON lines: one compact object per line, the same values json.dumps would write, batched,
with secrets masked; the orjson path and the stdlib path agree."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.cli import output
from runtime.cli.output import JsonLinesWriter
from runtime.core.redaction import Redactor

BUNDLES: list[dict[str, Any]] = [
    {"id": 1, "name": "Åsa Ørsted – 株式会社", "rate": 12.5, "tags": ["a", None, True]},
    {"nested": {"empty": {}, "list": [], "quote": 'say "hi"\n', "big": 2**63 - 1}},
    {"float": 1e-7, "neg": -0.0, "unicode_escape": "\u2028", "tab": "a\tb"},
]

ORJSON_PAGE = output._orjson_page_encoder()
ENCODERS: dict[str, Callable[[Sequence[Any]], str]] = {"stdlib": output._encode_lines_stdlib}
if ORJSON_PAGE is not None:
    ENCODERS["orjson"] = ORJSON_PAGE

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # beyond 64 bits: orjson falls back
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def _written(bundles: list[dict[str, Any]], redactor: Redactor | None = None) -> str:
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, redactor or Redactor())
    for start in range(0, len(bundles), 30):  # as pages, like the CLI
        writer.write_all(bundles[start : start + 30])
    writer.write(bundles[0])  # and one on its own, like a trigger's bundles
    writer.flush()
    return stream.getvalue()


def test_the_orjson_accelerator_is_installed() -> None:
    # A dependency of the project: without it the CLI is correct but slower (bench/).
    assert ORJSON_PAGE is not None
    assert output.encode_lines is not output._encode_lines_stdlib


def test_each_bundle_is_one_compact_line_holding_the_same_value() -> None:
    text = _written(BUNDLES * 200)  # more than one batch
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert [json.loads(line) for line in lines] == BUNDLES * 200 + BUNDLES[:1]
    assert all(": " not in line and ", " not in line for line in lines[:3])  # compact
    assert "Åsa Ørsted – 株式会社" in lines[0]  # UTF-8 as is, not \\u escapes


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_a_special_page_is_written_by_either_encoder(name: str) -> None:
    page = [{"big": 10**20, "text": "x"}, {1: "int key"}]  # orjson refuses both
    assert ENCODERS[name](page) == '{"big":100000000000000000000,"text":"x"}\n{"1":"int key"}'


def test_the_stdlib_encoder_writes_exactly_what_json_dumps_writes() -> None:
    expected = "\n".join(json.dumps(b, ensure_ascii=False, separators=(",", ":")) for b in BUNDLES)
    assert output._encode_lines_stdlib(BUNDLES) == expected


@given(st.lists(st.dictionaries(st.text(), JSON_VALUES, max_size=5), min_size=1, max_size=5))
def test_both_encoders_write_the_same_values(page: list[dict[str, Any]]) -> None:
    results = {name: encode(page) for name, encode in ENCODERS.items()}
    for text in results.values():
        assert text.count("\n") == len(page) - 1  # a newline inside a value is escaped
        assert [json.loads(line) for line in text.split("\n")] == page
    if "orjson" in results:
        assert [json.loads(line) for line in results["orjson"].split("\n")] == [
            json.loads(line) for line in results["stdlib"].split("\n")
        ]


def test_nan_is_written_as_null_by_orjson() -> None:
    assert ORJSON_PAGE is not None
    line = ORJSON_PAGE([{"x": math.nan, "y": math.inf}])
    assert json.loads(line) == {"x": None, "y": None}


def test_a_secret_in_the_data_is_masked() -> None:
    text = _written([{"note": "token is s3cr3t-token"}], Redactor(["s3cr3t-token"]))
    assert text == '{"note":"token is ****"}\n' * 2


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_a_value_json_cannot_write_is_refused(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "encode_lines", ENCODERS[name])
    writer = JsonLinesWriter(io.StringIO(), Redactor())
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        writer.write({"ids": {1, 2}})
