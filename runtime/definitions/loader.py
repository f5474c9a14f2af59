"""Finding and loading the definition files of a connector into specs.

``load_connector`` loads everything (what ``validate`` needs); ``load_for_run``
loads only what one module or RPC needs, so a run starts fast.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Protocol, TypeVar

from runtime.core.errors import DefinitionError, InputError, Issue, SourceLocation
from runtime.definitions.defaults import apply_defaults, base_path
from runtime.definitions.references import ReferenceCache, expand_references
from runtime.definitions.source import Document, read_document
from runtime.definitions.specs import (
    ConnectorSpec,
    ModuleSpec,
    RpcSpec,
    build_base,
    build_connection,
    build_module,
    build_rpc,
)

T = TypeVar("T")
RESOURCE_FILE = "resource.yaml"  # one per resource folder: the record its modules share


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


SpecT = TypeVar("SpecT", bound=_HasId)


def default_root() -> Path:
    """The definitions this runtime comes with, whatever the working directory.

    From a checkout (or its editable install) that is the repository's top level, where the
    definitions are edited; from a wheel, the copy it carries in ``runtime/packaged``
    (setup.py puts it there at build time). Without either, the packaged path, which the
    "no connector.yaml in ..." error then names.
    """
    package = Path(__file__).resolve().parents[1]  # runtime/, above this subpackage
    if (package.parent / "connector.yaml").is_file():
        return package.parent
    return package / "packaged"


@dataclass(slots=True)
class LoadedFiles:
    """Every definition file read (and schema-checked unless ``checked`` is False), with the
    issues found so far."""

    root: Path
    references: ReferenceCache
    connector: Document | None = None
    resources: list[Document] = field(default_factory=list)  # modules/<folder>/resource.yaml
    connections: list[Document] = field(default_factory=list)
    modules: list[Document] = field(default_factory=list)
    rpcs: list[Document] = field(default_factory=list)
    webhooks: list[Document] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    unusable: set[str] = field(default_factory=set)  # ids (file stems) of files that failed to load
    checked: bool = True  # schema-checked; when not, building a spec may find a misfit
    connection_ids: list[str] = field(default_factory=list)  # every connections/ file's id
    base_path: str | None = None  # the path of the base url, for the implied endpoints

    def documents(self) -> list[tuple[str, Document]]:
        pairs: list[tuple[str, Document]] = []
        if self.connector is not None:
            pairs.append(("connector", self.connector))
        for kind, documents in (
            ("resource", self.resources),
            ("connection", self.connections),
            ("module", self.modules),
            ("rpc", self.rpcs),
            ("webhook", self.webhooks),
        ):
            pairs.extend((kind, document) for document in documents)
        return pairs


def read_files(
    root: Path, module_paths: list[Path] | None = None, *, rpcs: bool = True, check: bool = True
) -> LoadedFiles:
    """Read connector.yaml, connections/, rpcs/, webhooks/ and modules/; schema-check if asked.

    A run skips the schema check (jsonschema costs a fifth of a cold start): ``validate``,
    run by CI, is the gate, and a run still names the file that does not fit.
    """
    files = LoadedFiles(root, ReferenceCache(root), checked=check)
    if not (root / "connector.yaml").is_file():
        files.issues.append(Issue(SourceLocation("connector.yaml"), f"no connector.yaml in {root}"))
        return files
    files.connector = _read(files, root / "connector.yaml", "connector")
    if files.connector is not None:
        files.base_path = base_path(files.connector.data)
    if check:  # a run reads a resource file only through the references of its module
        for path in sorted((root / "modules").glob(f"*/{RESOURCE_FILE}")):
            _append(files.resources, _read(files, path, "resource"))
    for path in sorted((root / "connections").glob("*.yaml")):
        _append(files.connections, _read(files, path, "connection"))
    # The connection a module or RPC may leave out: the only one there is, valid or not
    # (an invalid one's problems are reported once, not again by every module).
    files.connection_ids = [
        p.stem for p in sorted((root / "connections").glob("*.yaml")) if p.stem in files.unusable
    ] + [str(d.data.get("id", Path(d.file).stem)) for d in files.connections]
    folders = []
    if rpcs:
        folders.append(("rpcs", "rpc", files.rpcs))
    if check:
        folders.append(("webhooks", "webhook", files.webhooks))
    for folder, kind, target in folders:
        for path in sorted((root / folder).glob("*.yaml")):
            _append(target, _read(files, path, kind))
    paths = module_files(root) if module_paths is None else module_paths
    for path in paths:
        _append(files.modules, _read(files, path, "module"))
    files.issues.extend(files.references.issues)  # syntax problems of referred files, once
    return files


def module_files(root: Path) -> list[Path]:
    """Every module file: modules/<folder>/<id>.yaml, except the folder's resource.yaml."""
    return [
        path for path in sorted((root / "modules").glob("*/*.yaml")) if path.name != RESOURCE_FILE
    ]


def _read(files: LoadedFiles, path: Path, kind: str) -> Document | None:
    document, issues = read_document(path, path.relative_to(files.root).as_posix())
    files.issues.extend(issues)
    if document is not None and not isinstance(document.data, dict):
        files.issues.append(
            Issue(document.location(()), "expected a mapping at the top of the file")
        )
        document = None
    if document is not None and kind in ("connector", "resource"):
        files.references.add(document)  # what references read is read once
    if document is not None and kind in ("module", "rpc"):
        # References first: the schema check, the specs and every later stage see the
        # expanded definition, and each issue still names the file and line it came from.
        document, reference_issues = expand_references(document, files.references)
        files.issues.extend(reference_issues)
        document = (
            None
            if reference_issues
            else apply_defaults(document, files.connection_ids, files.base_path, kind)
        )
    checked_as = document
    if document is not None and kind == "resource" and files.checked:
        # Its own references expanded for the check only (what modules read stays as
        # written, and is expanded where they refer to it); issues name where each was written.
        checked_as, reference_issues = expand_references(document, files.references)
        files.issues.extend(reference_issues)
        document = None if reference_issues else document
    if document is not None and checked_as is not None and files.checked:
        from runtime.definitions.schema_check import check_document  # jsonschema: validate only

        schema_issues = check_document(checked_as, kind)
        files.issues.extend(schema_issues)
        document = None if schema_issues else document
    if document is None:
        files.unusable.add(path.stem)  # its problems are reported; references to it are not
    return document


def _append(target: list[Document], document: Document | None) -> None:
    if document is not None:
        target.append(document)


def build_connector(files: LoadedFiles) -> ConnectorSpec:
    """Specs from the files that passed their schema; raises DefinitionError on any issue."""
    if files.issues or files.connector is None:
        raise DefinitionError(files.issues)
    connector = files.connector
    data = connector.data
    return ConnectorSpec(
        name=data.get("name", ""),
        label=data.get("label", ""),
        version=data.get("version", 1),
        description=data.get("description", ""),
        base=_build(connector, lambda document: build_base(document.data["base"])),
        groups=_build(
            connector,
            lambda document: tuple(
                (group["label"], tuple(group["modules"])) for group in document.data["groups"]
            ),
        ),
        connections=_by_id(files.connections, build_connection),
        modules=_by_id(files.modules, build_module),
        rpcs=_by_id(files.rpcs, build_rpc),
    )


def _by_id(
    documents: list[Document], build: Callable[[dict[str, Any], str], SpecT]
) -> dict[str, SpecT]:
    specs = (_build(document, lambda d: build(d.data, d.file)) for document in documents)
    return {spec.id: spec for spec in specs}


def _build(document: Document, build: Callable[[Document], T]) -> T:
    """Build a spec; an unchecked file that does not fit is named, never a traceback."""
    try:
        return build(document)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        issue = Issue(
            document.location(()),
            f"does not fit the definition format ({type(error).__name__}: {error}); "
            "'connector validate' names the problem",
        )
        raise DefinitionError([issue]) from None


def load_connector(root: Path) -> ConnectorSpec:
    return build_connector(read_files(root))


def find_module_file(root: Path, module_id: str) -> Path | None:
    matches = [p for p in module_files(root) if p.stem == module_id]
    return matches[0] if matches else None


def load_for_run(root: Path, module_id: str) -> tuple[ConnectorSpec, ModuleSpec]:
    """Load one module with the connector, connections and RPCs; no other module is read."""
    module_file = find_module_file(root, module_id)
    paths = [module_file] if module_file else []
    connector = build_connector(read_files(root, paths, rpcs=False, check=False))
    module = connector.modules.get(module_id)
    if module is None:
        elsewhere = (
            " (it is an rpc: 'connector rpc " + module_id + "')"
            if (root / "rpcs" / f"{module_id}.yaml").is_file()
            else ""
        )
        raise_unknown("module", module_id, _module_ids(root), elsewhere)
    return connector, module


def load_connections(root: Path) -> ConnectorSpec:
    """connector.yaml and the connections only: what checking a connection needs."""
    return build_connector(read_files(root, [], rpcs=False, check=False))


def load_rpc(root: Path, rpc_id: str) -> tuple[ConnectorSpec, RpcSpec]:
    """Load one RPC with the connector and connections; no module is read."""
    connector = build_connector(read_files(root, [], check=False))
    rpc = connector.rpcs.get(rpc_id)
    if rpc is None:
        raise_unknown("rpc", rpc_id, sorted(connector.rpcs), "")
    return connector, rpc


def _module_ids(root: Path) -> list[str]:
    return sorted(path.stem for path in module_files(root))


def raise_unknown(kind: str, name: str, known: list[str], extra: str) -> NoReturn:
    close = difflib.get_close_matches(name, known, n=3)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    listing = "'connector modules' lists them" if kind == "module" else f"known: {', '.join(known)}"
    raise InputError(f"no {kind} named {name!r}{extra}{hint}; {listing}")
