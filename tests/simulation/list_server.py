"""A scripted Clientary-style list endpoint for trigger tests: a Transport with no network.

It serves ``{page_count, page_size, total_count, clients: [...]}`` pages of its
items in the declared order, and can run an event while a given page is being
served (an insert or delete mid-poll, which shifts the pages after it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from runtime.engine.transport import HttpRequest, HttpResponse


@dataclass
class ListServer:
    order: str  # desc | asc | unordered
    page_size: int = 3
    items: dict[int, dict[str, object]] = field(default_factory=dict)
    during_page: dict[int, Callable[[], None]] = field(default_factory=dict)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)  # pages may be fetched in threads

    def insert(self, item_id: int) -> None:
        self.items[item_id] = {"id": item_id, "name": f"Client {item_id}"}

    def delete(self, item_id: int) -> None:
        self.items.pop(item_id, None)

    def ordered(self) -> list[dict[str, object]]:
        ids = sorted(self.items)
        if self.order == "desc":
            ids.reverse()
        elif self.order == "unordered":  # stable, but unrelated to age
            ids.sort(key=lambda value: (value * 7919) % 101)
        return [self.items[item_id] for item_id in ids]

    def send(self, request: HttpRequest) -> HttpResponse:
        with self.lock:
            return self._serve(request)

    def _serve(self, request: HttpRequest) -> HttpResponse:
        self.requests += 1
        page = int(dict(request.query).get("page", "1"))
        event = self.during_page.pop(page, None)
        if event is not None:
            event()
        records = self.ordered()
        count = max(1, -(-len(records) // self.page_size))
        start = (page - 1) * self.page_size
        body = {
            "page_count": count,
            "page_size": self.page_size,
            "total_count": len(records),
            "clients": records[start : start + self.page_size],
        }
        return HttpResponse(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
