"""The connector CLI with orjson hidden: JSON lines go through the stdlib encoder.

The bench runs it beside the normal CLI so the report shows what the optional
accelerator buys, and what the runtime costs without it.
"""

from __future__ import annotations

import sys

sys.modules["orjson"] = None  # type: ignore[assignment]  # makes "import orjson" fail

from runtime.cli import main  # noqa: E402  (after hiding orjson, on purpose)

if __name__ == "__main__":
    sys.exit(main())
