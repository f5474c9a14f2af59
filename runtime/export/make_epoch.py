"""The label of each item in a trigger's "Choose where to start" list (Make's epoch).

A user picks the item to start after, so it is labelled as they know it: its name, or its
number (``#184``), then what tells similar items apart when the record has it (title,
client, e-mail, total with currency, date). Any of these may be empty in Clientary, so
each part is shown only when filled, and an item without a name or number falls back to
``Invoice 110`` (the record's noun, from the title of its ``id`` field, and the id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime.definitions.specs import ModuleSpec
from runtime.export.iml import string_literal

_NAMES = ("name", "number", "title", "description")
_DATES = ("date", "incurred_on", "received_on")
_TOTALS = ("total_cost", "amount")


def epoch_label(module: ModuleSpec) -> str:
    """IML text: the main name with its fallback, then the filled extras."""
    fields: Mapping[str, Any] = module.output.get("properties", {})
    main = next((name for name in _NAMES if name in fields), None)
    fallback = f"{string_literal(_noun(module) + ' ')} + item.id"
    if main is None:
        parts = [fallback]
    elif main == "number":
        parts = [f'if(item.number; "#" + item.number; {fallback})']
    else:
        parts = [f"ifempty(item.{main}; {fallback})"]
    extras: list[tuple[str, str]] = []
    if main == "number" and "title" in fields:
        extras.append(("title", '" – " + item.title'))
    if "client_id" in fields:
        extras.append(("client_id", '", client " + item.client_id'))
    if "email" in fields:
        extras.append(("email", '", " + item.email'))
    total = next((name for name in _TOTALS if name in fields), None)
    if total is not None:
        currency = ' + if(item.currency_code; " " + item.currency_code; "")'
        extras.append(
            (total, f'", " + item.{total}' + (currency if "currency_code" in fields else ""))
        )
    date = next((name for name in _DATES if name in fields), None)
    if date is not None:
        extras.append((date, f'", " + item.{date}'))
    parts += [f'if(item.{name}; {text}; "")' for name, text in extras]
    return "".join("{{" + part + "}}" for part in parts)


def _noun(module: ModuleSpec) -> str:
    """``Invoice`` from the id field's title ``Invoice ID``; else from the module's label."""
    title = str(module.output.get("properties", {}).get("id", {}).get("title", ""))
    if title.endswith(" ID"):
        return title[: -len(" ID")]
    return module.label.removeprefix("Watch New ").rstrip("s") or "Item"
