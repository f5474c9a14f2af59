"""The account a run talks to: domain, token and base URL, checked before any request.

The domain must be one DNS label, so a value such as ``evil.com/x`` can never
send the token to another host. ``--base-url`` swaps only scheme, host and port
(to reach the sandbox or a test server); the API path stays the one declared.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from runtime.core.errors import InputError
from runtime.core.json_limits import TooDeepError, load_yaml
from runtime.core.redaction import clip
from runtime.definitions.specs import BaseSpec, ConnectionSpec
from runtime.templates.templating import render_value

_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# What people paste: the host, or its https URL with an optional final "/". The label is
# checked by _DOMAIN after, so nothing but one DNS label survives. Plain http:// is not
# accepted: the API is https-only, and a user who typed it should see that it is not used.
_PASTED = re.compile(r"(?:https://)?(?P<label>[^./:@?#\\]+)\.clientary\.com/?")
# A value that plainly names one account (a path or a query pasted along, http://, no
# .clientary.com): the hint offers its label. No "@", ":" port or other host gets a hint.
_NAMED = re.compile(
    r"(?P<scheme>https?://)?(?P<label>[a-z0-9-]+)(?:\.clientary\.com)?(?:[/?#][^@]*)?"
)
MIN_TOKEN_LENGTH = 8  # every secret is masked wherever it occurs: a shorter one mangles output
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
    """The account's label from what a user types or pastes: ``acme``, ``acme.clientary.com``,
    ``https://acme.clientary.com/`` (any case). Anything else is refused, and a hint is given
    only when it is itself accepted."""
    text = "" if value is None else str(value).strip().lower()
    if not text:
        raise InputError(
            "connection.domain: expected the account's subdomain (e.g. 'acme' for "
            "acme.clientary.com); missing: set CLIENTARY_DOMAIN or 'domain' in the "
            "--connection file"
        )
    pasted = _PASTED.fullmatch(text)
    label = pasted["label"] if pasted else text
    if _DOMAIN.fullmatch(label):
        return label
    raise InputError(
        "connection.domain: expected the account's subdomain, one label of letters, digits "
        f"and '-' (e.g. 'acme' for acme.clientary.com); got {clip(str(value), 60)!r}"
        + _domain_hint(text)
    )


def _domain_hint(text: str) -> str:
    """``; enter 'acme'`` when the value plainly names that account, else nothing."""
    named = _NAMED.fullmatch(text)
    if named is None or not _DOMAIN.fullmatch(named["label"]):
        return ""
    if named["scheme"] == "http://":
        return f"; the API is reached over https only: enter {named['label']!r}"
    return f"; enter {named['label']!r}"


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
            f"'http://127.0.0.1:8080'; got {clip(value, 60)!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def read_connection_values(
    file: str | None, environ: Mapping[str, str], note: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Connection values from a YAML/JSON file, else from CLIENTARY_DOMAIN / CLIENTARY_API_TOKEN.

    The token is checked here already (``forgive_secrets``): the CLI hands these values to its
    redactor next, and a token it must refuse should not first be masked all over the error.
    """
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
        return forgive_secrets(data, ("api_token",), note)
    values: dict[str, Any] = {}
    if environ.get("CLIENTARY_DOMAIN"):
        values["domain"] = environ["CLIENTARY_DOMAIN"]
    if environ.get("CLIENTARY_API_TOKEN"):
        values["api_token"] = environ["CLIENTARY_API_TOKEN"]
    return forgive_secrets(values, ("api_token",), note)


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


def forgive_secrets(
    values: Mapping[str, Any], names: Iterable[str], note: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """The values with whitespace around each secret removed (a token copied with a space or
    a newline would be sent as it is and refused as if it were wrong), and a secret shorter
    than MIN_TOKEN_LENGTH refused: every secret is masked wherever it occurs in output, so a
    short one would mangle ordinary text. Only the length is shown, never the value."""
    checked = dict(values)
    for name in names:
        text = checked.get(name)
        if not isinstance(text, str) or not text.strip():
            continue  # missing: open_connection says so
        if text != text.strip():
            checked[name] = text = text.strip()
            (note or _to_stderr)(
                f"note: connection.{name}: leading/trailing whitespace removed "
                "(it is not part of a token)"
            )
        if len(text) < MIN_TOKEN_LENGTH:
            raise InputError(
                f"connection.{name}: expected the API token, at least {MIN_TOKEN_LENGTH} "
                f"characters (profile page > Generate API Token); got {len(text)} character(s)"
            )
    return checked


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


def open_connection(
    spec: ConnectionSpec,
    base: BaseSpec,
    values: Mapping[str, Any],
    base_url: str | None = None,
    note: Callable[[str], None] | None = None,
    *,
    need_secrets: bool = True,
) -> Connection:
    """Check the values and work out the base URL; nothing is sent. ``note`` receives what
    was forgiven (standard error when not given). Without ``need_secrets`` (a dry run, the
    state commands: nothing is sent) a missing token is no error, and then the connection
    has no credentials."""
    override = check_base_url(base_url) if base_url else None
    known = set(spec.parameters.get("properties", {}))
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(
            f"connection: unknown key {unknown[0]!r}; expected: {', '.join(sorted(known))}"
        )
    checked = forgive_secrets(values, spec.secret_names, note)
    missing = not str(checked.get("api_token") or "")
    if missing and need_secrets:
        raise InputError(
            "connection.api_token: expected the API token "
            "(profile page > Generate API Token); got nothing"
        )
    _check_latin1(spec, checked)
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
        username="" if missing else str(render_value(spec.username, context)),
        password="" if missing else str(render_value(spec.password, context)),
    )
