"""List envelopes: pagination counters, documented sorts and filters, expense date ranges."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from .errors import bad_request
from .store import Doc

MAX_PAGE_SIZE = 100
ACTIVE_PROJECT_STATUSES = (1, 4)  # Active, Billable
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def paginate(items: list[Doc], query: Mapping[str, str], default_size: int, key: str) -> Doc:
    """{"page_count", "page_size", "total_count", key: [...]}; page is 1-based, page_size is
    clamped to 1..100, page_count = max(1, ceil(total / page_size))."""
    size = min(max(_int_param(query, "page_size", default_size), 1), MAX_PAGE_SIZE)
    page = max(_int_param(query, "page", 1), 1)
    total = len(items)
    start = (page - 1) * size
    return {
        "page_count": max(1, math.ceil(total / size)),
        "page_size": size,
        "total_count": total,
        key: items[start : start + size],
    }


def parse_date(value: str, name: str) -> str:
    """Validate a YYYY-MM-DD query parameter (400 otherwise)."""
    if not _DATE.match(value):
        raise bad_request(f"{name} must be a date in YYYY-MM-DD format")
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError as exc:
        raise bad_request(f"{name} must be a date in YYYY-MM-DD format") from exc
    return value


def day(value: object) -> str:
    """Normalise a stored date/timestamp ('2011/03/02', '2011-03-02T..Z') to YYYY-MM-DD."""
    return str(value or "")[:10].replace("/", "-")


def order(resource: str, items: list[Doc], query: Mapping[str, str]) -> list[Doc]:
    """Documented orders and filters; everything undocumented is ascending id."""
    sort = query.get("sort", "")
    since = query.get("updated_since")
    if since is not None and resource in ("clients", "invoices"):
        cutoff = parse_date(since, "updated_since")
        items = [i for i in items if day(i.get("updated_at")) >= cutoff]
    by_id = sorted(items, key=lambda i: int(i["id"]))
    if resource == "clients":
        if sort == "date":
            return sorted(by_id, key=lambda i: (i.get("created_at") or "", i["id"]), reverse=True)
        return sorted(by_id, key=lambda i: (str(i.get("name") or "").casefold(), i["id"]))
    if resource == "leads":
        if sort == "name":
            return sorted(by_id, key=lambda i: (str(i.get("name") or "").casefold(), i["id"]))
        if sort == "oldest":
            return by_id
        return list(reversed(by_id))
    if resource == "payments":
        if sort == "created_at":
            return sorted(by_id, key=lambda i: (i.get("created_at") or "", i["id"]), reverse=True)
        return sorted(by_id, key=lambda i: (day(i.get("received_on")), i["id"]), reverse=True)
    if resource == "projects" and query.get("filter") != "all":
        return [i for i in by_id if i.get("status") in ACTIVE_PROJECT_STATUSES]
    if resource == "hours":
        wanted = query.get("filter")
        if wanted == "billed":
            return [i for i in by_id if i.get("billed?")]
        if wanted == "unbilled":
            return [i for i in by_id if not i.get("billed?")]
    return by_id


def expense_envelope(items: list[Doc], query: Mapping[str, str]) -> Doc:
    """{"total_count", "from_date", "to_date", "expenses"}; default range = current calendar
    year; dates echoed in the documented YYYY/MM/DD form."""
    year = datetime.now(UTC).year
    start = parse_date(query["from_date"], "from_date") if "from_date" in query else f"{year}-01-01"
    end = parse_date(query["to_date"], "to_date") if "to_date" in query else f"{year}-12-31"
    chosen = [i for i in items if start <= day(i.get("incurred_on")) <= end]
    chosen.sort(key=lambda i: int(i["id"]))
    return {
        "total_count": len(chosen),
        "from_date": start.replace("-", "/"),
        "to_date": end.replace("-", "/"),
        "expenses": chosen,
    }
