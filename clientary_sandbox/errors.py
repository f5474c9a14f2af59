"""API error type carrying an HTTP status and the documented JSON error body."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised by handlers; the server turns it into a JSON response."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def not_found() -> ApiError:
    return ApiError(404, {"error": "Not found"})


def invalid(errors: dict[str, list[str]]) -> ApiError:
    """422 with a Rails-style body, e.g. {"errors": {"name": ["can't be blank"]}}."""
    return ApiError(422, {"errors": errors})


def bad_request(message: str) -> ApiError:
    return ApiError(400, {"error": message})
