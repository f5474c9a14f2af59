"""Turning an error answer from the API into one clear line with its Make error type.

The connector's ``base.errors`` table says which Make type and message each
status gets; the API's own details (Rails-style field errors) are appended, masked and
then cut short (``redaction.clip``): a server may echo the request, Authorization included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from runtime.core.errors import ApiError
from runtime.core.json_limits import TooDeepError
from runtime.core.redaction import clip
from runtime.definitions.specs import ErrorRuleSpec
from runtime.engine.transport import HttpResponse

_FALLBACK = ErrorRuleSpec("RuntimeError", "Clientary answered with an unexpected status")
DETAIL_LIMIT = 200  # characters of the API's own explanation shown in one error line


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
    """The API's own explanation, readable and short (masked, then cut): field errors first."""
    try:
        explanation = _explanation(response)
    except (TooDeepError, RecursionError):  # a body nested too deep to show as text
        return "(the answer is nested too deeply to show)"
    # One line whatever the server sent: an error message is a single line of stderr.
    return clip(" ".join(explanation.split()), DETAIL_LIMIT)


def _explanation(response: HttpResponse) -> str:
    try:
        body: Any = response.json()
    except TooDeepError:
        raise
    except ValueError:
        text = response.content.decode("utf-8", "replace").strip()
        return "" if text.startswith("<") else text
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, Mapping):
            return "; ".join(f"{field} {_join(messages)}" for field, messages in errors.items())
        if isinstance(errors, list):
            return "; ".join(str(item) for item in errors)
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if isinstance(body, str):
        return body
    return json.dumps(body) if body is not None else ""


def _join(messages: Any) -> str:
    return ", ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
