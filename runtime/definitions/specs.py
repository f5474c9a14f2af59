"""What the YAML declares, as frozen values (``...Spec``), built from the loaded data.

``validate`` builds them after the schema pass; a run skips that pass (loader.read_files with
check=False), so a builder may meet data that does not fit: loader._build then names the file
instead of showing a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.core.json_types import JsonObject


@dataclass(frozen=True, slots=True)
class RequestSpec:
    method: str
    url: str
    query: Any = None
    headers: Any = None
    body: Any = None
    omit_empty: bool = False
    require_body: str | None = None  # the message when the pruned body is empty

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> RequestSpec:
        return cls(
            method=data["method"],
            url=data["url"],
            query=data.get("query"),
            headers=data.get("headers"),
            body=data.get("body"),
            omit_empty=bool(data.get("omit_empty", False)),
            require_body=data.get("require_body"),
        )


@dataclass(frozen=True, slots=True)
class VariantSpec:
    """Use ``request`` instead of the module's main request when parameter ``when`` is filled in."""

    when: str
    request: RequestSpec


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    iterate: str | None = None
    output: Any = None
    limit: int | str | None = None


@dataclass(frozen=True, slots=True)
class PaginationSpec:
    page_parameter: str
    page_count: str
    max_pages: int
    page_size_parameter: str | None = None
    page_size: int | None = None
    record_key: str | None = None
    total_count: str | None = None  # where the envelope says how many records the list holds


@dataclass(frozen=True, slots=True)
class TriggerSpec:
    id: str
    order: str  # asc | desc | unordered
    first_run: tuple[str, ...]
    default_start: str
    date: str | None = None
    overlap: int = 5
    total_count: str | None = None


@dataclass(frozen=True, slots=True)
class ErrorRuleSpec:
    make_type: str
    message: str


# What connector.yaml's base may leave out, written once: BaseSpec's defaults, which
# build_base keeps by passing only the keys given, and the transport's RetryPolicy.
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT_SECONDS = 30.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # decoded size of one answer, while streaming
DEFAULT_STATE_LOCK_WAIT_SECONDS = 5.0  # how long a trigger run waits for another to finish
_OPTIONAL_BASE = {
    "max_retries": int,
    "max_retry_wait_seconds": float,
    "concurrency": int,
    "max_response_bytes": int,
    "state_lock_wait_seconds": float,
}


@dataclass(frozen=True, slots=True)
class BaseSpec:
    url: str
    headers: Mapping[str, str]
    timeout_seconds: float
    errors: Mapping[str, ErrorRuleSpec]
    sanitize: tuple[str, ...]
    max_retries: int = DEFAULT_MAX_RETRIES
    max_retry_wait_seconds: float = DEFAULT_MAX_RETRY_WAIT_SECONDS
    concurrency: int = 1
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    state_lock_wait_seconds: float = DEFAULT_STATE_LOCK_WAIT_SECONDS


@dataclass(frozen=True, slots=True)
class ConnectionSpec:
    id: str
    label: str
    parameters: JsonObject
    username: str
    password: str
    verify: RequestSpec
    file: str = ""

    @property
    def secret_names(self) -> tuple[str, ...]:
        properties = self.parameters.get("properties", {})
        return tuple(name for name, schema in properties.items() if schema.get("x-secret"))


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    id: str
    label: str
    description: str
    kind: str  # trigger | action | search | universal
    connection: str
    input: JsonObject
    request: RequestSpec
    response: ResponseSpec
    output: JsonObject
    sample: JsonObject
    file: str = ""
    crud: str | None = None
    endpoint: str | None = None
    variants: tuple[VariantSpec, ...] = ()
    pagination: PaginationSpec | None = None
    trigger: TriggerSpec | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RpcSpec:
    id: str
    label: str
    connection: str
    input: JsonObject
    request: RequestSpec
    response: ResponseSpec
    option_label: str
    option_value: str
    max_pages: int
    file: str = ""
    variants: tuple[VariantSpec, ...] = ()
    pagination: PaginationSpec | None = None


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    name: str
    label: str
    version: int
    description: str
    base: BaseSpec
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    connections: Mapping[str, ConnectionSpec] = field(default_factory=dict)
    modules: Mapping[str, ModuleSpec] = field(default_factory=dict)
    rpcs: Mapping[str, RpcSpec] = field(default_factory=dict)


def build_base(data: Mapping[str, Any]) -> BaseSpec:
    errors = {
        status: ErrorRuleSpec(rule["type"], rule["message"])
        for status, rule in data["errors"].items()
    }
    return BaseSpec(
        url=data["url"],
        headers=dict(data["headers"]),
        timeout_seconds=float(data["timeout_seconds"]),
        errors=errors,
        sanitize=tuple(data["sanitize"]),
        **{key: convert(data[key]) for key, convert in _OPTIONAL_BASE.items() if key in data},
    )


def build_connection(data: Mapping[str, Any], file: str) -> ConnectionSpec:
    basic = data["auth"]["basic"]
    return ConnectionSpec(
        id=data["id"],
        label=data["label"],
        parameters=dict(data["parameters"]),
        username=basic["username"],
        password=basic["password"],
        verify=RequestSpec.from_data(data["verify"]["request"]),
        file=file,
    )


def _pagination(data: Mapping[str, Any] | None) -> PaginationSpec | None:
    if data is None:
        return None
    return PaginationSpec(
        page_parameter=data["page_parameter"],
        page_count=data["page_count"],
        max_pages=int(data["max_pages"]),
        page_size_parameter=data.get("page_size_parameter"),
        page_size=data.get("page_size"),
        record_key=data.get("record_key"),
        total_count=data.get("total_count"),
    )


def _variants(data: list[Mapping[str, Any]] | None) -> tuple[VariantSpec, ...]:
    return tuple(
        VariantSpec(item["when"], RequestSpec.from_data(item["request"])) for item in data or ()
    )


def build_module(data: Mapping[str, Any], file: str) -> ModuleSpec:
    response = data.get("response") or {}
    trigger = data.get("trigger")
    return ModuleSpec(
        id=data["id"],
        label=data["label"],
        description=data["description"],
        kind=data["kind"],
        connection=data["connection"],
        input=dict(data["input"]),
        request=RequestSpec.from_data(data["request"]),
        response=ResponseSpec(
            response.get("iterate"), response.get("output"), response.get("limit")
        ),
        output=dict(data["output"]),
        sample=dict(data["sample"]),
        file=file,
        crud=data.get("crud"),
        endpoint=data.get("endpoint"),
        variants=_variants(data.get("variants")),
        pagination=_pagination(data.get("pagination")),
        trigger=None
        if trigger is None
        else TriggerSpec(
            id=trigger["id"],
            order=trigger["order"],
            first_run=tuple(trigger["first_run"]),
            default_start=trigger["default_start"],
            date=trigger.get("date"),
            overlap=int(trigger.get("overlap", 5)),
            total_count=trigger.get("total_count"),
        ),
        notes=tuple(data.get("notes", ())),
    )


def build_rpc(data: Mapping[str, Any], file: str) -> RpcSpec:
    response = data["response"]
    return RpcSpec(
        id=data["id"],
        label=data["label"],
        connection=data["connection"],
        input=dict(data["input"]),
        request=RequestSpec.from_data(data["request"]),
        response=ResponseSpec(response["iterate"], None, response.get("limit")),
        option_label=data["option"]["label"],
        option_value=data["option"]["value"],
        max_pages=int(data["max_pages"]),
        file=file,
        variants=_variants(data.get("variants")),
        pagination=_pagination(data.get("pagination")),
    )
