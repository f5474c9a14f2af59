"""Create/read/update/delete of records: validation, plan limits, cascades, rendering."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .errors import ApiError, invalid, not_found
from .fields import FOREIGN_KEYS, blank, coerce
from .invoices import compute_totals, merge_items, next_number, refresh_invoice
from .resources import SPECS
from .store import Doc, Store, now_iso, today

# documented cascades (api.md 8.1, 8.2, 8.9) plus records that cannot live without their parent
CASCADES: dict[str, list[tuple[str, str]]] = {
    "clients": [
        ("projects", "client_id"),
        ("invoices", "client_id"),
        ("estimates", "client_id"),
        ("contacts", "client_id"),
        ("payment_profiles", "client_id"),
    ],
    "leads": [("estimates", "lead_id"), ("contacts", "lead_id")],
    "invoices": [("payments", "invoice_id"), ("messages", "invoice_id")],
    "estimates": [("messages", "estimate_id")],
    "projects": [("hours", "project_id"), ("tasks", "project_id")],  # Metorial [2nd][uncertain]
}
NUMBER_START = {"estimates": 1000, "invoices": 1000, "recurring": 1000001}
# documented enums enforced on write (api.md 8.12, 9); Autobill needs a payment profile [doc]
ENUMS: dict[str, dict[str, tuple[int, ...]]] = {
    "recurring": {"time_interval": tuple(range(1, 12)), "status": (0, 1, 2), "action": (0, 1, 2)},
}
AUTOBILL = 2


class Engine:
    """Business rules over a Store; callers hold no lock, every operation is atomic."""

    def __init__(self, store: Store, plan_limits: Mapping[str, int] | None = None) -> None:
        self.store = store
        self.plan_limits = dict(plan_limits or {})

    # -- reading ---------------------------------------------------------------------------
    def fetch(self, resource: str, record_id: int) -> Doc:
        doc = self.store.get(resource, record_id)
        if doc is None:
            raise not_found()
        return doc

    def get(self, resource: str, record_id: int) -> Doc:
        return self.render(resource, self.fetch(resource, record_id))

    def records(self, resource: str, **equals: Any) -> list[Doc]:
        with self.store.lock:
            return [self.render(resource, d) for d in self.store.where(resource, **equals)]

    def render(self, resource: str, doc: Doc) -> Doc:
        """The API representation; adds embedded/derived fields that are not stored."""
        out = dict(doc)
        if resource in ("projects", "recurring"):
            client = self.store.get("clients", doc["client_id"]) if doc.get("client_id") else None
            out["client"] = (
                client if client is not None else ({} if resource == "recurring" else None)
            )
        if resource == "projects":
            hours = self.store.where("hours", project_id=doc["id"])
            unbilled = [h for h in hours if not h.get("billed?")]
            out["worked_hours"] = round(sum(float(h["hours"] or 0) for h in hours), 2)
            out["unbilled_hours"] = round(sum(float(h["hours"] or 0) for h in unbilled), 2)
            out["cost"] = round(sum(float(h["cost"] or 0) for h in hours), 2)
        if resource == "invoices":
            out["payments"] = [
                {
                    k: p.get(k)
                    for k in (
                        "id",
                        "amount",
                        "note",
                        "received_on",
                        "updated_at",
                        "invoice_id",
                        "transaction_fee_amount",
                        "transaction_id",
                    )
                }
                for p in self.store.where("payments", invoice_id=doc["id"])
            ]
        for internal in ("stripe_source_id",):
            out.pop(internal, None)
        return out

    # -- writing ---------------------------------------------------------------------------
    def create(self, resource: str, body: Any, parent: Mapping[str, int] | None = None) -> Doc:
        spec = SPECS[resource]
        attrs = self._attrs(resource, body)
        with self.store.transaction():
            limit = self.plan_limits.get(resource)
            if limit is not None and self.store.count(resource) >= limit:
                raise ApiError(426, {"error": "must meet plan limits"})
            doc: Doc = copy.deepcopy(spec.writable)
            doc.update(copy.deepcopy(spec.fixed))
            doc.update(parent or {})
            if spec.items_key:
                doc[spec.items_key] = []
            self._assign(resource, doc, attrs)
            self._defaults(resource, doc)
            self._validate(resource, doc, attrs, creating=True)
            stamp = now_iso()
            doc["created_at"] = doc["updated_at"] = stamp
            doc["id"] = self.store.next_id(resource)  # items and derived fields refer to it
            self._items(resource, doc, attrs)
            self._derive(resource, doc)
            self.store.insert(resource, doc)  # written once, complete
            if resource == "payments":
                self._touch_invoice(doc["invoice_id"])
            return self.render(resource, doc)

    def update(self, resource: str, record_id: int, body: Any) -> Doc:
        attrs = self._attrs(resource, body)
        with self.store.transaction():
            doc = self.fetch(resource, record_id)
            self._assign(resource, doc, attrs)
            self._validate(resource, doc, attrs, creating=False)
            self._items(resource, doc, attrs)
            self._derive(resource, doc)
            doc["updated_at"] = now_iso()
            self.store.put(resource, doc)
            return self.render(resource, doc)

    def delete(self, resource: str, record_id: int, **scope: Any) -> None:
        with self.store.transaction():
            doc = self.fetch(resource, record_id)
            if any(doc.get(k) != v for k, v in scope.items()):
                raise not_found()
            for child, key in CASCADES.get(resource, []):
                for rec in self.store.where(child, **{key: record_id}):
                    self.delete(child, rec["id"])
            self.store.delete(resource, record_id)
            if resource == "payments" and doc.get("invoice_id"):
                self._touch_invoice(doc["invoice_id"])

    # -- helpers ---------------------------------------------------------------------------
    def _attrs(self, resource: str, body: Any) -> Doc:
        spec = SPECS[resource]
        attrs = body.get(spec.wrapper, {}) if isinstance(body, dict) else {}
        if not isinstance(attrs, dict):
            raise invalid({spec.wrapper: ["is invalid"]})
        return attrs

    def _assign(self, resource: str, doc: Doc, attrs: Doc) -> None:
        spec = SPECS[resource]
        errors: dict[str, list[str]] = {}
        for key, value in attrs.items():
            name = key
            if resource == "tasks" and key == "completed":
                name = "complete"  # doc example uses `completed`, the object field is `complete`
            if resource == "hours" and key in ("billed", "billed?"):
                name = "billed?"
            elif name not in spec.writable:
                continue  # unknown keys inside the wrapper are ignored
            cast, error = coerce(name, value)
            if error:
                errors[name] = [error]
            doc[name] = cast
        if errors:
            raise invalid(errors)

    def _defaults(self, resource: str, doc: Doc) -> None:
        if resource in NUMBER_START and blank(doc.get("number")):
            doc["number"] = next_number(self.store, resource, NUMBER_START[resource])
        if resource == "hours" and doc.get("date") is None:
            doc["date"] = today()
        if resource == "payments" and doc.get("received_on") is None:
            doc["received_on"] = today()
        if resource == "expenses" and doc.get("incurred_on") is None:
            doc["incurred_on"] = today()
        if resource == "payment_profiles":
            doc["gateway_token"] = doc.get("stripe_customer_id")

    def _validate(self, resource: str, doc: Doc, attrs: Doc, creating: bool) -> None:
        spec = SPECS[resource]
        required = list(spec.required)
        if resource == "payments" and doc.get("payment_profile_id") is not None:
            required = ["payment_profile_id"]
        errors = {f: ["can't be blank"] for f in required if blank(doc.get(f))}
        for fk, target in FOREIGN_KEYS.items():
            if fk in attrs and doc.get(fk) is not None and self.store.get(target, doc[fk]) is None:
                errors.setdefault(fk, []).append("is invalid")
        for name, allowed in ENUMS.get(resource, {}).items():
            if name in attrs and doc.get(name) is not None and doc[name] not in allowed:
                errors.setdefault(name, []).append("is not included in the list")
        if resource == "recurring" and doc.get("action") == AUTOBILL:
            self._autobill(doc, errors)
        if resource == "payments" and doc.get("payment_profile_id") is not None and not errors:
            errors.update(self._charge_errors(doc))
        for field_name in spec.unique:
            value = doc.get(field_name)
            if blank(value) or (not creating and field_name not in attrs):
                continue
            for other in self.store.where(resource, **{field_name: value}):
                if other.get("id") != doc.get("id"):
                    errors.setdefault(field_name, []).append("has already been taken")
                    break
        if errors:
            raise invalid(errors)

    def _autobill(self, doc: Doc, errors: dict[str, list[str]]) -> None:
        """Autobill charges a stored card of the schedule's own client [doc]."""
        if "payment_profile_id" in errors:  # already refused as an unknown profile
            return
        if doc.get("payment_profile_id") is None:
            errors["payment_profile_id"] = ["can't be blank"]
        elif not self._is_card_of(doc["payment_profile_id"], doc.get("client_id")):
            errors["payment_profile_id"] = ["is invalid"]

    def _is_card_of(self, profile_id: int, client_id: int | None) -> bool:
        """Whether the payment profile is a stored card of this client."""
        profile = self.store.get("payment_profiles", profile_id) or {}
        return client_id is not None and profile.get("client_id") == client_id

    def _items(self, resource: str, doc: Doc, attrs: Doc) -> None:
        spec = SPECS[resource]
        if spec.items_key and spec.items_key + "_attributes" in attrs:
            raw = attrs[spec.items_key + "_attributes"]
            doc[spec.items_key] = merge_items(
                self.store, spec.items_key, doc[spec.items_key], raw, doc.get("id")
            )

    def _derive(self, resource: str, doc: Doc) -> None:
        if resource in ("estimates", "recurring"):
            compute_totals(doc, SPECS[resource].items_key or "")
        elif resource == "invoices":
            refresh_invoice(self.store, doc)
        elif resource == "hours":
            if doc.get("rate") is None:
                project = self.store.get("projects", doc["project_id"]) or {}
                doc["rate"] = project.get("rate") or 0
            doc["cost"] = round(float(doc["hours"] or 0) * float(doc["rate"] or 0), 2)
        elif resource == "tasks":
            if doc.get("complete") and not doc.get("completed_at"):
                doc["completed_at"] = now_iso()
            elif not doc.get("complete"):
                doc["completed_at"] = None
            if doc.get("project_id") and doc.get("client_id") is None:
                project = self.store.get("projects", doc["project_id"]) or {}
                doc["client_id"] = project.get("client_id")
        elif resource == "payments" and doc.get("payment_profile_id") is not None:
            invoice = self.fetch("invoices", doc["invoice_id"])
            doc["amount"] = max(float(invoice.get("balance") or 0), 0.0)
            doc["note"] = ""  # amount and note are ignored on a charge [doc]
            doc["transaction_id"] = f"ch_sandbox{doc['id']:08d}"

    def _charge_errors(self, doc: Doc) -> dict[str, list[str]]:
        """A charge needs a stored card of the invoice's own client and a balance to charge."""
        invoice = self.fetch("invoices", doc["invoice_id"])
        if not self._is_card_of(doc["payment_profile_id"], invoice.get("client_id")):
            return {"payment_profile_id": ["is invalid"]}
        if float(invoice.get("balance") or 0) <= 0:
            return {"base": ["nothing to charge: the invoice has no balance"]}
        return {}

    def _touch_invoice(self, invoice_id: int) -> None:
        invoice = self.store.get("invoices", invoice_id)
        if invoice is not None:
            refresh_invoice(self.store, invoice)
            invoice["updated_at"] = now_iso()
            self.store.put("invoices", invoice)
