"""Template -> IML translations, with expectations written by hand."""

from __future__ import annotations

import pytest

from runtime.core.errors import ConnectorError, NotExportableError
from runtime.export.iml import to_iml, to_iml_expression


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("/clients", "/clients"),
        ("{{ parameters.name }}", "{{parameters.name}}"),
        ("/clients/{{ parameters.id }}/contacts", "/clients/{{parameters.id}}/contacts"),
        (
            "https://{{ connection.domain }}.clientary.com",
            "https://{{connection.domain}}.clientary.com",
        ),
        ("{{ item.name }}", "{{item.name}}"),
        ("{{ body }}", "{{body}}"),
        ("{{ headers }}", "{{headers}}"),
        ("{{ status }}", "{{statusCode}}"),
        ("{{ parameters.x | default('a') }}", '{{ifempty(parameters.x; "a")}}'),
        ("{{ parameters.tags | join(',') }}", '{{join(parameters.tags; ",")}}'),
        ("{{ parameters.x | lower }}", "{{lower(parameters.x)}}"),
        ("{{ parameters.x | upper }}", "{{upper(parameters.x)}}"),
        ("{{ parameters.x | trim }}", "{{trim(parameters.x)}}"),
        ("{{ parameters.x | length }}", "{{length(parameters.x)}}"),
        ("{{ parameters.x | string }}", "{{toString(parameters.x)}}"),
        ("{{ parameters.x | int }}", "{{parseNumber(parameters.x)}}"),
        ("{{ parameters.x | float }}", "{{parseNumber(parameters.x)}}"),
        (
            "{{ parameters.url | relative_path }}",
            '{{"/" + if(indexOf(parameters.url; "/") = 0; '
            "substring(parameters.url; 1; length(parameters.url)); parameters.url)}}",
        ),
        (
            "{{ 'date' if parameters.sort == 'date' else none }}",
            '{{if(parameters.sort = "date"; "date"; undefined)}}',
        ),
        (
            "{{ item.name }}{{ ' (' ~ item.number ~ ')' if item.number else '' }}",
            '{{item.name}}{{if(item.number; " (" + item.number + ")"; "")}}',
        ),
        ("{{ item.id ~ item.number }}", "{{toString(item.id) + item.number}}"),
        (
            "{{ item.description or 'Expense ' ~ item.id }}",
            '{{ifempty(item.description; "Expense " + item.id)}}',
        ),
        ("{{ parameters.a and not parameters.b }}", "{{parameters.a && !parameters.b}}"),
        ("{{ parameters['odd key'] }}", "{{parameters.`odd key`}}"),
        ("{{ 'say \"hi\"' }}", "{{'say \"hi\"'}}"),
        ("{{ 1 }}{{ true }}", "{{1}}{{true}}"),
    ],
)
def test_translates(source: str, expected: str) -> None:
    assert to_iml(source) == expected


def test_expression_joins_text_and_values() -> None:
    assert to_iml_expression("{{ connection.api_token }}") == "connection.api_token"
    assert to_iml_expression("/a/{{ parameters.id }}/b") == '"/a/" + parameters.id + "/b"'
    assert to_iml_expression("{{ parameters.id }}/b") == 'toString(parameters.id) + "/b"'
    assert to_iml_expression("/plain") == '"/plain"'


def test_roots_can_be_renamed() -> None:
    renamed = to_iml("{{ connection.domain }}", roots={"connection": "parameters"})
    assert renamed == "{{parameters.domain}}"


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("{% for x in parameters.items %}{{ x }}{% endfor %}", "for"),
        ("{% if parameters.a %}a{% endif %}", "if"),
        ("{{ parameters.x | capitalize }}", "capitalize"),
        ("{{ parameters.x | default('a', true) }}", "default"),
        ("{{ parameters.list[0] }}", "1-indexed"),
        ("{{ secrets.token }}", "secrets"),
        ("{{ [1, 2] }}", "List"),
        ("{{ parameters.x in parameters.y }}", "comparison"),
        ("{{ parameters.x ", "parse"),
    ],
)
def test_refuses_what_has_no_iml_form(source: str, named: str) -> None:
    with pytest.raises(NotExportableError, match=named):
        to_iml(source)


def test_error_is_a_connector_error() -> None:
    assert issubclass(NotExportableError, ConnectorError)
