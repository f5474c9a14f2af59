"""Field typing: JSON type coercion of request values, blank checks, foreign keys."""

from __future__ import annotations

from typing import Any

STRING_FIELDS = frozenset({"number", "name", "title", "email", "zip", "last_four_digits"})
INT_FIELDS = frozenset(
    {
        "client_id",
        "project_id",
        "lead_id",
        "assignee_id",
        "payment_profile_id",
        "status",
        "budget_type",
        "project_type",
        "action",
        "time_interval",
        "due_period",
        "occurrences_remaining",
    }
)
NUMBER_FIELDS = frozenset(
    {"rate", "budget", "hours", "amount", "tax", "tax2", "tax3", "quantity", "price"}
)
BOOL_FIELDS = frozenset({"compound_tax", "unlimited", "complete", "taxable", "billed?"})
# foreign keys checked on write: field -> resource that must hold the id
FOREIGN_KEYS = {
    "client_id": "clients",
    "project_id": "projects",
    "lead_id": "leads",
    "assignee_id": "staff",
    "payment_profile_id": "payment_profiles",
}


def coerce(field_name: str, value: Any) -> tuple[Any, str | None]:
    """Cast a request value to the documented JSON type; returns (value, error message)."""
    if value is None:
        return None, None
    if field_name in BOOL_FIELDS:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "t"), None
        return bool(value), None
    if field_name in INT_FIELDS or field_name in NUMBER_FIELDS:
        if isinstance(value, bool):
            return None, "is not a number"
        if isinstance(value, str):
            text = value.strip()
            if text == "":
                return None, None
            try:
                num = float(text)
            except ValueError:
                return None, "is not a number"
            return (int(num) if num.is_integer() and "." not in text else num), None
        if not isinstance(value, int | float):
            return None, "is not a number"
        if field_name in INT_FIELDS:
            return int(value), None
        return value, None
    if (
        field_name in STRING_FIELDS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return str(value), None
    return value, None


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")
