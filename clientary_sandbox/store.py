"""SQLite persistence: one JSON document per record, never-reused ids, UTC timestamps."""

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
        with self.lock:
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
        """Records whose fields equal the given values, ascending id."""
        return [d for d in self.all(resource) if all(d.get(k) == v for k, v in equals.items())]

    def delete(self, resource: str, record_id: int) -> bool:
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

    def close(self) -> None:
        with self.lock:
            self._conn.close()
