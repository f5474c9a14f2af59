"""The Jinja2 side of templates: the sandbox, compiling, and the names a template reads.

Imported only when a template needs more than plain ``{{ a.b.c }}`` paths (filters,
conditions) and by ``validate``, so a typical run does not load jinja2 at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from runtime.core.errors import RenderError
from runtime.templates.filters import (
    ALLOWED_FILTER_NAMES,
    SINGLE_EXPRESSION,
    quote_path_value,
    relative_path,
)

# Only filters with an IML counterpart: they are what the exporter can translate.
_BASE = SandboxedEnvironment()
FILTERS: dict[str, Callable[..., Any]] = {
    name: _BASE.filters[name] for name in ALLOWED_FILTER_NAMES if name != "relative_path"
}
FILTERS["relative_path"] = relative_path


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
    environment.filters = dict(FILTERS)
    environment.globals = {}
    environment.tests = {name: environment.tests[name] for name in ("defined", "none", "number")}
    return environment


_TEXT_ENV = _make_environment()
_URL_ENV = _make_environment(quote_path_value)


def parse_template(source: str) -> nodes.Template:
    """The syntax tree of ``source`` in the sandbox's dialect (what iml translates).
    Raises jinja2.TemplateSyntaxError."""
    return _TEXT_ENV.parse(source)


def compile_jinja(source: str, url: bool) -> Callable[[Mapping[str, Any]], Any]:
    """A function evaluating ``source``: its value if it is one expression, else its text."""
    try:
        match = SINGLE_EXPRESSION.match(source)
        if match and not url:
            expression = _TEXT_ENV.compile_expression(match.group("expr"), undefined_to_none=False)

            def evaluate(context: Mapping[str, Any]) -> Any:
                try:
                    return _defined(expression(**context), source)
                except TemplateError as error:
                    raise RenderError(f"{error}") from None

            return evaluate
        compiled = (_URL_ENV if url else _TEXT_ENV).from_string(source)
    except TemplateError as error:
        raise RenderError(f"template {source!r} does not compile: {error}") from None

    def render(context: Mapping[str, Any]) -> Any:
        try:
            return compiled.render(**context)
        except TemplateError as error:
            raise RenderError(f"{error}") from None

    return render


def _defined(value: Any, source: str) -> Any:
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError here, in jinja's own wording
        raise RenderError(f"{source.strip()}: the value is undefined")
    return value


@dataclass(frozen=True, slots=True)
class Reference:
    """A variable a template reads: its root name and first attribute, if any."""

    root: str
    attribute: str | None


def parse_references(source: str) -> tuple[list[Reference], list[str]]:
    """The variables and filters a template uses; raises jinja's TemplateSyntaxError."""
    match = SINGLE_EXPRESSION.match(source)
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
