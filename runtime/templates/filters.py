"""What jinja_engine and the fast path of templating share: the filters and their names.

Only filters with an IML counterpart exist (the exporter can translate them), plus
``relative_path``, which guards the universal module's URL. Kept apart from both engines so
that neither imports the other's internals: templating -> jinja_engine -> filters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, unquote

from runtime.core.errors import InputError
from runtime.core.redaction import clip

SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)


class RelativePath(str):
    """A path already checked by the ``relative_path`` filter; put into a URL as it is."""


def relative_path(value: object) -> RelativePath:
    """Accept only a path relative to the API base; refuse anything that could leave the host."""
    text = str(value).strip()
    lowered = unquote(text).lower()
    problems = [
        ("://" in text or text.startswith("//"), "must not be an absolute URL"),
        (not text.startswith("/"), "must start with '/'"),
        ("@" in lowered, "must not contain '@'"),
        ("\\" in lowered, "must not contain a backslash"),
        (
            "%2f" in text.lower() or "%5c" in text.lower() or "%2e" in text.lower(),
            "must not contain encoded separators",
        ),
        (
            # ";" starts path parameters, which servers such as Tomcat strip: "..;" is "..".
            any(
                part.split(";")[0] in ("..", ".")
                for part in (text.split("?")[0] + "/" + lowered.split("?")[0]).split("/")
            ),
            "must not contain '..'",
        ),
        (any(ord(char) < 32 for char in text), "must not contain control characters"),
    ]
    for failed, reason in problems:
        if failed:
            raise InputError(
                f"parameters.url: expected a path relative to the API base such as '/clients'; "
                f"{reason}; got {clip(text, 60)!r}"
            )
    return RelativePath(text)


# Only filters with an IML counterpart: they are what the exporter can translate.
ALLOWED_FILTER_NAMES = (
    "default",
    "join",
    "lower",
    "upper",
    "string",
    "int",
    "float",
    "trim",
    "length",
    "relative_path",
)


def quote_path_value(value: Any) -> str:
    if isinstance(value, RelativePath):
        return str(value)
    # safe="" so that an id such as "1/../../x" cannot change the path.
    return quote(str(value), safe="")
