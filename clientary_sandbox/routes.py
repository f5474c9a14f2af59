"""Routing of /api/v2 paths (nested routes, `.json` suffix) to resource operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .crud import Engine
from .errors import not_found
from .listing import expense_envelope, order, paginate
from .messages import send
from .resources import SPECS
from .store import Doc

PREFIX = "/api/v2/"
Params = dict[str, int]
Query = dict[str, str]
Handler = Callable[[Engine, Params, Query, Any], tuple[int, Doc]]
Parent = tuple[str, str]  # (parent resource, foreign-key field)


@dataclass(frozen=True)
class Target:
    """A parsed request path."""

    segments: tuple[str, ...]
    json_suffix: bool
    query: Query


def parse_target(raw: str) -> Target | None:
    """Split '/api/v2/clients/12.json?page=2'; None when outside /api/v2."""
    parts = urlsplit(raw)
    path = parts.path
    if not path.startswith(PREFIX):
        return None
    segments = [s for s in path[len(PREFIX) :].split("/") if s]
    suffix = False
    if segments and segments[-1].endswith(".json"):
        segments[-1] = segments[-1][: -len(".json")]
        suffix = True
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return Target(tuple(segments), suffix, query)


def _scope(engine: Engine, parent: Parent | None, params: Params) -> dict[str, int]:
    if parent is None:
        return {}
    engine.fetch(parent[0], params["pid"])  # 404 when the parent does not exist
    return {parent[1]: params["pid"]}


def _paged(resource: str, parent: Parent | None = None, size: int | None = None) -> Handler:
    spec = SPECS[resource]

    def handler(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
        with engine.store.lock:
            items = order(
                resource, engine.records(resource, **_scope(engine, parent, params)), query
            )
        return 200, paginate(items, query, size or spec.page_size or 30, spec.list_key)

    return handler


def _hours(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
    with engine.store.lock:
        scope = _scope(engine, ("projects", "project_id"), params)
        return 200, {"hours": order("hours", engine.records("hours", **scope), query)}


def _staff(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
    return 200, {"staff": engine.records("staff")}


def _expenses(parent: Parent | None) -> Handler:
    def handler(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
        with engine.store.lock:
            items = engine.records("expenses", **_scope(engine, parent, params))
        return 200, expense_envelope(items, query)

    return handler


def _recurring_invoices(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
    with engine.store.lock:
        engine.fetch("recurring", params["pid"])
        items = [
            i
            for i in engine.records("invoices")
            if {"id": params["pid"]} in (i.get("recurring_schedules") or [])
        ]
    return 200, paginate(order("invoices", items, query), query, 30, "invoices")


def _send(resource: str) -> Handler:
    def handler(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
        with engine.store.transaction():
            doc = send(engine.store, resource, engine.fetch(resource, params["pid"]), body)
            return 200, engine.render(resource, doc)

    return handler


def _create(resource: str, parent: Parent | None = None) -> Handler:
    def handler(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
        with engine.store.transaction():
            scope = _scope(engine, parent, params)
            return 201, engine.create(resource, body, scope)

    return handler


def _get(resource: str) -> Handler:
    return lambda engine, params, query, body: (200, engine.get(resource, params["id"]))


def _update(resource: str) -> Handler:
    return lambda engine, params, query, body: (200, engine.update(resource, params["id"], body))


def _delete(resource: str, scope_field: str | None = None) -> Handler:
    def handler(engine: Engine, params: Params, query: Query, body: Any) -> tuple[int, Doc]:
        scope = {scope_field: params["pid"]} if scope_field else {}
        engine.delete(resource, params["id"], **scope)
        return 200, {}

    return handler


CLIENT: Parent = ("clients", "client_id")
LEAD: Parent = ("leads", "lead_id")
PROJECT: Parent = ("projects", "project_id")
INVOICE: Parent = ("invoices", "invoice_id")

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "staff", _staff),
    ("GET", "staff/:id", _get("staff")),
    ("GET", "clients/:pid/contacts", _paged("contacts", CLIENT)),
    ("POST", "clients/:pid/contacts", _create("contacts", CLIENT)),
    ("GET", "clients/:pid/invoices", _paged("invoices", CLIENT)),
    ("GET", "clients/:pid/estimates", _paged("estimates", CLIENT)),
    ("GET", "clients/:pid/projects", _paged("projects", CLIENT, size=10)),
    ("GET", "clients/:pid/expenses", _expenses(CLIENT)),
    ("GET", "clients/:pid/payment_profiles", _paged("payment_profiles", CLIENT)),
    ("POST", "clients/:pid/payment_profiles", _create("payment_profiles", CLIENT)),
    ("DELETE", "clients/:pid/payment_profiles/:id", _delete("payment_profiles", "client_id")),
    ("GET", "leads/:pid/contacts", _paged("contacts", LEAD)),
    ("POST", "leads/:pid/contacts", _create("contacts", LEAD)),
    ("POST", "Lead", _create("leads")),
    ("GET", "projects/:pid/invoices", _paged("invoices", PROJECT)),
    ("GET", "projects/:pid/estimates", _paged("estimates", PROJECT)),
    ("GET", "projects/:pid/expenses", _expenses(PROJECT)),
    ("GET", "projects/:pid/tasks", _paged("tasks", PROJECT)),
    ("GET", "projects/:pid/hours", _hours),
    ("POST", "projects/:pid/hours", _create("hours", PROJECT)),
    ("GET", "hours/:id", _get("hours")),
    ("PUT", "hours/:id", _update("hours")),
    ("DELETE", "hours/:id", _delete("hours")),
    ("POST", "task", _create("tasks")),
    ("GET", "payments", _paged("payments")),
    ("POST", "invoices/:pid/payments", _create("payments", INVOICE)),
    ("DELETE", "invoices/:pid/payments/:id", _delete("payments", "invoice_id")),
    ("GET", "recurring/:pid/invoices", _recurring_invoices),
    ("POST", "invoices/:pid/messages", _send("invoices")),
    ("POST", "estimates/:pid/messages", _send("estimates")),
    ("GET", "expenses", _expenses(None)),
]
for _name in (
    "clients",
    "leads",
    "contacts",
    "projects",
    "tasks",
    "estimates",
    "invoices",
    "recurring",
    "expenses",
):
    if _name != "expenses":
        ROUTES.append(("GET", _name, _paged(_name)))
    if _name != "contacts":
        ROUTES.append(("POST", _name, _create(_name)))
    ROUTES += [
        ("GET", f"{_name}/:id", _get(_name)),
        ("PUT", f"{_name}/:id", _update(_name)),
        ("DELETE", f"{_name}/:id", _delete(_name)),
    ]


def _match(pattern: str, segments: tuple[str, ...]) -> Params | None:
    parts = pattern.split("/")
    if len(parts) != len(segments):
        return None
    params: Params = {}
    for part, seg in zip(parts, segments, strict=True):
        if part.startswith(":"):
            if not seg.isdigit():
                return None
            params[part[1:]] = int(seg)
        elif part != seg:
            return None
    return params


def resolve(method: str, segments: tuple[str, ...]) -> tuple[Handler, Params]:
    """Find the handler of a route; unknown routes and methods are 404."""
    for route_method, pattern, handler in ROUTES:
        if route_method == method:
            params = _match(pattern, segments)
            if params is not None:
                return handler, params
    raise not_found()
