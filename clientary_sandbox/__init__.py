# ruff: noqa: E501  (the decisions table below is a markdown table; rows cannot wrap)
"""Embedded, stateful stand-in for the Clientary (formerly Ronin) API v2, for offline tests.

Follows the Clientary API v2 documentation (api.md below; tests/samples holds copies of
its documented samples). Public API::

    from clientary_sandbox import Sandbox, Fault
    with Sandbox(token="sandbox-token", seed=3) as sb:
        sb.inject(Fault.status(503), method="GET", path="/api/v2/clients", times=1)
        ...  # talk to sb.base_url + "/api/v2/..." with Basic auth token:token

Decisions where api.md is uncertain or silent:

| question | choice | why |
|---|---|---|
| task create path | `POST /api/v2/task` and `POST /api/v2/tasks` both create | docs print `/task` [doc]; integrations use `/tasks` [2nd] |
| task update key | `complete` and `completed` both set `complete` (+ `completed_at`) | object field is `complete`, doc example sends `completed` |
| lead create path | `POST /api/v2/Lead` and `POST /api/v2/leads` | docs print `/Lead` [doc]; integrations use `/leads` |
| create / update / delete responses | 201 + bare object / 200 + bare object / 200 + `{}` | single GETs are bare [doc]; Ballerina spec says 201 for creates |
| error bodies | `{"error": "..."}`; 422 as `{"errors": {"field": ["msg"]}}` | Rails style assumed by Corsair [2nd]; format undocumented |
| unknown id, route or method | 404 `{"error": "Not found"}` | Rails behaviour [uncertain]; no 405 in a Rails router |
| paths without `/api/v2` (e.g. `/projects/:id/tasks`) | 404; only `/api/v2/...` is served | api.md: "Use `/api/v2/...`" |
| page_size | accepted on every paged list, clamped to 1..100 | max 100 documented for contacts; third parties send it everywhere |
| page_count | max(1, ceil(total / page_size)); a page past the end is empty | undocumented; keeps `page <= page_count` loops terminating |
| bad `page` / `page_size` | non-integers fall back to the default; page < 1 = 1 | undocumented |
| default order of undocumented lists | ascending id (contacts, estimates, invoices, projects, tasks, ...) | api.md 10: order unknown |
| `payments?sort=created_at` | newest created first (ties by id) | direction undocumented; mirrors `clients?sort=date` |
| `updated_since` / `from_date` / `to_date` | must be YYYY-MM-DD, else 400; compared per day | docs use YYYY-MM-DD; Metorial uses day granularity |
| expenses default range | current calendar year; echoed as `YYYY/MM/DD` like the sample | fiscal-year start is an account setting the sandbox lacks |
| unique `number` | per resource (clients and leads separate); empty number never collides | [doc] says unique within the account; blanks are defaults |
| client/lead `number` default | `""` (string) | samples show strings; no auto-numbering documented |
| estimate/invoice/recurring number | auto-increment from highest numeric number (1000 / 1000001) | estimates: "auto-increments" [doc]; invoices by analogy |
| recurring required fields | client_id, next_date, time_interval, currency_code, due_period | only source is Composio [2nd] |
| recurring item `price` | stored as a string with 2 decimals | sample `"49.99"` [doc] |
| recurring enums | `time_interval` 1..11, `status` 0..2, `action` 0..2, else 422 "is not included in the list" | the documented integer enums [doc]; Metorial's words ("monthly") contradict them |
| recurring Autobill | `action` 2 needs `payment_profile_id` (422 "can't be blank"), a profile of the schedule's own client (422 "is invalid") | [doc] "requires a valid payment_profile_id" |
| e-mailing (`POST /invoices/:id/messages`, `/estimates/:id/messages`) | unwrapped body; `recipients` a comma-separated text or a list of strings; 200 + the bare invoice/estimate | Corsair + Metorial agree on path and names, not on the `recipients` shape, and wrap nothing [2nd]; the answer is undocumented |
| `/messages` checks | unknown id 404 first; 422 `{"errors": {"recipients": [...]}}` when missing, blank or an address is not `x@host.tld`; subject, message, send_copy, attach_pdf optional | [uncertain]; Rails finds the record before validating |
| status after e-mailing | Draft (0) -> Sent (1); any other status is kept | what "send" means in Clientary [uncertain] |
| sent messages | stored for tests (`engine.records("messages")`), listed by no route, deleted with their document | no message resource is documented |
| invoice Paid status | 4 when balance <= 0 and total_cost > 0; back to 1 (Sent) when a payment removal reopens it | brief; reopen status undocumented |
| payment with `payment_profile_id` | amount = outstanding balance, note `""`, `transaction_id` = `ch_sandbox...` | [doc] whole balance is charged; amount and note ignored |
| charge with nothing to pay (balance <= 0) | 422 `{"errors": {"base": ["nothing to charge: the invoice has no balance"]}}`, no payment | undocumented; a Rails model would refuse a zero charge with a base error rather than record 0 |
| charge with another client's profile (or an invoice without a client) | 422 `payment_profile_id: is invalid` | undocumented; the card must be the invoice's client's, as the Rails association would scope it |
| cascades | client -> projects, invoices, estimates, contacts, payment profiles; lead -> estimates, contacts; invoice -> payments, messages; estimate -> messages; project -> hours, tasks | [doc] for clients/leads; rest keeps no orphans that need a parent |
| project delete and its tasks | deletes the project's tasks with its hours; its invoices, estimates and expenses stay (with their project_id) | Metorial: tasks, hours, comments, notes go [2nd][uncertain]; no source for the others |
| hours cost and project totals | cost = hours * rate (the project's rate when none is given), recomputed on update; a project's worked_hours, unbilled_hours and cost are summed from its hours on every read | fields [doc]; arithmetic undocumented |
| marking hours billed | `billed?` (or `billed`) in a PUT `project_item` sets it (extension, so tests can bill an entry) | the docs bill hours through invoicing, which the sandbox lacks |
| contacts of leads | `GET/POST /api/v2/leads/:id/contacts` (extension) | leads hold contacts [doc] but no route is documented |
| foreign keys in bodies | unknown client_id/project_id/lead_id/assignee_id/payment_profile_id -> 422 "is invalid" | Rails association validation |
| unwrapped bodies | ignored (as if empty) -> 422 for required fields | docs require the wrapper [doc] |
| 406 | no `Accept: application/json` (also for `*/*`) and no `.json` suffix | [doc] requires one of the two |
| persistence re-seed | a db_path that already holds staff is not seeded again | keeps ids stable across restarts |
| plan limits | 426 when count(resource) >= plan_limits[resource] on create | [doc] clients, leads, contacts; any resource key is honoured |
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Mapping
from types import TracebackType

from .crud import Engine
from .faults import Fault, FaultPlan
from .seed import seed as _seed
from .server import SandboxHTTPServer
from .store import Store

__all__ = ["Fault", "Sandbox", "is_loopback"]


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP literals."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server6(SandboxHTTPServer):
    address_family = socket.AF_INET6


class Sandbox:
    """A Clientary API v2 sandbox served over HTTP from a background thread."""

    def __init__(
        self,
        token: str = "sandbox-token",
        db_path: str | None = None,
        seed: int = 0,
        plan_limits: Mapping[str, int] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """`progress(done, total)` is called after each seeded client."""
        self.token = token
        self.store = Store(db_path)
        self.engine = Engine(self.store, plan_limits)
        self.seeded = _seed(self.engine, seed, progress)  # False: db_path held data already
        self.faults = FaultPlan()
        self.requests_seen: list[tuple[str, str]] = []
        self._base_url: str | None = None
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, host: str = "127.0.0.1", port: int = 0, allow_remote: bool = False) -> str:
        """Serve on host:port (0 = free port); returns "http://HOST:PORT"."""
        if self._server is not None:
            raise RuntimeError("sandbox already started")
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"refusing non-loopback host {host!r} (pass allow_remote=True)")
        bare = host.strip("[]")
        cls = _Server6 if ":" in bare else SandboxHTTPServer
        server = cls((bare, port), self.engine, self.token, self.faults)
        server.requests_seen = self.requests_seen
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        actual_port = server.server_address[1]
        shown = f"[{bare}]" if ":" in bare else bare
        self._base_url = f"http://{shown}:{actual_port}"
        return self._base_url

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` while serving (no /api/v2)."""
        if self._base_url is None:
            raise RuntimeError("the sandbox is not started: call start() or use it in a with block")
        return self._base_url

    def stop(self) -> None:
        """Stop serving and join the server thread; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_open_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def close(self) -> None:
        """Stop serving and close the database connection (the instance is then unusable)."""
        self.stop()
        self.store.close()

    def inject(
        self, fault: Fault, method: str | None = None, path: str | None = None, times: int = 1
    ) -> None:
        """Apply `fault` to the next `times` requests matching method and path prefix."""
        self.faults.add(fault, method, path, times)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
