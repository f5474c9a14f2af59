"""What a user types or pastes: the obvious is forgiven, the wrong refused, the refusal exact.

Each test runs the command line in-process (``cli``), most with ``--dry-run`` so nothing is
sent; the ones that send talk to ``responses``, never to a network.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses

from runtime.core.errors import InputError, RenderError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import RequestSpec
from runtime.engine.connection import check_base_url, check_domain, open_connection
from runtime.engine.rendering import _method, render_request
from runtime.engine.response_limits import BadEncoding, _inflater_for
from runtime.templates.filters import relative_path
from tests.conftest import CANARY_TOKEN, CliResult

BASE = "https://acme.clientary.com/api/v2"
Cli = Callable[..., CliResult]
CONNECTOR = load_connector(default_root())


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def dry_run(cli: Cli, module: str, *params: str) -> dict[str, Any]:
    arguments = [item for param in params for item in ("--param", param)]
    result = cli("run", module, *arguments, "--dry-run")
    assert (result.code, result.err) == (0, ""), result.err
    preview: dict[str, Any] = json.loads(result.out)
    return preview


# --- 1. domains and tokens -------------------------------------------------------------


@pytest.mark.parametrize(
    "domain",
    [
        "acme",
        "ACME",
        " acme ",
        "acme.clientary.com",
        "acme.clientary.com/",
        "https://acme.clientary.com",
        "https://acme.clientary.com/",
        "HTTPS://Acme.Clientary.com/",
    ],
)
def test_the_pasted_forms_of_a_domain_reduce_to_its_label(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, domain: str
) -> None:
    monkeypatch.setenv("CLIENTARY_DOMAIN", domain)
    assert dry_run(cli, "get_client", "id=1")["url"] == f"{BASE}/clients/1"


@pytest.mark.parametrize(
    ("domain", "hint"),
    [
        ("http://acme", "acme"),
        ("http://acme.clientary.com/", "acme"),
        ("https://acme", "acme"),
        ("https://acme.clientary.com/x", "acme"),
        ("acme.clientary.com.evil.test", None),
        ("acme.clientary.com@evil", None),
        ("https://user@acme.clientary.com/", None),
        ("https://acme.clientary.com:8443/", None),
        ("acme.clientary.com?x=1", None),
        ("evil.com/x", None),
        ("a.b", None),
        ("-acme", None),
        ("acme..clientary.com", None),
    ],
)
def test_any_other_domain_is_refused_with_a_hint_that_is_itself_accepted(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, domain: str, hint: str | None
) -> None:
    monkeypatch.setenv("CLIENTARY_DOMAIN", domain)
    result = cli("run", "get_client", "--param", "id=1", "--dry-run")
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: connection.domain: expected the account's subdomain"
    )
    assert result.err.count("\n") == 1
    suggested = re.findall(r"(?:enter|e\.g\.) '([^']*)'", result.err)
    assert suggested, result.err
    for text in suggested:  # every suggestion works when typed back
        assert check_domain(text) == text
    if hint is not None:
        assert f"enter {hint!r}" in result.err


def test_a_connection_without_a_domain_says_it_is_missing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLIENTARY_DOMAIN")
    result = cli("run", "get_client", "--param", "id=1", "--dry-run")
    assert result.code == 2
    assert result.err.startswith("error: DataError: connection.domain: ")
    assert "missing" in result.err and "None" not in result.err


def test_a_token_with_surrounding_whitespace_is_stripped_with_a_note(
    cli: Cli, api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTARY_API_TOKEN", f"  {CANARY_TOKEN}\n")
    api.add("GET", f"{BASE}/clients/1", json={"id": 1, "name": "ACME"})
    result = cli("run", "get_client", "--param", "id=1")
    assert result.code == 0, result.err
    pair = base64.b64encode(f"{CANARY_TOKEN}:{CANARY_TOKEN}".encode()).decode()
    assert api.calls[0].request.headers["Authorization"] == f"Basic {pair}"
    assert result.err == (
        "note: connection.api_token: leading/trailing whitespace removed "
        "(it is not part of a token)\n"
    )


@pytest.mark.parametrize("token", ["a", "abc", "1234567"])
def test_a_token_shorter_than_8_characters_is_refused(
    cli: Cli, api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("CLIENTARY_API_TOKEN", token)
    result = cli("run", "get_client", "--param", "id=1")
    assert result.code == 2
    assert result.err == (
        "error: DataError: connection.api_token: expected the API token, at least 8 "
        f"characters (profile page > Generate API Token); got {len(token)} character(s)\n"
    )
    assert len(api.calls) == 0


def test_the_sandbox_token_is_long_enough(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTARY_API_TOKEN", "sandbox-token")
    assert dry_run(cli, "get_client", "id=1")["url"] == f"{BASE}/clients/1"


SECRET = "S3CRETTOKEN0123456789"  # upper case: the method is shown upper-cased
_CONNECTION = open_connection(
    CONNECTOR.connections["clientary"], CONNECTOR.base, {"domain": "acme", "api_token": SECRET}
)


@pytest.mark.parametrize(
    ("make_error", "cut"),
    [
        (check_domain, 60),
        (check_base_url, 60),
        (lambda value: relative_path("/x@" + value), 57),
        (lambda value: _method(value, {}), 20),
        (_inflater_for, 40),
        (
            lambda value: render_request(
                RequestSpec("GET", "{{ parameters.p }}"), {"p": value}, _CONNECTION, CONNECTOR.base
            ),
            60,
        ),
    ],
    ids=["domain", "base-url", "relative-path", "method", "encoding", "rendered-path"],
)
def test_a_message_showing_a_value_masks_it_before_cutting_it(
    make_error: Callable[[str], object], cut: int
) -> None:
    """Cut first, a secret loses its tail and no longer matches its mask: the few characters
    before the cut are shown as they are, too few for the redactor to recognise later."""
    Redactor([SECRET])
    value = "x" * (cut - 5) + SECRET  # a cut at ``cut`` keeps 5 characters of the secret
    with pytest.raises((InputError, RenderError, BadEncoding)) as caught:
        make_error(value)
    assert SECRET[:5] not in str(caught.value), str(caught.value)


# --- 2. make_api_call --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v2/leads", f"{BASE}/leads"),
        ("/api/v2/invoices/12/payments", f"{BASE}/invoices/12/payments"),
        ("/leads", f"{BASE}/leads"),
    ],
)
def test_a_url_with_the_api_path_is_taken_as_the_same_path(
    cli: Cli, url: str, expected: str
) -> None:
    assert dry_run(cli, "make_api_call", f"url={url}")["url"] == expected


@pytest.mark.parametrize(
    "url", ["/api/v2/../x", "/api/v2//evil.test/x", "/api/v2/%2e%2e/x", "/api/v2/..;/x"]
)
def test_the_api_path_prefix_opens_no_way_out(cli: Cli, url: str) -> None:
    result = cli("run", "make_api_call", "--param", f"url={url}", "--dry-run")
    assert result.code in (1, 2)
    assert result.err.startswith("error: "), result.err
    assert "parameters.url" in result.err or "rendered path" in result.err


@pytest.mark.parametrize("method", ["get", "Get", "GET"])
def test_an_enum_value_is_matched_case_insensitively(cli: Cli, method: str) -> None:
    assert dry_run(cli, "make_api_call", "url=/leads", f"method={method}")["method"] == "GET"


def test_every_enum_is_matched_case_insensitively(cli: Cli) -> None:
    assert dry_run(cli, "search_clients", "sort=DATE")["query"]["sort"] == "date"


def test_a_value_matching_no_enum_member_is_still_refused(cli: Cli) -> None:
    result = cli("run", "make_api_call", "--param", "url=/leads", "--param", "method=fetch")
    assert result.code == 2
    assert "parameters.method: expected one of 'GET' (GET), 'POST' (POST)" in result.err


# --- 3. updates with nothing to change -------------------------------------------------

UPDATES = sorted(module.id for module in CONNECTOR.modules.values() if module.crud == "update")


def test_update_with_only_empty_fields_says_nothing_to_update(
    cli: Cli, api: responses.RequestsMock
) -> None:
    result = cli("run", "update_invoice", "--param", "id=14", "--param", "note=")
    assert result.code == 2
    assert result.err.startswith("error: DataError: update_invoice: nothing to update; ")
    assert "'connector describe update_invoice'" in result.err
    assert len(api.calls) == 0


@pytest.mark.parametrize("module", UPDATES)
def test_every_update_module_refuses_an_empty_change(cli: Cli, module: str) -> None:
    assert CONNECTOR.modules[module].request.require_body
    result = cli("run", module, "--param", "id=3", "--dry-run")
    assert result.code == 2
    assert f"{module}: nothing to update" in result.err


def test_an_update_with_one_field_still_goes_out(cli: Cli) -> None:
    body = dry_run(cli, "update_invoice", "id=14", "note=Thanks")["body"]
    assert body == {"invoice": {"note": "Thanks"}}


# --- 4. formats ----------------------------------------------------------------------------


@pytest.mark.parametrize("website", ["notaurl", "ftp://acme.com", "https://", "http:// x.com"])
def test_a_website_that_is_not_a_web_address_is_refused(cli: Cli, website: str) -> None:
    result = cli("run", "create_client", "--param", "name=A", "--param", f"website={website}")
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: parameters.website: expected a web address such as https://acme.com"
    )


@pytest.mark.parametrize(
    ("website", "sent"),
    [
        ("acme.com", "https://acme.com"),
        ("www.acme.com/about", "https://www.acme.com/about"),
        ("http://acme.com", "http://acme.com"),
    ],
)
def test_a_website_without_a_scheme_gets_https(cli: Cli, website: str, sent: str) -> None:
    body = dry_run(cli, "create_client", "name=A", f"website={website}")["body"]
    assert body["client"]["website"] == sent


INVOICE = ("date=2024-02-01", "due_date=2024-03-01")


def test_a_currency_code_is_uppercased(cli: Cli) -> None:
    body = dry_run(cli, "create_invoice", *INVOICE, "currency_code=usd")["body"]
    assert body["invoice"]["currency_code"] == "USD"


@pytest.mark.parametrize("code", ["US", "USDX", "U$D", "12"])
def test_a_currency_code_of_other_than_three_letters_is_refused(cli: Cli, code: str) -> None:
    result = cli(
        "run", "create_invoice", *(f"--param={p}" for p in INVOICE), f"--param=currency_code={code}"
    )
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: parameters.currency_code: expected a three-letter currency code"
    )


def test_every_currency_and_website_input_declares_its_format() -> None:
    for module in CONNECTOR.modules.values():
        for name, field in module.input["properties"].items():
            if name == "currency_code":
                assert field.get("format") == "currency", module.id
            if name == "website":
                assert field.get("format") == "uri", module.id


def test_a_due_date_before_the_date_is_warned_about_and_sent(cli: Cli) -> None:
    arguments = ["date=2024-03-01", "due_date=2024-02-01", "currency_code=EUR"]
    result = cli("run", "create_invoice", *(f"--param={a}" for a in arguments), "--dry-run")
    assert result.code == 0
    assert result.err == (
        "WARNING: parameters.due_date (2024-02-01) is before parameters.date (2024-03-01); "
        "sent as given\n"
    )
    assert json.loads(result.out)["body"]["invoice"]["due_date"] == "2024-02-01"


def test_dates_in_order_get_no_warning(cli: Cli) -> None:
    dry_run(cli, "create_invoice", *INVOICE, "currency_code=EUR")  # asserts an empty stderr


# --- 5. malformed JSON for array and object parameters -----------------------------------


def test_malformed_json_for_an_array_names_the_position(cli: Cli) -> None:
    result = cli(
        "run",
        "create_invoice",
        *(f"--param={p}" for p in INVOICE),
        "--param=currency_code=EUR",
        '--param=line_items=[{"title": "x",]',
    )
    assert result.code == 2
    assert result.err == (
        "error: DataError: parameters.line_items: expected a JSON array; got invalid JSON at "
        "line 1 column 16 (Expecting property name enclosed in double quotes)\n"
    )


def test_malformed_json_for_an_object_or_array_names_both(cli: Cli) -> None:
    result = cli("run", "make_api_call", "--param=url=/leads", "--param=body={x")
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: parameters.body: expected a JSON object or array; got invalid JSON "
        "at line 1 column 2"
    )


def test_well_formed_json_of_the_wrong_kind_is_still_a_type_mismatch(cli: Cli) -> None:
    result = cli(
        "run",
        "create_invoice",
        *(f"--param={p}" for p in INVOICE),
        "--param=currency_code=EUR",
        "--param=line_items={}",
    )
    assert result.code == 2
    assert result.err == "error: DataError: parameters.line_items: expected array; got {}\n"
