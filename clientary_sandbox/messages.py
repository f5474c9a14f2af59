"""E-mailing an invoice or an estimate: POST /api/v2/{invoices,estimates}/:id/messages.

Only secondary sources describe the route (api.md 8.8, 8.9: Corsair and Metorial agree on the
path and the field names, not on the shape of `recipients`), so the sandbox takes both shapes
and answers as the decisions table of the package says.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import invalid
from .invoices import DRAFT, SENT
from .store import Doc, Store, now_iso

# one address: something@host.tld, no spaces or list separators
_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
PARENT_KEY = {"invoices": "invoice_id", "estimates": "estimate_id"}


def recipients(value: Any) -> list[str]:
    """The addresses of `recipients`: a comma-separated text (Metorial) or a list (Corsair)."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        parts = value
    elif value is None:
        parts = []
    else:
        raise invalid({"recipients": ["is invalid"]})
    addresses = [part.strip() for part in parts if part.strip()]
    if not addresses:
        raise invalid({"recipients": ["can't be blank"]})
    wrong = [address for address in addresses if not _EMAIL.fullmatch(address)]
    if wrong:
        raise invalid({"recipients": [f"{address} is not an e-mail address" for address in wrong]})
    return addresses


def _text(body: Doc, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid({name: ["is invalid"]})
    return value


def send(store: Store, resource: str, doc: Doc, body: Doc) -> Doc:
    """Record the message (kept for tests; no route lists messages) and mark a Draft Sent.

    The caller holds a transaction and has fetched `doc` (404 before any 422). Returns the
    updated document, unrendered.
    """
    message = {
        PARENT_KEY[resource]: doc["id"],
        "recipients": recipients(body.get("recipients")),
        "subject": _text(body, "subject"),
        "message": _text(body, "message"),
        "send_copy": bool(body.get("send_copy")),
        "attach_pdf": bool(body.get("attach_pdf")),
        "created_at": now_iso(),
    }
    message["id"] = store.next_id("messages")
    store.insert("messages", message)
    if doc.get("status") == DRAFT:
        doc["status"] = SENT
        doc["updated_at"] = now_iso()
        store.put(resource, doc)
    return doc
