"""Make's ``response.error`` from ``base.errors``: the runtime's types, and the API's own words.

Each mapped status keeps its Make error type and says what the CLI says:
``HTTP 422: Clientary refused the data: number has already been taken``. The detail comes
from the body as Clientary sends it (api.md section 4, Rails style, undocumented):
``{"error": "..."}``, ``{"message": "..."}``, or field errors ``{"errors": {"number":
["has already been taken"]}}``. IML has no loop over an object's keys, so field errors are
written as JSON (``createJSON``) and its punctuation replaced: ``{"number":["taken"]}``
becomes ``number taken``, several fields are joined with "; " and several messages of one
field with ", ", as ``runtime.api_errors`` does. Ranges (``4XX``) become an ``if()`` on
``statusCode``. Not done in Make: the runtime's masking and clipping of the detail.
"""

from __future__ import annotations

from runtime.core.json_types import JsonObject
from runtime.definitions.specs import BaseSpec
from runtime.export.iml import string_literal

_FALLBACK = ("the request failed", "RuntimeError")
# createJSON(body.errors) -> the runtime's wording; order matters ("],\"" before "\",\"").
_FIELD_ERROR_PUNCTUATION = (
    ('{"', ""),
    ('"]}', ""),
    ('":["', " "),
    ('"],"', "; "),
    ('","', ", "),
    ('["', ""),
    ('"]', ""),
)


def field_errors(expression: str) -> str:
    """IML turning the JSON text of Rails-style field errors into one readable line."""
    for old, new in _FIELD_ERROR_PUNCTUATION:
        expression = f"replace({expression}; {string_literal(old)}; {string_literal(new)})"
    return expression


def api_detail() -> str:
    """IML for ``": " + the API's explanation``, or "" when the body explains nothing."""
    errors = field_errors("createJSON(body.errors)")
    return (
        'if(body.error; ": " + body.error; if(body.message; ": " + body.message; '
        f'if(body.errors; ": " + {errors}; "")))'
    )


def error_directive(base: BaseSpec) -> JsonObject:
    """``response.error``: exact statuses as keys, ranges (4XX) as an ``if()`` on statusCode."""
    detail = api_detail()
    message, kind = string_literal(_FALLBACK[0]), string_literal(_FALLBACK[1])
    for status in sorted((s for s in base.errors if s[1:].upper() == "XX"), key=str.upper):
        rule, low = base.errors[status], int(status[0]) * 100
        message = f"if(statusCode >= {low}; {string_literal(rule.message)}; {message})"
        kind = f"if(statusCode >= {low}; {string_literal(rule.make_type)}; {kind})"
    error: JsonObject = {
        "message": '{{"HTTP " + statusCode + ": " + ' + message + " + " + detail + "}}",
        "type": "{{" + kind + "}}",
    }
    for status, rule in base.errors.items():
        if status.isdigit():
            text = string_literal(f"HTTP {status}: {rule.message}")
            error[status] = {"message": "{{" + text + " + " + detail + "}}", "type": rule.make_type}
    return error
