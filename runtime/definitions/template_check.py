"""Checking the templates of a definition file: they compile, and read only what exists there.

Every template is parsed once with Jinja2; each variable it reads must be a root
available where the template runs (``parameters`` and ``connection`` in requests,
``item`` in RPC labels, ...), ``parameters.X`` must be a declared input, secrets
are for the connection's auth only, and filters must have an IML counterpart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import TemplateSyntaxError

from runtime.core.errors import Issue, suggest
from runtime.definitions.source import Document, PathParts
from runtime.templates.filters import ALLOWED_FILTER_NAMES
from runtime.templates.jinja_engine import parse_references
from runtime.templates.templating import is_template


def check_templates(
    document: Document,
    parts: PathParts,
    roots: set[str] | frozenset[str],
    parameters: Mapping[str, Any],
    secrets: set[str],
) -> Iterator[Issue]:
    """Every template under ``parts`` compiles and reads only variables that exist there."""
    for where, source in strings_under(value_at(document.data, parts), parts):
        if not is_template(source):
            continue
        location = document.location(where)
        try:
            references, filters = parse_references(source)
        except TemplateSyntaxError as error:
            yield Issue(location, f"template does not compile: {error.message}")
            continue
        for name in filters:
            if name not in ALLOWED_FILTER_NAMES:
                yield Issue(
                    location,
                    f"unknown filter {name!r}; allowed: {', '.join(sorted(ALLOWED_FILTER_NAMES))}",
                )
        for reference in references:
            if reference.root not in roots:
                yield Issue(
                    location,
                    f"unknown variable {reference.root!r}; "
                    f"available here: {', '.join(sorted(roots))}",
                    suggest(reference.root, roots),
                )
            elif (
                reference.root == "parameters"
                and reference.attribute is not None
                and reference.attribute not in parameters
            ):
                yield Issue(
                    location,
                    f"unknown variable 'parameters.{reference.attribute}'",
                    suggest(reference.attribute, parameters, prefix="parameters."),
                )
            elif reference.root == "connection" and reference.attribute in secrets:
                yield Issue(
                    location,
                    f"'connection.{reference.attribute}' is a secret: only the "
                    "connection's auth may use it",
                )


def strings_under(value: Any, parts: PathParts) -> Iterator[tuple[PathParts, str]]:
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings_under(item, (*parts, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_under(item, (*parts, index))


def value_at(data: Any, parts: PathParts) -> Any:
    for part in parts:
        if isinstance(data, Mapping) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data
