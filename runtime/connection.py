"""The account a run talks to: domain, token and base URL, checked before any request.

The domain must be one DNS label, so a value such as ``evil.com/x`` can never
send the token to another host. ``--base-url`` swaps only scheme, host and port
(to reach the sandbox or a test server); the API path stays the one declared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from runtime.errors import InputError
from runtime.json_limits import TooDeepError, load_yaml
from runtime.specs import BaseSpec, ConnectionSpec
from runtime.templating import render_value

_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
PLACEHOLDER_DOMAIN = "local"  # stands in for the domain when --base-url replaces the host


@dataclass(frozen=True, slots=True)
class Connection:
    """The values of one connection plus the base URL every request starts from."""

    values: Mapping[str, Any]
    base_url: str
    secrets: tuple[str, ...]
    username: str
    password: str

    @property
    def target(self) -> str:
        """What identifies the account in trigger state: the base URL, never the token."""
        return self.base_url


def check_domain(value: object) -> str:
    text = str(value or "").strip().lower()
    if _DOMAIN.fullmatch(text):
        return text
    hint = ""
    if text.endswith(".clientary.com"):
        hint = f"; enter only the part before .clientary.com, e.g. {text.split('.')[0]!r}"
    shown = str(value)[:60]
    raise InputError(
        "connection.domain: expected the account's subdomain, one label of letters, digits "
        f"and '-' (e.g. 'acme' for acme.clientary.com); got {shown!r}{hint}"
    )


def check_base_url(value: str) -> str:
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
        usable = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and parts.path in ("", "/")
            and not parts.query
            and not parts.fragment
            and parts.username is None
        )
    except ValueError:  # "http://[::1": urlsplit refuses an unclosed IPv6 bracket
        usable = False
    if not usable:
        raise InputError(
            "--base-url: expected scheme, host and optional port only, such as "
            f"'http://127.0.0.1:8080'; got {value[:60]!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def read_connection_values(file: str | None, environ: Mapping[str, str]) -> dict[str, Any]:
    """Connection values from a YAML/JSON file, else from CLIENTARY_DOMAIN / CLIENTARY_API_TOKEN."""
    if file:
        path = Path(file)
        where = f"--connection {file}"
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), where)
        except UnicodeDecodeError as error:
            raise InputError(
                f"{where}: expected UTF-8 text; got a byte that is not UTF-8 at offset "
                f"{error.start}"
            ) from None
        except TooDeepError as error:
            raise InputError(str(error)) from None
        except (OSError, yaml.YAMLError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not valid YAML or JSON"
            raise InputError(f"{where}: cannot read it: {reason}") from None
        if not isinstance(data, dict):
            raise InputError(f"--connection {file}: expected a mapping with domain and api_token")
        return data
    values: dict[str, Any] = {}
    if environ.get("CLIENTARY_DOMAIN"):
        values["domain"] = environ["CLIENTARY_DOMAIN"]
    if environ.get("CLIENTARY_API_TOKEN"):
        values["api_token"] = environ["CLIENTARY_API_TOKEN"]
    return values


def _check_latin1(spec: ConnectionSpec, values: Mapping[str, Any]) -> None:
    """Basic auth is encoded as latin-1 by requests (a UnicodeEncodeError for anything else):
    refuse such a secret here, naming where, never showing it."""
    for name in spec.secret_names:
        text = str(values.get(name) or "")
        bad = next((index for index, char in enumerate(text) if ord(char) > 0xFF), None)
        if bad is not None:
            raise InputError(
                f"connection.{name}: expected Latin-1 characters only (a Clientary token is "
                f"letters and digits); got a character outside Latin-1 at position {bad + 1}"
            )


def open_connection(
    spec: ConnectionSpec,
    base: BaseSpec,
    values: Mapping[str, Any],
    base_url: str | None = None,
) -> Connection:
    """Check the values and work out the base URL; nothing is sent."""
    override = check_base_url(base_url) if base_url else None
    known = set(spec.parameters.get("properties", {}))
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(
            f"connection: unknown key {unknown[0]!r}; expected: {', '.join(sorted(known))}"
        )
    token = str(values.get("api_token") or "")
    if not token.strip():
        raise InputError(
            "connection.api_token: expected the API token "
            "(profile page > Generate API Token); got nothing"
        )
    _check_latin1(spec, values)
    checked = dict(values)
    if override is not None and not values.get("domain"):
        checked["domain"] = PLACEHOLDER_DOMAIN
    checked["domain"] = check_domain(checked.get("domain"))
    context = {"connection": checked}
    declared = str(render_value(base.url, context))
    if override is not None:
        declared = override + urlsplit(declared).path
    secrets = tuple(str(checked[name]) for name in spec.secret_names if checked.get(name))
    return Connection(
        values=checked,
        base_url=declared.rstrip("/"),
        secrets=secrets,
        username=str(render_value(spec.username, context)),
        password=str(render_value(spec.password, context)),
    )
