"""Translating specs into Make's codes: base, connection and module/RPC communication.

Each function returns plain JSON-ready values and records problems in ``issues`` (file
and path parts) instead of raising, so the exporter can name every one at once. Choices:
``omit_empty`` wraps each templated value in ``ifempty(x; undefined)`` (undefined keys are
not sent; empty collections/arrays still are); variants become an ``if()`` chain on the
url (they may differ only there); a POST/PUT/PATCH without body gets ``"{{undefined}}"``
(Make's api.json requires one); headers given as one template (the universal module) are
spread with the authorization header omitted, so it cannot be overridden. Not exported:
pagination ``record_key``, trigger ``overlap``/``first_run``/``total_count``, retries and
concurrency; path values are not percent-encoded per value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from runtime.core.errors import NotExportableError
from runtime.core.json_types import JsonObject
from runtime.definitions.source import PathParts
from runtime.definitions.specs import (
    BaseSpec,
    ConnectionSpec,
    ConnectorSpec,
    ModuleSpec,
    PaginationSpec,
    RequestSpec,
    ResponseSpec,
    RpcSpec,
    VariantSpec,
)
from runtime.export.iml import Conversions, string_literal, to_iml, to_iml_expression
from runtime.export.make_epoch import epoch_label
from runtime.export.make_errors import error_directive
from runtime.export.make_params import (
    RpcHelp,
    input_conversions,
    interface,
    mappable_parameters,
    trigger_parameters,
)

_CONNECTION_ROOTS = {"connection": "parameters"}  # a connection's own requests read parameters
_AUTHORIZATION = ("authorization", "Authorization", "AUTHORIZATION")


class ExportIssue(NamedTuple):
    """A template without an IML form: the file and the path in it, for validate to locate."""

    file: str
    parts: PathParts
    message: str


@dataclass
class _Translate:
    """Translates the templates of one definition file, collecting issues instead of raising."""

    file: str
    issues: list[ExportIssue] = field(default_factory=list)
    roots: Mapping[str, str] | None = None
    conversions: Conversions | None = None

    def text(self, source: str, path: PathParts) -> str:
        try:
            return to_iml(source, roots=self.roots, conversions=self.conversions)
        except NotExportableError as error:
            self.issues.append(ExportIssue(self.file, path, error.message))
            return ""

    def expression(self, source: str, path: PathParts) -> str:
        try:
            return to_iml_expression(source, roots=self.roots, conversions=self.conversions)
        except NotExportableError as error:
            self.issues.append(ExportIssue(self.file, path, error.message))
            return '""'

    def value(self, value: Any, path: PathParts, omit_empty: bool = False) -> Any:
        if isinstance(value, Mapping):
            return {k: self.value(v, (*path, k), omit_empty) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, (*path, i), omit_empty) for i, v in enumerate(value)]
        if not isinstance(value, str) or "{{" not in value:
            return value
        if omit_empty and value.strip().startswith("{{") and value.strip().endswith("}}"):
            return "{{ifempty(" + self.expression(value, path) + "; undefined)}}"
        return self.text(value, path)

    def flat(
        self, value: Any, path: PathParts, omit_empty: bool, omitted: tuple[str, ...] = ()
    ) -> JsonObject:
        """qs/headers: a mapping, or one template spread into the object with ``{{...}}``
        (``omitted`` keys left out of the spread, as the runtime refuses them)."""
        if isinstance(value, str):
            spread = self.expression(value, path)
            if omitted:
                keys = "; ".join(string_literal(key) for key in omitted)
                spread = f"omit({spread}; {keys})"
            return {"{{...}}": "{{" + spread + "}}"}
        result: JsonObject = self.value(dict(value), path, omit_empty)
        return result


def _basic_auth(connection: ConnectionSpec, translate: _Translate) -> str:
    user = translate.expression(connection.username, ("auth", "basic", "username"))
    password = translate.expression(connection.password, ("auth", "basic", "password"))
    return f'Basic {{{{base64({user} + ":" + {password})}}}}'


def base_code(base: BaseSpec, auth: ConnectionSpec | None, issues: list[ExportIssue]) -> JsonObject:
    translate = _Translate("connector.yaml", issues)
    headers = translate.value(dict(base.headers), ("base", "headers"))
    if auth is not None:
        headers["authorization"] = _basic_auth(auth, _Translate(auth.file, issues))
    response: JsonObject = {"error": error_directive(base)}
    if any(status.upper() == "3XX" for status in base.errors):
        response["valid"] = "{{statusCode >= 200 && statusCode < 300}}"
    return {
        "baseUrl": translate.text(base.url, ("base", "url")),
        "headers": headers,
        "timeout": min(300000, max(1, int(base.timeout_seconds * 1000))),
        "response": response,
        "log": {"sanitize": list(base.sanitize)},
    }


def connection_codes(
    connector: ConnectorSpec, spec: ConnectionSpec, issues: list[ExportIssue]
) -> JsonObject:
    translate = _Translate(spec.file, issues, _CONNECTION_ROOTS)
    base = _Translate("connector.yaml", issues, _CONNECTION_ROOTS)
    request = _request(spec.verify, (), translate, ("verify", "request"))
    request["url"] = base.text(connector.base.url, ("base", "url")) + request["url"]
    headers = base.value(dict(connector.base.headers), ("base", "headers"))
    request["headers"] = {**headers, **request.get("headers", {})}
    request["headers"]["authorization"] = _basic_auth(spec, translate)
    request["response"] = {"error": error_directive(connector.base)}
    request["log"] = {"sanitize": list(connector.base.sanitize)}
    params = mappable_parameters(spec.parameters)
    return {"communication": request, "params": [{**p, "editable": True} for p in params]}


def _variant_url(
    spec: RequestSpec, variants: tuple[VariantSpec, ...], translate: _Translate, path: PathParts
) -> str:
    url = translate.expression(spec.url, (*path, "url"))
    for index, variant in reversed(list(enumerate(variants))):
        where = ("variants", index, "request")
        for key in ("method", "query", "headers", "body", "omit_empty"):
            if getattr(variant.request, key) != getattr(spec, key):
                message = f"differs from the main request in '{key}'; only the url may differ"
                translate.issues.append(ExportIssue(translate.file, where, message))
        then = translate.expression(variant.request.url, (*where, "url"))
        url = f"if(parameters.{variant.when}; {then}; {url})"
    return url


def _request(
    spec: RequestSpec, variants: tuple[VariantSpec, ...], translate: _Translate, path: PathParts
) -> JsonObject:
    """One Make request; variants become an ``if()`` chain on the url, first match first."""
    if not variants:
        url = translate.text(spec.url, (*path, "url"))
    else:
        url = "{{" + _variant_url(spec, variants, translate, path) + "}}"
    request: JsonObject = {"url": url, "method": translate.text(spec.method, (*path, "method"))}
    if spec.headers is not None:
        request["headers"] = translate.flat(
            spec.headers, (*path, "headers"), spec.omit_empty, omitted=_AUTHORIZATION
        )
    if spec.query is not None:
        request["qs"] = translate.flat(spec.query, (*path, "query"), spec.omit_empty)
    if spec.body is not None:
        request["body"] = translate.value(spec.body, (*path, "body"), spec.omit_empty)
    elif spec.method in ("POST", "PUT", "PATCH"):  # Make's api.json requires a body for these
        request["body"] = "{{undefined}}"
    return request


def _paged(request: JsonObject, pagination: PaginationSpec | None, max_pages: int) -> None:
    if pagination is None:
        return
    if pagination.page_size_parameter is not None:
        request.setdefault("qs", {})[pagination.page_size_parameter] = pagination.page_size
    request["pagination"] = {
        "qs": {pagination.page_parameter: "{{pagination.page}}"},
        "condition": f"{{{{pagination.page <= body.{pagination.page_count}"
        f" && pagination.page <= {max_pages}}}}}",
    }


def _response(response: ResponseSpec, translate: _Translate, limit: Any) -> JsonObject:
    result: JsonObject = {}
    if response.iterate is not None:
        result["iterate"] = "{{body." + response.iterate + "}}"
    limit = response.limit if response.limit is not None else limit
    if limit is not None:
        result["limit"] = translate.value(limit, ("response", "limit"))
    if response.output is not None:
        result["output"] = translate.value(response.output, ("response", "output"))
    return result


def module_codes(
    module: ModuleSpec, issues: list[ExportIssue], rpc_help: RpcHelp | None = None
) -> JsonObject:
    translate = _Translate(module.file, issues, conversions=input_conversions(module.input))
    request = _request(module.request, module.variants, translate, ("request",))
    _paged(request, module.pagination, module.pagination.max_pages if module.pagination else 1)
    trigger = module.trigger
    limit = "{{ parameters.limit }}" if trigger is not None else None
    response = _response(module.response, translate, limit)
    codes: JsonObject = {"communication": {**request, "response": response}}
    codes["staticParams"] = trigger_parameters(module.input, rpc_help) if trigger else []
    codes["mappableParams"] = [] if trigger else mappable_parameters(module.input, rpc_help)
    codes |= {"interface": interface(module.output), "samples": module.sample, "scope": []}
    if trigger is not None:
        response["trigger"] = {"id": "{{item." + trigger.id + "}}", "type": "id"}
        response["trigger"]["order"] = trigger.order
        if trigger.date is not None:
            response["trigger"]["date"] = "{{item." + trigger.date + "}}"
        date = "{{item." + trigger.date + "}}" if trigger.date else "{{undefined}}"
        epoch = {"limit": 300, "output": {"label": epoch_label(module), "date": date}}
        iterate = {"iterate": response["iterate"]} if "iterate" in response else {}
        codes["epoch"] = {"response": {**iterate, **epoch}}
    return codes


def rpc_codes(rpc: RpcSpec, issues: list[ExportIssue]) -> JsonObject:
    translate = _Translate(rpc.file, issues, conversions=input_conversions(rpc.input))
    request = _request(rpc.request, rpc.variants, translate, ("request",))
    _paged(request, rpc.pagination, rpc.max_pages)
    response = _response(rpc.response, translate, None)
    response["output"] = {
        "label": translate.text(rpc.option_label, ("option", "label")),
        "value": "{{item." + rpc.option_value + "}}",
    }
    return {
        "communication": {**request, "response": response},
        "params": mappable_parameters(rpc.input),
    }
