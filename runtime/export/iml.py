"""Translating one definition template (the Jinja2 subset) into Make IML, by walking its AST.

``to_iml`` keeps the shape of the template: text stays text, every ``{{ expression }}``
becomes exactly one ``{{iml}}``. ``to_iml_expression`` gives one IML expression for the
whole template (text parts become string literals joined with ``+``), for use inside
another expression such as ``base64(...)``. Judgement calls, all named in the tests:

- ``a ~ b`` becomes ``a + b``: IML has no ``~``, and ``+`` concatenates as soon as one
  side is text. A chain whose first operand is not a string literal starts with
  ``toString(...)`` so that two numbers are joined, never added.
- ``none`` becomes ``undefined``: Make leaves a key whose value is undefined out of the
  request, which is what ``... else none`` means in the definitions.
- ``a or b`` becomes ``ifempty(a; b)`` (the value, as Jinja gives it); ``and``/``not``
  become ``&&``/``!``; ``==`` becomes ``=``.
- ``default(y)`` becomes ``ifempty(x; y)``, which also replaces null and "" (Jinja's
  ``default`` only replaces undefined); ``int``/``float`` become ``parseNumber``.
- ``relative_path(x)`` becomes ``"/" + x`` without its own leading "/": always a path under
  baseUrl, so an absolute URL a user types cannot carry the token to another host.
- ``conversions`` wrap a named value wherever it is read (``parameters.date`` ->
  ``formatDate(parameters.date; "YYYY-MM-DD")``): Make hands some parameter types over in
  another form than the runtime does (``make_params.input_conversions`` says which).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TypeAlias

from jinja2 import TemplateSyntaxError, nodes

from runtime.core.errors import NotExportableError

PLAIN_NAME = re.compile(  # a key IML reads with a dot; others are quoted
    r"^[A-Za-z_][A-Za-z0-9_]*$"
)
_ROOTS = {
    "parameters": "parameters",
    "connection": "connection",
    "item": "item",
    "body": "body",
    "headers": "headers",
    "status": "statusCode",
}
_FUNCTIONS = {
    "lower": "lower",
    "upper": "upper",
    "trim": "trim",
    "length": "length",
    "string": "toString",
    "int": "parseNumber",
    "float": "parseNumber",
}
_COMPARE = {"eq": "=", "ne": "!=", "lt": "<", "lteq": "<=", "gt": ">", "gteq": ">="}
_ARITHMETIC = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Mod": "%"}


Conversions: TypeAlias = Mapping[str, Callable[[str], str]]


def to_iml(
    source: str,
    *,
    roots: Mapping[str, str] | None = None,
    conversions: Conversions | None = None,
) -> str:
    """The IML text for ``source``; ``roots`` renames variables (e.g. connection -> parameters),
    ``conversions`` wrap the values they name (by their IML path)."""
    names = {**_ROOTS, **(roots or {})}
    parts: list[str] = []
    for is_text, value in _parts(source, names, conversions or {}):
        parts.append(value if is_text else "{{" + value + "}}")
    return "".join(parts)


def to_iml_expression(
    source: str,
    *,
    roots: Mapping[str, str] | None = None,
    conversions: Conversions | None = None,
) -> str:
    """One IML expression (no braces) for the whole template: text parts become literals."""
    names = {**_ROOTS, **(roots or {})}
    parts = [
        (string_literal(value) if is_text else value, is_text)
        for is_text, value in _parts(source, names, conversions or {})
    ]
    if not parts:
        return '""'
    if len(parts) == 1:
        return parts[0][0]
    first, first_is_text = parts[0]
    head = first if first_is_text else f"toString({first})"
    return " + ".join([head, *(_wrap(text) for text, _ in parts[1:])])


def _parts(
    source: str, names: Mapping[str, str], conversions: Conversions
) -> list[tuple[bool, str]]:
    """(is_text, text or IML expression) pieces of the template, in order."""
    if "{{" not in source and "{%" not in source and "{#" not in source:
        return [(True, source)] if source else []
    from runtime.templates.jinja_engine import parse_template

    try:
        tree = parse_template(source)
    except TemplateSyntaxError as error:
        raise NotExportableError(f"template does not parse: {error.message}") from None
    pieces: list[tuple[bool, str]] = []
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):
            raise NotExportableError(
                f"'{{% {type(statement).__name__.lower()} %}}' blocks have no IML form"
            )
        for node in statement.nodes:
            if isinstance(node, nodes.TemplateData):
                pieces.append((True, node.data))
            else:
                pieces.append((False, _expr(node, names, conversions)))
    return pieces


def string_literal(text: str) -> str:
    """An IML string literal: double quotes unless the text holds one."""
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    raise NotExportableError(f"text {text!r} holds both quote characters; IML cannot quote it")


def _wrap(expression: str) -> str:
    """Parenthesise an expression that is not a single term (a space outside quotes/parens)."""
    depth, quote = 0, ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == " " and depth == 0:
            return f"({expression})"
    return expression


def _member(target: str, key: str) -> str:
    if PLAIN_NAME.match(key):
        return f"{target}.{key}"
    if "`" in key:
        raise NotExportableError(f"key {key!r} holds a backtick; IML cannot name it")
    return f"{target}.`{key}`"


def _const(value: object) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return string_literal(value)
    raise NotExportableError(f"constant {value!r} has no IML form")


def _expr(node: nodes.Node, names: Mapping[str, str], conversions: Conversions) -> str:
    """One Jinja expression node as IML (converted where ``conversions`` name its path)."""
    iml = _plain_expr(node, names, conversions)
    convert = conversions.get(iml) if isinstance(node, nodes.Getattr | nodes.Getitem) else None
    return iml if convert is None else convert(iml)


def _plain_expr(node: nodes.Node, names: Mapping[str, str], conversions: Conversions) -> str:
    """One Jinja expression node as IML; refuses whatever has no IML counterpart."""

    def sub(child: nodes.Node) -> str:
        return _expr(child, names, conversions)

    if isinstance(node, nodes.Name):
        if node.name not in names:
            raise NotExportableError(f"variable {node.name!r} has no IML counterpart")
        return names[node.name]
    if isinstance(node, nodes.Getattr):
        return _member(sub(node.node), node.attr)
    if isinstance(node, nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return _member(sub(node.node), node.arg.value)
        raise NotExportableError("indexing ([...]) has no IML form: IML arrays are 1-indexed")
    if isinstance(node, nodes.Const):
        return _const(node.value)
    if isinstance(node, nodes.Filter):
        return _filter(node, sub)
    if isinstance(node, nodes.CondExpr):
        otherwise = "undefined" if node.expr2 is None else sub(node.expr2)
        return f"if({sub(node.test)}; {sub(node.expr1)}; {otherwise})"
    if isinstance(node, nodes.Compare):
        if len(node.ops) != 1 or node.ops[0].op not in _COMPARE:
            raise NotExportableError("only one comparison (==, !=, <, <=, >, >=) per expression")
        operator = _COMPARE[node.ops[0].op]
        return f"{_wrap(sub(node.expr))} {operator} {_wrap(sub(node.ops[0].expr))}"
    if isinstance(node, nodes.Concat):
        texts = [_wrap(sub(item)) for item in node.nodes]
        first = node.nodes[0]
        if not (isinstance(first, nodes.Const) and isinstance(first.value, str)):
            texts[0] = f"toString({sub(first)})"
        return " + ".join(texts)
    if isinstance(node, nodes.And):
        return f"{_wrap(sub(node.left))} && {_wrap(sub(node.right))}"
    if isinstance(node, nodes.Or):
        return f"ifempty({sub(node.left)}; {sub(node.right)})"
    if isinstance(node, nodes.Not):
        return f"!{_wrap(sub(node.node))}"
    if isinstance(node, nodes.BinExpr) and type(node).__name__ in _ARITHMETIC:
        operator = _ARITHMETIC[type(node).__name__]
        return f"{_wrap(sub(node.left))} {operator} {_wrap(sub(node.right))}"
    raise NotExportableError(f"'{type(node).__name__}' expressions have no IML form")


def _filter(node: nodes.Filter, sub: Callable[[nodes.Node], str]) -> str:
    name = node.name
    if node.kwargs or node.dyn_args is not None or node.dyn_kwargs is not None:
        raise NotExportableError(f"filter {name!r} with keyword arguments has no IML form")
    args = [sub(arg) for arg in node.args]
    if node.node is None:
        raise NotExportableError(f"filter {name!r} without a value has no IML form")
    value = sub(node.node)
    if name == "relative_path" and not args:
        # Always "/" + the path without its leading "/": Make appends a URL that starts with
        # "/" to baseUrl but sends an absolute one as it is, with the connection's auth, so
        # "https://evil.example/x" must become a path under the account's API, never a host.
        slash = string_literal("/")
        rest = f"substring({value}; 1; length({value}))"
        return f"{slash} + if(indexOf({value}; {slash}) = 0; {rest}; {value})"
    if name in ("default", "join") and len(args) <= 1:
        function = "ifempty" if name == "default" else "join"
        return f"{function}({value}; {args[0] if args else string_literal('')})"
    if name in _FUNCTIONS and not args:
        return f"{_FUNCTIONS[name]}({value})"
    raise NotExportableError(f"filter {name!r} with {len(args)} argument(s) has no IML form")
