"""Stable fakes for personal data in recordings, so a recording of a real account can be committed.

Which values are personal (the rule, applied to strings only; numbers, booleans, nulls and
empty strings stay as they are, so types and relations survive):

- by field name (the last key above the value, compared lower-cased):
  e-mail: a name containing ``email``;
  phone: a name containing ``phone``, ``mobile`` or ``fax``;
  person: ``first_name``, ``last_name``, ``full_name``, ``contact_name``, ``person``, ``username``,
  ``owner``, ``attention`` and any name ending in ``_person``;
  company: ``name``, ``company``, ``company_name``, ``organization``, ``organisation``,
  ``client_name`` (a drop-down's ``label`` is left to ``replace_known``, below);
  street address: ``address``, ``address_1``, ``address_2``, ``street`` and names ending in
  ``_address`` or ``_street`` (but not ``email_address``, an e-mail);
- by value shape, whatever the field: an e-mail address anywhere in a string is replaced.

The same input gives the same fake within one ``Faker`` (an HMAC of the value under a random
key made per recording and kept only in memory), so a client's name in a list and the same
name in a drop-down label still match, and nobody can work back from a fake to the value.
``replace_known`` then replaces every value faked so far where it appears inside other text
(a label such as ``ACME Corp (#12)``), so no real value survives in a derived field.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PERSON = frozenset(
    {
        "first_name",
        "last_name",
        "full_name",
        "contact_name",
        "person",
        "username",
        "owner",
        "attention",
    }
)
_COMPANY = frozenset(
    {
        "name",
        "company",
        "company_name",
        "organization",
        "organisation",
        "client_name",
    }
)
_ADDRESS = frozenset({"address", "address_1", "address_2", "street"})
_MIN_KNOWN = 4  # shorter real values are not searched for inside other text: too many hits


def kind_of(field: str | None) -> str | None:
    """The kind of personal data a field of this name holds, or None (see the module rule)."""
    if field is None:
        return None
    name = field.lower()
    if "email" in name:
        return "email"
    if any(part in name for part in ("phone", "mobile", "fax")):
        return "phone"
    if name in _PERSON or name.endswith("_person"):
        return "person"
    if name in _COMPANY:
        return "company"
    if name in _ADDRESS or name.endswith(("_address", "_street")):
        return "address"
    return None


class Faker:
    """Replaces personal data with fakes of the same kind, stable within this instance."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        self._known: dict[str, str] = {}  # real value -> its fake

    def fake(self, kind: str, value: str) -> str:
        digest = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
        tag = digest[:6]
        if kind == "email":
            made = f"person-{tag}@example.com"
        elif kind == "phone":
            made = f"+1 555 01{int(digest[:4], 16) % 100:02d}"  # 555-01xx: fictional numbers
        elif kind == "person":
            made = f"Person {tag}"
        elif kind == "address":
            made = f"{int(digest[:4], 16) % 900 + 100} Example Street {tag}"
        else:
            made = f"Company {tag}"
        if len(value) >= _MIN_KNOWN:
            self._known[value] = made
        return made

    def value(self, data: Any, field: str | None = None) -> Any:
        """``data`` with personal values replaced (a new structure; ``data`` is not changed)."""
        if isinstance(data, dict):
            return {key: self.value(item, str(key)) for key, item in data.items()}
        if isinstance(data, list):
            return [self.value(item, field) for item in data]
        if not isinstance(data, str) or not data:
            return data
        kind = kind_of(field)
        if kind is not None and kind != "email":
            return self.fake(kind, data)
        return EMAIL.sub(lambda found: self.fake("email", found.group()), data)

    def replace_known(self, data: Any) -> Any:
        """``data`` with every real value faked so far replaced wherever it occurs in a string."""
        if not self._known:
            return data
        if isinstance(data, dict):
            return {key: self.replace_known(item) for key, item in data.items()}
        if isinstance(data, list):
            return [self.replace_known(item) for item in data]
        if not isinstance(data, str):
            return data
        for real in sorted(self._known, key=len, reverse=True):  # longest first: no half-fakes
            if real in data:
                data = data.replace(real, self._known[real])
        return data
