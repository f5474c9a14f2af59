"""``python -m tests.golden``: rewrite the golden files from the current code (on purpose)."""

from __future__ import annotations

import shutil

from tests.golden import FILES, snapshot


def main() -> None:
    files = snapshot()
    shutil.rmtree(FILES, ignore_errors=True)
    for name, content in files.items():
        path = FILES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    print(f"wrote {len(files)} golden files to {FILES}")


if __name__ == "__main__":
    main()
