"""``connector export --out DIR``: the Make app, written into an empty folder or over an
earlier export (never over anything else)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from runtime.core.errors import InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_connector
from runtime.export.exporter import export_app


def export(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    out = Path(options.out)
    if out.exists() and any(out.iterdir()):
        if not (out / "makecomapp.json").is_file():
            raise InputError(
                f"--out {out}: the folder is not empty and holds no earlier export; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out)  # an earlier export: replaced whole, so no stale file survives
    written = export_app(load_connector(root), out)
    print(
        f"wrote {len(written)} files to {out} (open it with Make's VS Code extension)",
        file=sys.stderr,
    )
    return 0
