"""Templates: typed single expressions, strict names, data-only attribute access, safe paths."""

from __future__ import annotations

import pytest

from runtime.core.errors import InputError, RenderError
from runtime.templates.jinja_engine import parse_references
from runtime.templates.templating import render_value


def test_a_single_expression_keeps_the_value_type() -> None:
    context = {"parameters": {"id": 7, "items": [{"title": "A"}], "flag": False}}
    assert render_value("{{ parameters.id }}", context) == 7
    assert render_value("{{ parameters.items }}", context) == [{"title": "A"}]
    assert render_value("{{ parameters.flag }}", context) is False


def test_mixed_text_renders_to_text() -> None:
    assert render_value("Client {{ parameters.id }}!", {"parameters": {"id": 7}}) == "Client 7!"


def test_an_undefined_name_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(RenderError, match="nmae"):
        render_value("{{ parameters.nmae }}", {"parameters": {"name": "x"}})


def test_mapping_attributes_are_keys_never_python_methods() -> None:
    with pytest.raises(RenderError, match="parameters has no 'keys'"):
        render_value("{{ parameters.keys }}", {"parameters": {}})
    with pytest.raises(RenderError, match="has no attribute 'keys'"):  # the jinja path too
        render_value("{{ parameters.keys | string }}", {"parameters": {}})


@pytest.mark.parametrize("value", [None, True, 3.5, "x y", 0])
def test_plain_paths_and_jinja_print_values_alike(value: object) -> None:
    context = {"parameters": {"v": value}}
    plain = render_value("v={{ parameters.v }}", context)
    assert plain == render_value("v={{ parameters.v | default(parameters.v) }}", context)


def test_values_put_into_a_url_are_encoded_so_they_cannot_change_the_path() -> None:
    url = render_value(
        "/clients/{{ parameters.id }}", {"parameters": {"id": "1/../../staff?x=1"}}, url=True
    )
    assert url == "/clients/1%2F..%2F..%2Fstaff%3Fx%3D1"


def test_relative_path_keeps_a_checked_path_as_it_is() -> None:
    rendered = render_value(
        "{{ parameters.url | relative_path }}",
        {"parameters": {"url": "/invoices/3/payments"}},
        url=True,
    )
    assert rendered == "/invoices/3/payments"
    with pytest.raises(InputError, match="must not be an absolute URL"):
        render_value(
            "{{ parameters.url | relative_path }}",
            {"parameters": {"url": "https://x.io/a"}},
            url=True,
        )


def test_inputs_are_data_and_are_never_rendered_again() -> None:
    assert (
        render_value("{{ parameters.name }}", {"parameters": {"name": "{{ 7 * 7 }}"}})
        == "{{ 7 * 7 }}"
    )


def test_references_name_each_root_and_first_attribute() -> None:
    references, filters = parse_references(
        "{{ parameters.a | default(connection.domain) }} {{ item['b'] }}"
    )
    assert {(r.root, r.attribute) for r in references} == {
        ("parameters", "a"),
        ("connection", "domain"),
        ("item", "b"),
    }
    assert filters == ["default"]


@pytest.mark.parametrize(
    "source",
    [
        "{{ parameters.v }}",
        "v={{ parameters.v }}",
        "{{ 'date' if parameters.v == 'date' else none }}",
        "{{ 'all' if parameters.v else none }}",
        "{{ 1 if parameters.v == 2 else 'no' }}",
        "{{ parameters.v | lower }}",
        "https://{{ parameters.v | lower }}.clientary.com",
        "{{ parameters.v|upper }}",
    ],
)
@pytest.mark.parametrize(
    "value", [None, True, False, 0, 2, "", "date", "name", "ACME", "Ünï", [], {"a": 1}]
)
def test_the_fast_path_gives_what_jinja_gives(source: str, value: object) -> None:
    from runtime.templates.jinja_engine import compile_jinja
    from runtime.templates.templating import compile_template

    context = {"parameters": {"v": value}}
    assert compile_template(source).evaluate(context) == compile_jinja(source, False)(context)


def test_a_relative_path_through_the_fast_path_is_still_checked() -> None:
    with pytest.raises(InputError, match="must not be an absolute URL"):
        render_value("{{ parameters.url | relative_path }}", {"parameters": {"url": "//x.io"}})


def test_keywords_are_literals_not_variables() -> None:
    assert render_value("{{ none }}", {}) is None
    assert render_value("{{ true }}", {}) is True


@pytest.mark.parametrize(
    "url", ["/clients/..;/x", "/clients/..;jsessionid=1/x", "/.;/x", "/clients/..%3b/x", "/a/.."]
)
def test_dot_segments_with_path_parameters_are_refused(url: str) -> None:
    with pytest.raises(InputError, match=r"must not contain '\.\.'"):
        render_value("{{ parameters.url | relative_path }}", {"parameters": {"url": url}})


def test_semicolons_elsewhere_in_a_path_are_kept() -> None:
    rendered = render_value(
        "{{ parameters.url | relative_path }}", {"parameters": {"url": "/a;b/c"}}
    )
    assert str(rendered) == "/a;b/c"
