"""runtime.core.json_limits: JSON and YAML from outside are parsed with bounded nesting, and too
deep a value is one ValueError naming where it came from, the depth and the limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.core.json_limits import MAX_DEPTH, TooDeepError, check_depth, load_yaml, parse_json


def nested_array(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_parse_json_keeps_values_exact() -> None:
    assert parse_json(b'{"id": 123456789012345678901234567890, "a": [1.5, "x"]}', "body") == {
        "id": 123456789012345678901234567890,
        "a": [1.5, "x"],
    }
    assert parse_json('["\\ud800"]', "body") == ["\ud800"]  # a lone surrogate is data


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900, 100_000])
def test_too_deep_json_names_where_depth_and_limit(depth: int) -> None:
    with pytest.raises(TooDeepError) as caught:
        parse_json(nested_array(depth).encode(), "the response of GET /clients")
    assert str(caught.value) == (
        f"the response of GET /clients: expected at most {MAX_DEPTH} levels of nesting; "
        f"got {depth} levels"
    )
    assert isinstance(caught.value, ValueError)


def test_depth_at_the_limit_passes_and_brackets_in_strings_do_not_count() -> None:
    assert parse_json(nested_array(MAX_DEPTH), "x") is not None
    text = '{"a": "' + "[" * 500 + '", "b": [[1]]}'
    assert parse_json(text, "x")["b"] == [[1]]


def test_deep_objects_are_measured_too() -> None:
    text = '{"a":' * 150 + "1" + "}" * 150
    with pytest.raises(TooDeepError, match="got 150 levels"):
        parse_json(text, "x")


def test_invalid_json_is_a_value_error_naming_where() -> None:
    with pytest.raises(ValueError, match=r"^--params: expected JSON; got invalid JSON at line 1"):
        parse_json("{nope", "--params")
    with pytest.raises(ValueError, match=r"^body: expected JSON in UTF-8"):
        parse_json(b'"\xff\xfe\xff"', "body")


def test_check_depth_on_parsed_values() -> None:
    value: Any = 1
    for _ in range(150):
        value = [value]
    with pytest.raises(TooDeepError, match=r"^conn.yaml: expected at most 100 levels"):
        check_depth(value, "conn.yaml")
    check_depth({"a": [{"b": 1}]}, "x")
    check_depth("text", "x")


def test_check_depth_stops_on_a_value_that_contains_itself() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(TooDeepError, match="got more than 100"):
        check_depth(loop, "x")


def test_load_yaml_refuses_deep_nesting_without_recursion_error() -> None:
    for depth in (150, 900, 2_000):
        with pytest.raises(TooDeepError, match=r"^conn.yaml: expected at most 100 levels"):
            load_yaml("[" * depth + "]" * depth, "conn.yaml")
    assert load_yaml("domain: acme\napi_token: x\n", "conn.yaml") == {
        "domain": "acme",
        "api_token": "x",
    }


def test_load_yaml_alias_bomb_is_cheap() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 12):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    value = load_yaml("\n".join(lines), "bomb.yaml")  # 10**12 leaves if expanded
    assert len(value) == 12


def test_load_yaml_passes_yaml_errors_through() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [", "x")


def walked_depth(value: Any) -> int:
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


@pytest.mark.parametrize(
    "text",
    [
        # brackets in strings that would balance a shallower reading of the document
        '["]", [' * 60 + '"["' + "]" * 120,
        '["\\\\", [' * 60 + "1" + "]]" * 60,
        '["\\\\\\"]", [' * 60 + "1" + "]]" * 60,
        '{"a\\\\\\"[": [' * 60 + "1" + "]}" * 60,
    ],
)
def test_strings_and_escapes_do_not_hide_depth(text: str) -> None:
    expected = walked_depth(json.loads(text))
    assert expected > MAX_DEPTH
    with pytest.raises(TooDeepError, match=f"got {expected} levels"):
        parse_json(text, "x")
    with pytest.raises(TooDeepError, match=f"got {expected} levels"):
        parse_json(text.encode(), "x")


json_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab\n'),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\a', max_size=3), children, max_size=3)
    ),
    max_leaves=400,
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(json_values, st.integers(min_value=0, max_value=MAX_DEPTH + 5))
def test_parse_json_refuses_exactly_the_too_deep(value: Any, wrap: int) -> None:
    for _ in range(wrap):
        value = [value]
    text = json.dumps(value)
    depth = walked_depth(value)
    if depth > MAX_DEPTH:
        with pytest.raises(TooDeepError, match=f"got {depth} levels"):
            parse_json(text, "x")
    else:
        assert parse_json(text.encode(), "x") == value


def test_a_number_beyond_python_s_digit_limit_is_a_value_error_naming_where() -> None:
    with pytest.raises(ValueError, match=r"^body: expected JSON; got a value Python refuses"):
        parse_json("[" + "9" * 5000 + "]", "body")
