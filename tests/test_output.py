"""JSON lines: exactly what json.dumps writes, batched, with secrets masked."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from runtime.output import JsonLinesWriter
from runtime.redaction import Redactor

BUNDLES: list[dict[str, Any]] = [
    {"id": 1, "name": "Åsa Ørsted – 株式会社", "rate": 12.5, "tags": ["a", None, True]},
    {"nested": {"empty": {}, "list": [], "quote": 'say "hi"\n', "big": 10**20}},
    {"float": 1e-7, "neg": -0.0, "unicode_escape": "\u2028"},
]


def test_each_bundle_is_the_line_json_dumps_would_write() -> None:
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, Redactor())
    for bundle in BUNDLES * 200:  # more than one batch
        writer.write(bundle)
    writer.flush()
    expected = [json.dumps(b, ensure_ascii=False, separators=(",", ":")) for b in BUNDLES * 200]
    assert stream.getvalue() == "\n".join(expected) + "\n"


def test_a_secret_in_the_data_is_masked() -> None:
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, Redactor(["s3cr3t-token"]))
    writer.write({"note": "token is s3cr3t-token"})
    writer.flush()
    assert stream.getvalue() == '{"note":"token is ****"}\n'


def test_a_value_json_cannot_write_is_refused() -> None:
    writer = JsonLinesWriter(io.StringIO(), Redactor())
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        writer.write({"ids": {1, 2}})
