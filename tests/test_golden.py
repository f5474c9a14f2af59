"""Nothing a user sees changes by accident: describe, dry-run requests and the export, pinned."""

from __future__ import annotations

import difflib

from tests.golden import snapshot, stored


def test_what_users_see_matches_the_golden_files() -> None:
    now, golden = snapshot(), stored()
    assert sorted(now) == sorted(golden), (
        f"files added: {sorted(set(now) - set(golden))[:10]}; "
        f"files gone: {sorted(set(golden) - set(now))[:10]}"
    )
    changed = [name for name in now if now[name] != golden[name]]
    if changed:
        first = changed[0]
        diff = difflib.unified_diff(
            golden[first].splitlines(), now[first].splitlines(), "golden", "now", lineterm=""
        )
        raise AssertionError(
            f"{len(changed)} golden file(s) differ, e.g. tests/golden/files/{first}:\n"
            + "\n".join(list(diff)[:40])
            + "\n(after an intended change: python -m tests.golden, and say why in the commit)"
        )
