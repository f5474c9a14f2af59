"""SQLite persistence: one JSON document per record, never-reused ids, UTC timestamps.

Lookups by field (`where`) and the highest document number are answered by SQLite from
expression indexes, so a create costs the same with 30 records as with 30,000 (a seed of
3,000 clients used to decode every stored record in Python on each create).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

Doc = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    resource TEXT NOT NULL,
    id INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (resource, id)
);
CREATE TABLE IF NOT EXISTS sequences (
    resource TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
);
"""
# the fields records are looked up by (foreign keys of cascades and scopes, unique numbers);
# `where` on any other field still works, by a scan
INDEXED_FIELDS = ("client_id", "project_id", "invoice_id", "lead_id", "number")
MAX_ID = 2**63 - 1  # SQLite INTEGER; a larger id cannot name a stored record


def _field(name: str) -> str:
    """SQL for one top-level field of the stored JSON document."""
    return f"json_extract(doc, '$.\"{name}\"')"


# document numbers made of ASCII digits, ordered by value (length without leading zeros,
# then text): the partial index behind `highest_number` (the next invoice number)
_NUMBER = _field("number")
_NUMERIC = f"typeof({_NUMBER}) = 'text' AND {_NUMBER} != '' AND {_NUMBER} NOT GLOB '*[^0-9]*'"
_BY_VALUE = f"length(ltrim({_NUMBER}, '0')), ltrim({_NUMBER}, '0')"
_BY_VALUE_DESC = f"length(ltrim({_NUMBER}, '0')) DESC, ltrim({_NUMBER}, '0') DESC"


def _storable(record_id: Any) -> bool:
    return isinstance(record_id, int) and -MAX_ID - 1 <= record_id <= MAX_ID


def now_iso() -> str:
    """Current time as ISO-8601 UTC with a Z suffix, e.g. 2024-01-02T03:04:05Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> str:
    """Current UTC date as YYYY-MM-DD."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


class Store:
    """Thread-safe document store; every public method holds one re-entrant lock."""

    def __init__(self, db_path: str | None = None) -> None:
        self.path = db_path or ":memory:"
        self.lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.executescript(_SCHEMA)
        for name in INDEXED_FIELDS:
            self._conn.execute(
                f"CREATE INDEX IF NOT EXISTS records_{name} ON records (resource, {_field(name)})"
            )
        self._conn.execute(
            "CREATE INDEX IF NOT EXISTS records_numeric_number "
            f"ON records (resource, {_BY_VALUE}) WHERE {_NUMERIC}"
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes atomically; nested calls join the outer transaction."""
        with self.lock:
            if self._depth == 0:
                self._conn.execute("BEGIN")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("COMMIT")

    def next_id(self, resource: str) -> int:
        """Allocate the next id of a resource (ids only grow; deletes never free one)."""
        with self.lock:
            row = self._conn.execute(
                "SELECT last_id FROM sequences WHERE resource = ?", (resource,)
            ).fetchone()
            new_id = (int(row[0]) if row else 0) + 1
            self._conn.execute(
                "INSERT INTO sequences (resource, last_id) VALUES (?, ?) "
                "ON CONFLICT(resource) DO UPDATE SET last_id = excluded.last_id",
                (resource, new_id),
            )
            return new_id

    def insert(self, resource: str, doc: Doc) -> Doc:
        """Store a new record under a new id (or the id `next_id` gave it already)."""
        with self.lock:
            if "id" not in doc:
                doc["id"] = self.next_id(resource)
            self._conn.execute(
                "INSERT INTO records (resource, id, doc) VALUES (?, ?, ?)",
                (resource, doc["id"], json.dumps(doc)),
            )
            return doc

    def put(self, resource: str, doc: Doc) -> None:
        with self.lock:
            self._conn.execute(
                "UPDATE records SET doc = ? WHERE resource = ? AND id = ?",
                (json.dumps(doc), resource, doc["id"]),
            )

    def get(self, resource: str, record_id: int) -> Doc | None:
        if not _storable(record_id):
            return None  # e.g. /clients/99999999999999999999: no such record, not a crash
        with self.lock:
            row = self._conn.execute(
                "SELECT doc FROM records WHERE resource = ? AND id = ?", (resource, record_id)
            ).fetchone()
        if row is None:
            return None
        doc: Doc = json.loads(row[0])
        return doc

    def all(self, resource: str) -> list[Doc]:
        """All records of a resource, ascending id."""
        with self.lock:
            rows = self._conn.execute(
                "SELECT doc FROM records WHERE resource = ? ORDER BY id", (resource,)
            ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def where(self, resource: str, **equals: Any) -> list[Doc]:
        """Records whose fields equal the given values (Python ==, a missing field is None),
        ascending id. SQLite narrows the rows by the scalar values; Python has the last word."""
        sql = "SELECT id, doc FROM records WHERE resource = ?"
        args: list[Any] = [resource]
        for name, value in equals.items():
            if isinstance(value, int) and not _storable(value):
                return []  # SQLite holds no integer that large
            if value is None or isinstance(value, str | int | float):
                sql += f" AND {_field(name)} IS ?"  # IS: NULL matches a missing field too
                args.append(value)
        with self.lock:  # no ORDER BY: SQLite would then pick the primary key over the index
            rows = sorted(self._conn.execute(sql, args).fetchall())
        docs = [json.loads(doc) for _, doc in rows]
        return [d for d in docs if all(d.get(k) == v for k, v in equals.items())]

    def highest_number(self, resource: str) -> int | None:
        """The largest `number` made of ASCII digits only (any length), None when none is;
        one step down the index of such numbers, ordered by value."""
        with self.lock:
            row = self._conn.execute(
                f"SELECT {_NUMBER} FROM records WHERE resource = ? AND {_NUMERIC} "
                f"ORDER BY {_BY_VALUE_DESC} LIMIT 1",
                (resource,),
            ).fetchone()
        return None if row is None else int(row[0])

    def delete(self, resource: str, record_id: int) -> bool:
        if not _storable(record_id):
            return False
        with self.lock:
            cur = self._conn.execute(
                "DELETE FROM records WHERE resource = ? AND id = ?", (resource, record_id)
            )
            return cur.rowcount > 0

    def count(self, resource: str) -> int:
        with self.lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM records WHERE resource = ?", (resource,)
            ).fetchone()
        return int(row[0])

    def consistency_problems(self) -> list[str]:
        """What a crash, a race or a bug could have left wrong, one line each (none: [])."""
        checks = {
            "a document whose id differs from its row": (
                "SELECT resource, id FROM records "
                "WHERE json_valid(doc) AND json_extract(doc, '$.id') IS NOT id"
            ),
            "an id above its sequence (it would be reused)": (
                "SELECT r.resource, r.id FROM records r JOIN sequences s USING (resource) "
                "WHERE r.id > s.last_id"
            ),
            "a record of a resource without a sequence": (
                "SELECT resource, id FROM records WHERE resource NOT IN "
                "(SELECT resource FROM sequences)"
            ),
            "a document that is not a JSON object": (
                "SELECT resource, id FROM records WHERE "
                "CASE WHEN json_valid(doc) THEN json_type(doc) END IS NOT 'object'"
            ),
        }
        problems: list[str] = []
        with self.lock:
            for what, sql in checks.items():
                for resource, record_id in self._conn.execute(sql).fetchall()[:10]:
                    problems.append(f"{resource} {record_id}: {what}")
        return problems

    def close(self) -> None:
        with self.lock:
            self._conn.close()
