"""JSON and YAML from outside (servers, users' files and options), parsed with bounded nesting.

Every later stage (jinja rendering, jsonschema, the redactor, the JSON-lines writer, the
schema checks) walks values recursively, so a value nested deeper than Python's recursion
limit crashes them with a RecursionError, and one nested a little less crashes whichever
stage happens to run on a deeper stack. Values enter through these functions, which refuse
anything nested deeper than ``MAX_DEPTH`` with a ``TooDeepError`` (a ``ValueError``, so the
callers' existing ``except ValueError`` still turns it into one error line).

JSON is parsed with the stdlib (``json.loads``), not orjson: orjson turns integers beyond
64 bits into floats, which silently changes an id or an amount; the stdlib keeps them exact
and accepts what the runtime always accepted. Depth is measured without recursion.
"""

from __future__ import annotations

import json
from itertools import accumulate
from typing import Any

import yaml

# Clientary records are about 4 levels deep (page > record > line items > item). 100 leaves
# room for any real payload and keeps every recursive stage far below Python's default
# recursion limit of 1000, whatever stack depth it runs at.
MAX_DEPTH = 100

_BRACKET_STEP = [0] * 256
_BRACKET_STEP[ord("[")] = 1
_BRACKET_STEP[ord("]")] = -1
_NOT_BRACKET_OR_QUOTE = bytes(byte for byte in range(256) if byte not in b'[]{}"')
# Braces read as brackets: valid JSON pairs them correctly, and one kind of pair lets a single
# replace per pass remove exactly the innermost pairs.
_BRACES_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")


class TooDeepError(ValueError):
    """A value nested deeper than the limit; names where it came from, the depth and the limit."""

    def __init__(self, where: str, depth: int | None, limit: int = MAX_DEPTH) -> None:
        found = f"{depth} levels" if depth is not None else f"more than {limit}"
        super().__init__(f"{where}: expected at most {limit} levels of nesting; got {found}")
        self.where = where
        self.depth = depth
        self.limit = limit


def parse_json(data: str | bytes, where: str) -> Any:
    """The value of a JSON document; ValueError naming ``where`` when it is not JSON, and
    TooDeepError when it nests deeper than MAX_DEPTH."""
    try:
        value = json.loads(data)
    except RecursionError:
        # The C scanner stops cleanly at the interpreter's recursion limit.
        raise TooDeepError(where, _text_depth(_utf8(data))) from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{where}: expected JSON; got invalid JSON at line {error.lineno} column "
            f"{error.colno} ({error.msg})"
        ) from None
    except UnicodeDecodeError:
        raise ValueError(f"{where}: expected JSON in UTF-8; got bytes that are not") from None
    except ValueError as error:  # e.g. a number of more than 4300 digits (int's own limit)
        reason = str(error).split(":")[0]
        raise ValueError(f"{where}: expected JSON; got a value Python refuses ({reason})") from None
    text = _utf8(data)
    if text is None:  # UTF-16/32, which json.loads detects: rare, so walk the value
        check_depth(value, where)
    elif not _shallow(text):
        raise TooDeepError(where, _text_depth(text))
    return value


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Raise TooDeepError when ``value`` (an already parsed value, e.g. from YAML) nests
    lists and dicts deeper than ``limit``. Iterative; a container shared by several parents
    (YAML aliases) is walked again only when reached deeper, so alias bombs stay cheap and a
    self-referencing value is reported as too deep instead of looping."""
    if not isinstance(value, (dict, list)):
        return
    deepest: dict[int, int] = {}
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            raise TooDeepError(where, None, limit)
        known = deepest.get(id(container))
        if known is not None and known >= depth:
            continue
        deepest[id(container)] = depth
        children = container.values() if isinstance(container, dict) else container
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))


def load_yaml(text: str, where: str) -> Any:
    """``yaml.safe_load`` with bounded nesting: TooDeepError instead of a RecursionError
    from PyYAML's recursive composer, or from any later stage. yaml.YAMLError passes
    through for the caller to explain."""
    try:
        value = yaml.safe_load(text)
    except RecursionError:
        raise TooDeepError(where, None) from None
    check_depth(value, where)
    return value


def _utf8(data: str | bytes) -> bytes | None:
    """The document as UTF-8 bytes (a str's lone surrogates kept), None for UTF-16/32."""
    if isinstance(data, str):
        return data.encode("utf-8", "surrogatepass")
    return data if json.detect_encoding(data) == "utf-8" else None


def _bare_brackets(text: bytes) -> bytes:
    """The brackets of valid JSON text outside its strings, in order, braces as brackets.
    C-speed steps (the check runs on every response): escaped backslashes and quotes go
    first, so every quote left delimits a string, and every other piece of a split on
    quotes is a string."""
    if b"\\" in text:
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = text.translate(_BRACES_AS_BRACKETS, _NOT_BRACKET_OR_QUOTE)
    return b"".join(kept.split(b'"')[::2])


def _shallow(text: bytes) -> bool:
    """Whether valid JSON text nests at most MAX_DEPTH levels: replace does not rescan what
    it produced, so each pass removes exactly the innermost pairs, and a document is gone
    after exactly as many passes as it is deep."""
    brackets = _bare_brackets(text)
    for _ in range(MAX_DEPTH):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"")
    return not brackets


def _text_depth(text: bytes | None) -> int | None:
    """The deepest nesting of valid (or cut-off) JSON text, None when not UTF-8."""
    if text is None:
        return None
    return max(accumulate(_BRACKET_STEP[byte] for byte in _bare_brackets(text)), default=0)
