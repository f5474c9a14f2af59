"""Line items (Rails nested attributes) and totals for estimates, invoices and recurring."""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .fields import blank, coerce
from .store import Doc, Store

SECTION_HEADER = 0
REGULAR_ITEM = 3
DRAFT = 0
SENT = 1
PAID = 4


def _as_list(raw: Any, key: str) -> list[Doc]:
    """Nested attributes come as a list or as a Rails index hash {"0": {...}}."""
    values = list(raw.values()) if isinstance(raw, dict) else raw
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise invalid({key: ["is invalid"]})
    return values


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "t")
    return bool(value)


def _new_item(items_key: str, parent_id: int | None) -> Doc:
    if items_key == "recurring_schedule_items":
        return {
            "recurring_schedule_id": parent_id,
            "item_type": REGULAR_ITEM,
            "title": "",
            "quantity": 1.0,
            "price": "0.00",
            "taxable?": False,
            "secondary_tax?": False,
            "tertiary_tax?": False,
            "total_tax": 0,
        }
    return {"title": "", "quantity": 1, "price": 0, "taxable": True, "item_type": REGULAR_ITEM}


def _apply(items_key: str, item: Doc, attrs: Doc) -> None:
    recurring = items_key == "recurring_schedule_items"
    for key, value in attrs.items():
        if key in ("id", "_destroy"):
            continue
        name = key
        if recurring and key in ("taxable", "secondary_tax", "tertiary_tax"):
            name = key + "?"
        if not recurring and key == "taxable?":
            name = "taxable"
        if name not in item or name in ("recurring_schedule_id", "total_tax"):
            continue  # unknown keys are ignored
        if name.endswith("?") or name == "taxable":
            item[name] = _truthy(value)
            continue
        cast, error = coerce(name, value)
        if error:
            raise invalid({f"{items_key}.{name}": [error]})
        if name == "item_type":
            cast = int(cast) if isinstance(cast, int | float) else REGULAR_ITEM
        if recurring and name == "price" and cast is not None:
            cast = f"{float(cast):.2f}"
        if recurring and name == "quantity" and cast is not None:
            cast = float(cast)
        item[name] = cast


def merge_items(
    store: Store, items_key: str, existing: list[Doc], raw: Any, parent_id: int | None
) -> list[Doc]:
    """Apply `<items_key>_attributes` to the current items: add, update by id, _destroy."""
    attrs_key = items_key + "_attributes"
    items = [dict(i) for i in existing]
    for attrs in _as_list(raw, attrs_key):
        item_id = attrs.get("id")
        if item_id is not None:
            matches = [i for i in items if str(i["id"]) == str(item_id)]
            if not matches:
                raise invalid({f"{items_key}.id": ["is invalid"]})
            if _truthy(attrs.get("_destroy")):
                items = [i for i in items if i is not matches[0]]
                continue
            _apply(items_key, matches[0], attrs)
            continue
        if _truthy(attrs.get("_destroy")):
            continue
        item = _new_item(items_key, parent_id)
        _apply(items_key, item, attrs)
        missing = ["title"] if blank(item["title"]) else []
        if item["item_type"] != SECTION_HEADER:
            missing += [f for f in ("quantity", "price") if attrs.get(f) is None]
        if missing:
            raise invalid({f"{items_key}.{f}": ["can't be blank"] for f in missing})
        item["id"] = store.next_id(items_key)
        items.append(item)
    return items


def _num(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def compute_totals(doc: Doc, items_key: str) -> None:
    """subtotal = sum(quantity*price) over regular items; taxes on taxable items (compound_tax:
    tax2 also applies to tax1); total_cost = subtotal + taxes. Rounded to 2 decimals."""
    rates = [_num(doc.get("tax")), _num(doc.get("tax2")), _num(doc.get("tax3"))]
    subtotal = 0.0
    taxes = [0.0, 0.0, 0.0]
    for item in doc.get(items_key, []):
        if item.get("item_type") == SECTION_HEADER:
            continue
        line = _num(item.get("quantity")) * _num(item.get("price"))
        subtotal += line
        if "taxable?" in item:
            flags = [item["taxable?"], item["secondary_tax?"], item["tertiary_tax?"]]
        else:
            flags = [bool(item.get("taxable"))] * 3
        line_taxes = [line * rates[n] / 100 if flags[n] else 0.0 for n in range(3)]
        if doc.get("compound_tax") and flags[1]:
            line_taxes[1] += line_taxes[0] * rates[1] / 100
        for n in range(3):
            taxes[n] += line_taxes[n]
        if "total_tax" in item:
            item["total_tax"] = round(sum(line_taxes), 2)
    doc["subtotal"] = round(subtotal, 2)
    doc["total_cost"] = round(subtotal + sum(taxes), 2)


def refresh_invoice(store: Store, doc: Doc) -> None:
    """Recompute an invoice's totals, payment sums, balance and Paid status (in place)."""
    compute_totals(doc, "invoice_items")
    paid = sum(_num(p.get("amount")) for p in store.where("payments", invoice_id=doc["id"]))
    doc["total_payments"] = round(paid, 2)
    doc["balance"] = round(doc["total_cost"] - paid, 2)
    if doc["balance"] <= 0 and doc["total_cost"] > 0:
        doc["status"] = PAID
    elif doc.get("status") == PAID:
        doc["status"] = SENT


def next_number(store: Store, resource: str, start: int) -> str:
    """Auto-increment a document number from the highest numeric number in use."""
    highest = store.highest_number(resource)
    return str((start - 1 if highest is None else highest) + 1)
