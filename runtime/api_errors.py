"""Turning an error answer from the API into one clear line with its Make error type.

The connector's ``base.errors`` table says which Make type and message each
status gets; the API's own details (Rails-style field errors) are appended.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from runtime.errors import ApiError
from runtime.specs import ErrorRuleSpec
from runtime.transport import HttpResponse

_FALLBACK = ErrorRuleSpec("RuntimeError", "Clientary answered with an unexpected status")


def is_success(response: HttpResponse) -> bool:
    return 200 <= response.status < 300


def raise_for_status(response: HttpResponse, rules: Mapping[str, ErrorRuleSpec]) -> None:
    if is_success(response):
        return
    status = response.status
    rule = rules.get(str(status)) or rules.get(f"{str(status)[0]}XX") or _FALLBACK
    detail = _details(response)
    message = f"HTTP {status}: {rule.message}"
    if detail:
        message += f": {detail}"
    if 300 <= status < 400:
        message += " (redirects are not followed, so the token never goes to another host)"
    raise ApiError(message, status=status, make_type=rule.make_type)


def _details(response: HttpResponse) -> str:
    """The API's own explanation, readable and short: field errors first."""
    try:
        body: Any = response.json()
    except ValueError:
        text = response.content.decode("utf-8", "replace").strip()
        return "" if text.startswith("<") else _clip(text)
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, Mapping):
            return "; ".join(f"{field} {_join(messages)}" for field, messages in errors.items())
        if isinstance(errors, list):
            return "; ".join(str(item) for item in errors)
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return _clip(body[key])
    if isinstance(body, str):
        return _clip(body)
    return _clip(json.dumps(body)) if body is not None else ""


def _join(messages: Any) -> str:
    return ", ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)


def _clip(text: str) -> str:
    return text if len(text) <= 200 else text[:197] + "..."
