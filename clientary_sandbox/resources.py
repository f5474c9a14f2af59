"""Per-resource specs: wrappers, writable fields and defaults, required/unique rules, paging."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AVATAR = "default_avatars/avatars/missing_original.jpg"
TOKEN_USER_ID = 1  # the staff user who owns the sandbox token

_ORG: dict[str, Any] = {
    "name": "",
    "number": "",
    "description": "",
    "website": "",
    "address": "",
    "address_2": "",
    "city": "",
    "state": "",
    "zip": "",
    "country": "",
    "invoice_extra_fields": None,
    "status": 1,
}
_TAXES: dict[str, Any] = {
    "tax": 0,
    "tax2": 0,
    "tax3": 0,
    "tax_label": "Sales Tax",
    "tax2_label": "Secondary Tax",
    "tax3_label": "Tertiary Tax",
    "compound_tax": False,
}
_DOCUMENT: dict[str, Any] = {
    "number": None,
    "title": "",
    "date": None,
    "client_id": None,
    "project_id": None,
    "note": "",
    "summary": None,
    "status": 0,
    "currency_code": None,
    "po": "",
    **_TAXES,
}


@dataclass(frozen=True)
class Spec:
    """Static description of one API resource."""

    name: str  # table name and URL segment
    wrapper: str  # root key of create/update bodies
    list_key: str  # plural key of list envelopes
    page_size: int | None  # default page size; None = un-paged list
    required: tuple[str, ...]
    writable: dict[str, Any]  # writable field -> default on create
    fixed: dict[str, Any] = field(default_factory=dict)  # read-only fields -> initial value
    unique: tuple[str, ...] = ()
    items_key: str | None = None  # embedded line items (estimates, invoices, recurring)


SPECS: dict[str, Spec] = {
    s.name: s
    for s in [
        Spec("clients", "client", "clients", 10, ("name",), dict(_ORG), unique=("number",)),
        Spec("leads", "lead", "leads", 20, ("name",), dict(_ORG), unique=("number",)),
        Spec(
            "contacts",
            "client_user",
            "contacts",
            10,
            ("name", "email"),
            {"name": "", "email": "", "title": "", "phone": "", "ext": "", "mobile": ""},
            {"avatar": AVATAR, "client_id": None, "lead_id": None},
        ),
        Spec(
            "staff",
            "staff",
            "staff",
            None,
            (),
            {"name": "", "email": "", "title": "", "phone": "", "ext": "", "mobile": ""},
            {"avatar": AVATAR},
        ),
        Spec(
            "projects",
            "project",
            "projects",
            20,
            ("name", "rate"),
            {
                "name": "",
                "number": "",
                "description": "",
                "client_id": None,
                "status": 1,
                "budget_type": 0,
                "project_type": 0,
                "rate": None,
                "budget": 0,
                "start_date": None,
                "end_date": None,
                "currency_code": "USD",
            },
        ),
        Spec(
            "hours",
            "project_item",
            "hours",
            None,
            ("hours", "title"),
            {"title": "", "description": "", "date": None, "hours": None, "rate": None},
            {"project_id": None, "user_id": TOKEN_USER_ID, "cost": 0, "billed?": False},
        ),
        Spec(
            "tasks",
            "task",
            "tasks",
            50,
            ("title",),
            {
                "title": "",
                "description": None,
                "due_date": None,
                "assignee_id": None,
                "project_id": None,
                "client_id": None,
                "complete": False,
            },
            {"completed_at": None, "user_id": TOKEN_USER_ID},
        ),
        Spec(
            "estimates",
            "estimate",
            "estimates",
            30,
            ("date", "currency_code"),
            {**_DOCUMENT, "lead_id": None},
            {"subtotal": 0, "total_cost": 0, "user_id": TOKEN_USER_ID},
            items_key="estimate_items",
        ),
        Spec(
            "invoices",
            "invoice",
            "invoices",
            30,
            ("date", "due_date", "currency_code"),
            {**_DOCUMENT, "due_date": None},
            {
                "subtotal": 0,
                "total_cost": 0,
                "total_payments": 0,
                "balance": 0,
                "recurring_schedules": [],
                "user_id": TOKEN_USER_ID,
            },
            items_key="invoice_items",
        ),
        Spec(
            "payments",
            "payment",
            "payments",
            30,
            ("amount",),
            {"amount": None, "note": "", "received_on": None, "payment_profile_id": None},
            {"invoice_id": None, "transaction_fee_amount": 0.0, "transaction_id": None},
        ),
        Spec(
            "payment_profiles",
            "stripe_payment_profile",
            "payment_profiles",
            10,
            (
                "stripe_customer_id",
                "stripe_source_id",
                "last_four_digits",
                "name",
                "expiration_date",
            ),
            {
                "stripe_customer_id": None,
                "stripe_source_id": None,
                "last_four_digits": None,
                "name": None,
                "expiration_date": None,
                "card_type": None,
                "address": None,
                "city": None,
                "zip": None,
                "state": None,
                "country": None,
            },
            {"client_id": None, "gateway": "stripe", "gateway_token": None},
        ),
        Spec(
            "recurring",
            "recurring_schedule",
            "recurring",
            30,
            ("client_id", "next_date", "time_interval", "currency_code", "due_period"),
            {
                **_DOCUMENT,
                "po": None,
                "tax_label": "",
                "tax2_label": "",
                "tax3_label": "",
                "action": 0,
                "time_interval": None,
                "next_date": None,
                "due_period": None,
                "unlimited": False,
                "occurrences_remaining": None,
                "payment_profile_id": None,
            },
            {"subtotal": 0, "total_cost": 0},
            items_key="recurring_schedule_items",
        ),
        Spec(
            "expenses",
            "expense",
            "expenses",
            None,
            ("amount",),
            {
                "amount": None,
                "description": "",
                "incurred_on": None,
                "client_id": None,
                "project_id": None,
            },
            {"invoice_id": None, "invoice_item_id": None, "user_id": TOKEN_USER_ID},
        ),
    ]
}
