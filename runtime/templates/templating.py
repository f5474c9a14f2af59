"""Templates: the sandboxed Jinja2 subset the definitions use, compiled once, evaluated to values.

Plain paths such as ``{{ parameters.id }}`` are evaluated here with dict lookups
(the common case, and the fast one); anything else goes to the Jinja2 sandbox in
``jinja_engine``, imported on first need (the filters both use are in ``filters``).
A string that is exactly one ``{{ expression }}`` evaluates to the expression's value
with its type (a number stays a number, a mapping stays a mapping), as in Make's IML.
Any other string renders to text. Undefined names are errors, never empty strings. Only a few
filters exist, all with an IML counterpart, so every template stays exportable.
User inputs and API responses are data: they are never themselves rendered.

    body:
      client:
        name: "{{ parameters.name }}"          # -> the parameter's value
    url: "/clients/{{ parameters.id }}"        # -> each value URL-encoded
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runtime.core.errors import RenderError
from runtime.templates.filters import quote_path_value, relative_path

_BLOCK = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_?]*)*"
_LITERAL = r"'[^'\\]*'|\"[^\"\\]*\"|-?\d+|true|false|none"
_PATH = re.compile(rf"^\s*({_DOTTED})\s*$")
_KEYWORDS = frozenset({"none", "None", "true", "True", "false", "False"})
_FILTERED = re.compile(rf"^\s*({_DOTTED})\s*\|\s*(relative_path|lower|upper)\s*$")
# What Jinja's filters of those names do to one value (its lower/upper print it first).
_FAST_FILTERS: dict[str, Callable[[Any], Any]] = {
    "relative_path": relative_path,
    "lower": lambda value: str(value).lower(),
    "upper": lambda value: str(value).upper(),
}
_CHOICE = re.compile(
    rf"^\s*(?P<then>{_LITERAL})\s+if\s+(?P<test>{_DOTTED})"
    rf"(?:\s*==\s*(?P<equals>{_LITERAL}))?\s+else\s+(?P<else>{_LITERAL})\s*$"
)


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
    if cached is None:
        evaluate = _compile_paths(source, url)
        if evaluate is None:
            from runtime.templates.jinja_engine import compile_jinja

            evaluate = compile_jinja(source, url)
        cached = _CACHE[key] = Template(source, evaluate)
    return cached


def _compile_paths(source: str, url: bool) -> Callable[[Mapping[str, Any]], Any] | None:
    """Templates made only of simple expressions, without jinja; None for anything else."""
    if "{%" in source or "{#" in source:
        return None
    pieces = _BLOCK.split(source)  # text, expression, text, expression, ..., text
    found = [_simple_expression(inner, source) for inner in pieces[1::2]]
    getters = [getter for getter in found if getter is not None]
    if not getters or len(getters) != len(found):
        return None
    if len(getters) == 1 and not url and not pieces[0].strip() and not pieces[2].strip():
        return getters[0]
    texts = pieces[0::2]
    show = quote_path_value if url else _text

    def render(context: Mapping[str, Any]) -> str:
        out = [texts[0]]
        for getter, text in zip(getters, texts[1:], strict=True):
            out.append(show(getter(context)))
            out.append(text)
        return "".join(out)

    return render


def _simple_expression(inner: str, source: str) -> Callable[[Mapping[str, Any]], Any] | None:
    """The forms the definition files use most, evaluated as Jinja would; None for others:
    ``a.b``, ``a.b | relative_path`` (or ``lower``, ``upper``: the base URL lowercases the
    domain, and Jinja costs a tenth of a cold start) and ``'x' if a.b [== 'y'] else none``."""
    path = _PATH.match(inner)
    if path and path.group(1) in _KEYWORDS:  # a literal, not a variable: leave it to jinja
        return None
    if path:
        return _path_getter(path.group(1), source)
    filtered = _FILTERED.match(inner)
    if filtered:
        getter = _path_getter(filtered.group(1), source)
        apply = _FAST_FILTERS[filtered.group(2)]
        return lambda context: apply(getter(context))
    choice = _CHOICE.match(inner)
    if not choice:
        return None
    test = _path_getter(choice["test"], source)
    then, otherwise = _literal(choice["then"]), _literal(choice["else"])
    if choice["equals"] is None:
        return lambda context: then if test(context) else otherwise
    expected = _literal(choice["equals"])
    return lambda context: then if test(context) == expected else otherwise


def _literal(text: str) -> Any:
    if text == "none":
        return None
    if text in ("true", "false"):
        return text == "true"
    if text[0] in "'\"":
        return text[1:-1]
    return int(text)


def _path_getter(path: str, source: str) -> Callable[[Mapping[str, Any]], Any]:
    keys = path.split(".")

    def get(context: Mapping[str, Any]) -> Any:
        value: Any = context
        for depth, key in enumerate(keys):
            if not isinstance(value, Mapping) or key not in value:
                where = ".".join(keys[:depth]) or "the template"
                raise RenderError(f"{source.strip()}: {where!s} has no {key!r}")
            value = value[key]
        return value

    return get


def _text(value: Any) -> str:
    """As Jinja prints a value: None -> 'None', True -> 'True'."""
    return str(value)


def is_template(value: object) -> bool:
    return isinstance(value, str) and "{{" in value


def render_value(value: Any, context: Mapping[str, Any], *, url: bool = False) -> Any:
    """Evaluate every template inside ``value`` (nested mappings and lists included)."""
    if isinstance(value, str):
        return compile_template(value, url=url).evaluate(context) if "{{" in value else value
    if isinstance(value, Mapping):
        return {key: render_value(item, context, url=url) for key, item in value.items()}
    if isinstance(value, list):
        return [render_value(item, context, url=url) for item in value]
    return value
