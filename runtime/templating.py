"""Templates: the sandboxed Jinja2 subset the definitions use, compiled once, evaluated to values.

A string that is exactly one ``{{ expression }}`` evaluates to the expression's
value with its type (a number stays a number, a mapping stays a mapping), as in
Make's IML. Any other string renders to text. Undefined names are errors, never
empty strings. Only a few filters exist, all of which have an IML counterpart,
so every template stays exportable. User inputs and API responses are passed in
as data and are never themselves rendered.

    body:
      client:
        name: "{{ parameters.name }}"          # -> the parameter's value
    url: "/clients/{{ parameters.id }}"        # -> each value URL-encoded
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from runtime.errors import InputError, RenderError

_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)


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
            any(part in ("..", ".") for part in text.split("?")[0].split("/")),
            "must not contain '..'",
        ),
        (any(ord(char) < 32 for char in text), "must not contain control characters"),
    ]
    for failed, reason in problems:
        if failed:
            raise InputError(
                f"parameters.url: expected a path relative to the API base such as '/clients'; "
                f"{reason}; got {text[:60]!r}"
            )
    return RelativePath(text)


# Only filters with an IML counterpart: they are what the exporter can translate.
ALLOWED_FILTERS: dict[str, Callable[..., Any]] = {}
_BASE = SandboxedEnvironment()
for _name in ("default", "join", "lower", "upper", "string", "int", "float", "trim", "length"):
    ALLOWED_FILTERS[_name] = _BASE.filters[_name]
ALLOWED_FILTERS["relative_path"] = relative_path


class _DataEnvironment(SandboxedEnvironment):
    """``a.b`` on a mapping reads the key ``b`` only, as IML does: ``parameters.items`` is the
    parameter named items, never the dict method, and no Python attribute is reachable."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping):
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def _make_environment(finalize: Callable[[Any], Any] | None = None) -> SandboxedEnvironment:
    environment = _DataEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, finalize=finalize
    )
    environment.filters = dict(ALLOWED_FILTERS)
    environment.globals = {}
    environment.tests = {name: environment.tests[name] for name in ("defined", "none", "number")}
    return environment


def _quote_path_value(value: Any) -> str:
    if isinstance(value, RelativePath):
        return str(value)
    # safe="" so that an id such as "1/../../x" cannot change the path.
    return quote(str(value), safe="")


_TEXT_ENV = _make_environment()
_URL_ENV = _make_environment(_quote_path_value)


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template: evaluates to a value (single expression) or to text."""

    source: str
    evaluate: Callable[[Mapping[str, Any]], Any]


_CACHE: dict[tuple[str, bool], Template] = {}


def compile_template(source: str, *, url: bool = False) -> Template:
    """Compile once; later calls with the same source reuse the compiled form."""
    key = (source, url)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        match = _SINGLE_EXPRESSION.match(source)
        if match and not url:
            expression = _TEXT_ENV.compile_expression(match.group("expr"), undefined_to_none=False)
            template = Template(source, lambda context: _defined(expression(**context), source))
        else:
            compiled = (_URL_ENV if url else _TEXT_ENV).from_string(source)
            template = Template(source, lambda context: compiled.render(**context))
    except TemplateError as error:
        raise RenderError(f"template {source!r} does not compile: {error}") from None
    _CACHE[key] = template
    return template


def _defined(value: Any, source: str) -> Any:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError here, in jinja's own wording
        raise RenderError(f"{source.strip()}: the value is undefined")
    return value


def is_template(value: object) -> bool:
    return isinstance(value, str) and "{{" in value


def render_value(value: Any, context: Mapping[str, Any], *, url: bool = False) -> Any:
    """Evaluate every template inside ``value`` (nested mappings and lists included)."""
    try:
        return _render(value, context, url)
    except TemplateError as error:
        raise RenderError(f"{error}") from None


def _render(value: Any, context: Mapping[str, Any], url: bool) -> Any:
    if isinstance(value, str):
        return compile_template(value, url=url).evaluate(context) if "{{" in value else value
    if isinstance(value, Mapping):
        return {key: _render(item, context, url) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item, context, url) for item in value]
    return value


@dataclass(frozen=True, slots=True)
class Reference:
    """A variable a template reads: its root name and first attribute, if any."""

    root: str
    attribute: str | None


def parse_references(source: str) -> tuple[list[Reference], list[str]]:
    """The variables and filters a template uses; raises jinja's TemplateSyntaxError."""
    match = _SINGLE_EXPRESSION.match(source)
    text = source if match is None else "{{" + match.group("expr") + "}}"
    tree = _TEXT_ENV.parse(text)
    references = list(_references(tree))
    filters = [node.name for node in tree.find_all(nodes.Filter)]
    return references, filters


def _references(tree: nodes.Node) -> Iterator[Reference]:
    consumed: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, (nodes.Getattr, nodes.Getitem))
        target = node.node
        if isinstance(target, nodes.Name) and id(target) not in consumed:
            key = node.attr if isinstance(node, nodes.Getattr) else _constant_key(node.arg)
            consumed.add(id(target))
            yield Reference(target.name, key)
    for name in tree.find_all(nodes.Name):
        if id(name) not in consumed and name.ctx == "load":
            yield Reference(name.name, None)


def _constant_key(node: nodes.Node) -> str | None:
    return node.value if isinstance(node, nodes.Const) and isinstance(node.value, str) else None
