"""``connector export``: the Make app, as the local-development layout (``--format
make-local``, a folder written empty or over an earlier export, never over anything else;
``--origin``/``--app-id`` add the deploy target) or as the import archive (``make-zip``)."""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

from runtime.core.errors import InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_connector


def export(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    if options.format == "make-zip":
        return _export_archive(options, root)
    from runtime.export.exporter import APIKEY_FILE, Origin, export_app

    origin = None
    if options.origin is not None or options.app_id is not None:
        if options.origin is None or options.app_id is None:
            raise InputError("--origin and --app-id go together: the zone's API and the app id")
        origin = Origin.checked(options.origin, options.app_id, options.app_version)
    out = Path(options.out or "build/make-app")
    _clear_earlier_export(out)
    written = export_app(load_connector(root), out, origin)
    if origin is None:
        deploy = (
            "no origin: pass --origin URL --app-id ID, or create one in the extension, to deploy"
        )
    else:
        deploy = f"to deploy, put your Make API key in {out / APIKEY_FILE}"
    print(
        f"wrote {len(written)} files to {out} (open it with Make's VS Code extension; {deploy})",
        file=sys.stderr,
    )
    return 0


def _clear_earlier_export(out: Path) -> None:
    """Remove an earlier export whole, so no stale file survives, but keep ``.secrets``
    (the API key the user put there); anything else in the folder is refused."""
    kept = {".secrets"}
    if not out.exists() or not any(p.name not in kept for p in out.iterdir()):
        return
    if not (out / "makecomapp.json").is_file():
        raise InputError(
            f"--out {out}: the folder is not empty and holds no earlier export; "
            "choose an empty or new folder"
        )
    for path in out.iterdir():
        if path.name in kept:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _export_archive(options: argparse.Namespace, root: Path) -> int:
    from runtime.export.make_archive import build_archive

    if options.origin is not None or options.app_id is not None:
        raise InputError(
            "--origin and --app-id apply to --format make-local; an imported archive "
            "creates a new app"
        )
    connector = load_connector(root)
    out = Path(options.out or f"build/{connector.name}.zip")
    if out.is_dir() or (
        out.exists() and not (zipfile.is_zipfile(out) and _is_archive_of(out, connector.name))
    ):
        raise InputError(
            f"--out {out}: exists and is not an earlier archive of this app; "
            "choose a new .zip file name"
        )
    data = build_archive(connector)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)  # a reader never sees half an archive
    print(
        f"wrote {out} ({len(data)} bytes; import it with Make's VS Code extension: Import App)",
        file=sys.stderr,
    )
    return 0


def _is_archive_of(path: Path, app: str) -> bool:
    with zipfile.ZipFile(path) as archive:
        return f"{app}/metadata.json" in archive.namelist()
