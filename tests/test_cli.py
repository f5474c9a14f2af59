"""The command line: one clear line per error, exit codes, no secret in any output."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
import responses

from runtime.core.errors import InputError
from tests.conftest import CANARY_TOKEN, REPO, CliResult

BASE = "https://acme.clientary.com/api/v2"
Cli = Callable[..., CliResult]


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        pytest.param(
            401,
            {"error": "Invalid API token"},
            "error: InvalidAccessTokenError: HTTP 401: the API token was refused; create a new "
            "one on your Clientary profile page (Generate API Token): Invalid API token",
            id="401",
        ),
        pytest.param(
            404,
            {"error": "Not found"},
            "error: DataError: HTTP 404: not found: no such record, or no such account (check "
            "the id and the domain): Not found",
            id="404",
        ),
        pytest.param(
            422,
            {"errors": {"name": ["can't be blank"], "number": ["has already been taken"]}},
            "error: DataError: HTTP 422: Clientary refused the data: name can't be blank; "
            "number has already been taken",
            id="422",
        ),
        pytest.param(
            426,
            {"error": "must meet plan limits"},
            "error: OutOfSpaceError: HTTP 426: the account's plan limit is reached; upgrade the "
            "plan or remove records first: must meet plan limits",
            id="426",
        ),
    ],
)
def test_an_api_error_is_one_line_with_the_make_type_and_no_token(
    cli: Cli, api: responses.RequestsMock, status: int, body: object, expected: str, verbose: bool
) -> None:
    api.add("POST", f"{BASE}/clients", json=body, status=status)
    arguments = ["run", "create_client", "--param", "name=ACME"] + (
        ["--verbose"] if verbose else []
    )
    result = cli(*arguments)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines[-1] == expected
    assert len(lines) == (2 if verbose else 1)
    if verbose:
        assert lines[0].startswith(f"> POST {BASE}/clients -> {status} (")
    assert CANARY_TOKEN not in result.err


def test_create_client_prints_the_created_client_as_one_json_line(
    cli: Cli, api: responses.RequestsMock
) -> None:
    api.add("POST", f"{BASE}/clients", json={"id": 7, "name": "ACME"}, status=201)
    result = cli("run", "create_client", "--param", "name=ACME")
    assert (result.code, result.out, result.err) == (0, '{"id":7,"name":"ACME"}\n', "")


@pytest.mark.parametrize(
    "domain",
    ["evil.com/x", "a.b", "x@y", "", "-acme", "http://acme.clientary.com", "acme.clientary.com.x"],
)
def test_a_bad_domain_is_refused_before_any_request(
    cli: Cli, api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch, domain: str
) -> None:
    monkeypatch.setenv("CLIENTARY_DOMAIN", domain)
    result = cli("run", "get_client", "--param", "id=1")
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: connection.domain: expected the account's subdomain"
    )
    assert len(api.calls) == 0


def test_a_plain_http_address_as_domain_gets_a_hint_that_works(
    cli: Cli, api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIENTARY_DOMAIN", "http://acme.clientary.com/")
    result = cli("run", "get_client", "--param", "id=1")
    assert result.code == 2 and len(api.calls) == 0
    assert result.err.rstrip().endswith("the API is reached over https only: enter 'acme'")


def test_dry_run_shows_the_request_with_the_token_masked_and_sends_nothing(
    cli: Cli, api: responses.RequestsMock
) -> None:
    result = cli("run", "update_client", "--param", "id=5", "--param", "city=Oslo", "--dry-run")
    assert result.code == 0
    assert json.loads(result.out) == {
        "method": "PUT",
        "url": f"{BASE}/clients/5",
        "query": {},
        "headers": {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": "Basic ****",
        },
        "body": {"client": {"city": "Oslo"}},
    }
    assert len(api.calls) == 0


def test_parameters_are_checked_before_any_request(cli: Cli, api: responses.RequestsMock) -> None:
    result = cli("run", "update_client", "--param", "id=abc", "--param", "nmae=x")
    assert result.code == 2
    assert result.err == (
        "error: DataError: parameters.nmae: unknown parameter; expected one of: id, name, number, "
        "description, website, address, address_2, city, state, zip, country, "
        "invoice_extra_fields; "
        'parameters.id: expected integer; got "abc"\n'
    )
    assert len(api.calls) == 0


def test_a_missing_required_parameter_is_named(cli: Cli) -> None:
    result = cli("run", "create_client")
    assert (result.code, result.err) == (
        2,
        "error: DataError: parameters.name: required, got nothing\n",
    )


def test_an_id_cannot_change_the_path(cli: Cli, api: responses.RequestsMock) -> None:
    result = cli("run", "make_api_call", "--param", "url=/clients/1", "--dry-run")
    assert json.loads(result.out)["url"] == f"{BASE}/clients/1"
    preview = cli("run", "get_client", "--params", '{"id": 1}', "--dry-run")
    assert json.loads(preview.out)["url"] == f"{BASE}/clients/1"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.com/x",
        "//evil.com",
        "/a/../../x",
        "/x@evil.com",
        "/a\\b",
        "/a%2F..%2Fb",
        "clients",
    ],
)
def test_the_universal_module_refuses_paths_that_could_leave_the_api(
    cli: Cli, api: responses.RequestsMock, url: str
) -> None:
    result = cli("run", "make_api_call", "--param", f"url={url}")
    assert result.code == 2
    assert result.err.startswith(
        "error: DataError: parameters.url: expected a path relative to the API base"
    )
    assert len(api.calls) == 0


def test_the_universal_module_cannot_override_authorization(
    cli: Cli, api: responses.RequestsMock
) -> None:
    result = cli(
        "run",
        "make_api_call",
        "--param",
        "url=/staff",
        "--params",
        '{"headers": {"authorization": "Basic x"}}',
    )
    assert result.code == 2
    assert (
        "headers.authorization: this header is set by the connection and cannot be overridden"
        in result.err
    )
    assert len(api.calls) == 0


def test_an_unknown_module_gets_a_suggestion(cli: Cli) -> None:
    result = cli("run", "create_clients")
    assert result.code == 2
    assert result.err.startswith("error: DataError: no module named 'create_clients' (did you mean")


def test_no_token_means_a_clear_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLIENTARY_API_TOKEN")
    result = cli("run", "get_client", "--param", "id=1")
    assert result.code == 2
    assert "connection.api_token: expected the API token" in result.err


def test_modules_lists_id_kind_and_label(cli: Cli) -> None:
    lines = [json.loads(line) for line in cli("modules", "--json").out.splitlines()]
    assert {
        "id": "create_client",
        "kind": "action",
        "crud": "create",
        "label": "Create a Client",
        "file": "modules/clients/create_client.yaml",
    } in lines


def test_describe_shows_inputs_and_outputs(cli: Cli) -> None:
    text = cli("describe", "search_clients").out
    assert (
        "  limit          integer (uinteger)  optional  Limit. The most clients to return. "
        "default `10`"
    ) in text.splitlines()
    assert "outputs:\n  id                    integer                    Client ID" in text


def test_describe_shows_how_a_trigger_can_start(cli: Cli) -> None:
    text = cli("describe", "watch_new_tasks").out
    assert "  first run: --start now | all | date:YYYY-MM-DD | id:N (default now)" in text


def test_verify_says_the_connection_works(cli: Cli, api: responses.RequestsMock) -> None:
    api.add("GET", f"{BASE}/staff", json={"staff": []})
    result = cli("verify")
    assert (result.code, result.err) == (0, f"ok: the connection to {BASE} works\n")


def test_verify_names_a_wrong_domain(cli: Cli, api: responses.RequestsMock) -> None:
    api.add("GET", f"{BASE}/staff", body="<html>Not Found</html>", status=404)
    result = cli("verify")
    assert result.code == 1
    assert result.err == (
        f"error: InvalidConfigurationError: HTTP 404: no Clientary account answers at {BASE}; "
        "check the domain (the part before .clientary.com)\n"
    )


# --- the parser: global options either side of the command, --version -------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(("--root", "{root}", "validate"), id="root-before"),
        pytest.param(("validate", "--root", "{root}"), id="root-after"),
        pytest.param(("--root", "{root}", "modules"), id="root-before-other-command"),
        pytest.param(("modules", "--root", "{root}"), id="root-after-other-command"),
    ],
)
def test_root_is_taken_before_or_after_the_command(
    cli: Cli, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    # An empty folder: the error must name it, so the tree the user gave is the one read
    # (a subcommand default would silently put back the repository's definitions).
    result = cli(*(argument.format(root=tmp_path) for argument in arguments))
    assert result.code == 1
    # validate lists problems on stdout; the other commands report the error on stderr
    assert f"no connector.yaml in {tmp_path}" in result.out + result.err
    assert "Traceback" not in result.err


def test_root_after_the_command_wins_over_the_one_before(cli: Cli, tmp_path: Path) -> None:
    result = cli("--root", str(tmp_path), "validate", "--root", str(REPO))
    assert (result.code, result.err.startswith("ok: ")) == (0, True)


def test_version_names_the_package_and_the_definitions(cli: Cli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out == (
        f"connector {version('clientary-connector')} "
        f"(clientary app version 1, definitions: {REPO})\n"
    )


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(("--root", "{root}", "--version"), id="root-first"),
        pytest.param(("--version", "--root", "{root}"), id="version-first"),
    ],
)
def test_version_reads_the_tree_given_by_root(
    cli: Cli, tmp_path: Path, arguments: tuple[str, ...]
) -> None:
    (tmp_path / "connector.yaml").write_text("name: other\nversion: 7\n", encoding="utf-8")
    result = cli(*(argument.format(root=tmp_path) for argument in arguments))
    assert result.code == 0
    assert result.out.endswith(f"(other app version 7, definitions: {tmp_path})\n")


def test_version_without_definitions_says_where_it_looked(cli: Cli, tmp_path: Path) -> None:
    result = cli("--root", str(tmp_path), "--version")
    assert result.code == 1
    assert result.out == f"connector {version('clientary-connector')} (definitions: {tmp_path})\n"
    assert result.err == (
        "error: DefinitionError: 1 problem in the definitions:\n"
        f"connector.yaml: $: no connector.yaml in {tmp_path}\n"
    )


def test_a_command_is_still_required(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("--root", ".")
    assert exit_info.value.code == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


def test_the_sandbox_runs_after_a_global_option(cli: Cli) -> None:
    # refused before it serves anything: proves the sandbox's own main got its arguments
    result = cli("--root", str(REPO), "sandbox", "--host", "0.0.0.0")
    assert result.code == 2
    assert "refusing non-loopback host '0.0.0.0'" in result.err


def test_a_dry_run_builds_no_session_and_needs_no_token(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is sent, so nothing that could send is made, and no token stands in."""

    def no_session(*args: object, **kwargs: object) -> None:
        raise AssertionError("a dry run made a requests.Session")

    monkeypatch.setattr("requests.Session", no_session)
    monkeypatch.delenv("CLIENTARY_API_TOKEN")
    result = cli("run", "get_client", "--param", "id=7", "--dry-run")
    assert result.code == 0, result.err
    assert json.loads(result.out)["headers"]["Authorization"] == "Basic ****"
    assert json.loads(result.out)["url"] == f"{BASE}/clients/7"


def test_a_connection_opened_without_secrets_has_no_credentials() -> None:
    from runtime.definitions.loader import load_connections
    from runtime.engine.connection import open_connection

    connector = load_connections(REPO)
    spec = connector.connections["clientary"]
    connection = open_connection(spec, connector.base, {"domain": "acme"}, need_secrets=False)
    assert (connection.secrets, connection.username, connection.password) == ((), "", "")
    assert connection.base_url == "https://acme.clientary.com/api/v2"
    with pytest.raises(InputError, match=r"connection\.api_token: expected the API token"):
        open_connection(spec, connector.base, {"domain": "acme"})
