"""Running one module or RPC: render -> send -> map, streaming bundles as pages arrive."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

from runtime.core.errors import InputError, MappingError
from runtime.core.json_limits import TooDeepError
from runtime.definitions.specs import BaseSpec, ConnectorSpec, ModuleSpec, RpcSpec
from runtime.engine.api_errors import raise_for_status
from runtime.engine.connection import Connection
from runtime.engine.mapping import Bundle, get_path, single_bundle
from runtime.engine.pagination import ReadReport, iter_pages
from runtime.engine.rendering import render_request, select_request
from runtime.engine.transport import HttpRequest, HttpResponse, Transport
from runtime.templates.templating import render_value


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a run needs besides the module and its parameters."""

    connector: ConnectorSpec
    connection: Connection
    transport: Transport

    def send(self, request: HttpRequest) -> HttpResponse:
        response = self.transport.send(request)
        raise_for_status(response, self.connector.base.errors)
        return response

    def fetch_body(self, request: HttpRequest) -> Any:
        response = self.send(request)
        try:
            return response.json()
        except TooDeepError as error:
            raise MappingError(f"{request.method} {request.url}: {error}") from None
        except ValueError as error:
            raise MappingError(
                f"{request.method} {request.url}: {error} (Content-Type: "
                f"{response.headers.get('Content-Type', 'none')})"
            ) from None


def build_request(
    spec: ModuleSpec | RpcSpec,
    parameters: Mapping[str, Any],
    connection: Connection,
    base: BaseSpec,
) -> HttpRequest:
    """The request a run sends first (the variant its parameters choose); no transport
    needed, so ``--dry-run`` builds it without one."""
    chosen = select_request(spec.request, spec.variants, parameters)
    return render_request(chosen, parameters, connection, base)


def run_module(
    module: ModuleSpec, parameters: Mapping[str, Any], run: RunContext
) -> Iterator[Bundle]:
    """The module's output bundles; list modules stream them page by page."""
    return chain.from_iterable(run_module_pages(module, parameters, run))


def run_module_pages(
    module: ModuleSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    report: ReadReport | None = None,
) -> Iterator[list[Bundle]]:
    """The same bundles a page at a time (an action's one bundle is a page of one): a
    consumer that handles whole lists, like the CLI's writer, skips a call per record.
    A list module tells ``report`` of each page and of a stop at its limit."""
    request = build_request(module, parameters, run.connection, run.connector.base)
    if module.response.iterate is None:
        yield [_action_output(module, parameters, run.send(request))]
        return
    limit = resolve_limit(module.response.limit, parameters)
    pages = iter_pages(
        request,
        module.response.iterate,
        module.pagination,
        run.fetch_body,
        module.id,
        concurrency=run.connector.base.concurrency,
        wanted=limit,
        report=report,
    )
    if limit is None:
        yield from pages
        return
    remaining = limit
    for records in pages:
        if len(records) >= remaining:
            if report is not None:  # before the yield: a consumer may not ask for more
                report.stop("limit", left_out=len(records) > remaining)
            yield records[:remaining]
            return  # without asking for the next page
        remaining -= len(records)
        yield records


def _action_output(
    module: ModuleSpec, parameters: Mapping[str, Any], response: HttpResponse
) -> Bundle:
    try:
        body = response.json()
    except TooDeepError as error:  # not kept as text: a user could not read it either
        raise MappingError(f"{module.id}: {error}") from None
    except ValueError:  # an action's answer need not be JSON: it is passed on as text
        body = response.content.decode("utf-8", "replace")
    if module.response.output is None:
        return single_bundle(body, module.id)
    context = {
        "parameters": parameters,
        "body": body,
        "status": response.status,
        "headers": dict(response.headers),
    }
    output = render_value(module.response.output, context)
    return single_bundle(output, module.id)


def resolve_limit(limit: int | str | None, parameters: Mapping[str, Any]) -> int | None:
    if limit is None:
        return None
    value = render_value(limit, {"parameters": parameters})
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"parameters.limit: expected a whole number of at least 1; got {value!r}")
    return value


def run_rpc(
    rpc: RpcSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    report: ReadReport | None = None,
) -> Iterator[dict[str, Any]]:
    """Options ``{label, value}``, reading at most ``max_pages`` pages (drop-downs stay quick);
    ``report`` hears of each page and of a stop at the page cap or the limit."""
    request = build_request(rpc, parameters, run.connection, run.connector.base)
    pagination = rpc.pagination
    if pagination is not None:
        pagination = replace(pagination, max_pages=min(pagination.max_pages, rpc.max_pages))
    pages = iter_pages(
        request,
        rpc.response.iterate or "",
        pagination,
        run.fetch_body,
        rpc.id,
        stop_at_cap=True,
        report=report,
    )
    limit = rpc.response.limit if isinstance(rpc.response.limit, int) else None
    remaining = limit
    for records in pages:
        taken = records if remaining is None else records[:remaining]
        if remaining is not None:
            remaining -= len(taken)
            if remaining == 0 and report is not None:
                report.stop("limit", left_out=len(records) > len(taken))
        for item in taken:
            label = render_value(rpc.option_label, {"item": item, "parameters": parameters})
            yield {"label": str(label), "value": get_path(item, rpc.option_value)}
        if remaining == 0:
            return
