"""The runtime's dependency rule: each layer imports only the layers below it.

Bottom to top: core, templates, definitions, engine, export, cli; ``runtime/__init__.py``
(the public API) and ``__main__.py`` sit above them all. Every import counts, at module
level or inside a function (a function-level import is still a dependency, only a later
one). There is no import cycle among runtime modules at module level (``if TYPE_CHECKING:``
imports never run, so they do not count there), and no module is longer than 400 lines.
The checks read the source with ``ast``; they import nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

RUNTIME = Path(__file__).resolve().parents[1] / "runtime"
LAYERS = ("core", "templates", "definitions", "engine", "export", "cli")
TOP = len(LAYERS)  # the package itself: runtime/__init__.py, runtime/__main__.py
MAX_LINES = 400


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str
    line: int
    module_level: bool  # runs when the importer is imported (not in a function, not typing-only)


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """0 for runtime.core.*, ... 5 for runtime.cli.*; TOP for the package and __main__."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_in(
    node: ast.AST, module_level: bool
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, module_level
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _imports_in(child, False)
        elif isinstance(child, ast.If) and _is_type_checking(child):
            for statement in child.body:  # only the type checker runs these
                yield from _imports_in(ast.Module([statement], []), False)
            for statement in child.orelse:
                yield from _imports_in(ast.Module([statement], []), module_level)
        else:  # class bodies, try/if blocks at module level run on import
            yield from _imports_in(child, module_level)


def imports(root: Path) -> Iterator[Import]:
    """Every import of a runtime module by a runtime module under ``root``."""
    modules = {module_name(path, root) for path in root.rglob("*.py")}
    for path in sorted(root.rglob("*.py")):
        importer = module_name(path, root)
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, module_level in _imports_in(tree, True):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # "from runtime.cli import output" imports the submodule runtime.cli.output
                targets = list(
                    dict.fromkeys(
                        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                        for alias in node.names
                    )
                )
            for target in targets:
                if target == root.name or target.startswith(root.name + "."):
                    yield Import(importer, target, node.lineno, module_level)


def layer_violations(root: Path) -> list[str]:
    return [
        f"{found.importer} (line {found.line}) imports {found.imported}: layer "
        f"{LAYERS[layer_of(found.importer)]} may import only "
        f"{', '.join(LAYERS[: layer_of(found.importer) + 1])}"
        for found in imports(root)
        if layer_of(found.imported) > layer_of(found.importer)
    ]


def import_cycles(root: Path) -> list[list[str]]:
    """Cycles among module-level imports, each as the modules in order, first repeated."""
    graph: dict[str, set[str]] = {}
    for found in imports(root):
        if found.module_level and found.imported != found.importer:
            graph.setdefault(found.importer, set()).add(found.imported)
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycles.append([*trail[trail.index(module) :], module])
            return
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return cycles


def mutual_imports(root: Path) -> list[str]:
    """Pairs of modules importing each other at any level: a cycle that a function-level
    import only postpones (the module imported late still depends on its importer)."""
    edges = {(found.importer, found.imported) for found in imports(root)}
    return sorted(f"{a} <-> {b}" for a, b in edges if (b, a) in edges and a < b)


def long_modules(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            found.append(f"{path.relative_to(root.parent)}: {count} lines (at most {MAX_LINES})")
    return found


def test_no_layer_imports_a_higher_one() -> None:
    assert layer_violations(RUNTIME) == []


def test_there_is_no_import_cycle_among_runtime_modules() -> None:
    assert import_cycles(RUNTIME) == []


def test_no_two_runtime_modules_import_each_other_even_inside_functions() -> None:
    assert mutual_imports(RUNTIME) == []


def test_no_runtime_module_is_longer_than_400_lines() -> None:
    assert long_modules(RUNTIME) == []


def test_every_runtime_module_is_in_a_layer() -> None:
    loose = [
        module_name(path, RUNTIME)
        for path in RUNTIME.rglob("*.py")
        if layer_of(module_name(path, RUNTIME)) == TOP
    ]
    assert sorted(loose) == ["runtime", "runtime.__main__"]


# The checks themselves, on a small tree of their own: each must see what it looks for.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "runtime"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_function_level_import_of_a_higher_layer_is_named_with_its_line(
    tmp_path: Path,
) -> None:
    root = _tree(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/errors.py": "import json\n\n\ndef f():\n    from runtime.cli import output\n",
            "cli/__init__.py": "",
            "cli/output.py": "from runtime.core.errors import f\n",
        },
    )
    assert layer_violations(root) == [
        "runtime.core.errors (line 5) imports runtime.cli.output: layer core may import only core"
    ]


def test_a_cycle_is_found_but_a_typing_only_import_is_not_one(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "engine/a.py": "from runtime.engine import b\n",
            "engine/b.py": "from runtime.engine.a import x\n",
            "engine/c.py": "if TYPE_CHECKING:\n    from runtime.engine.d import y\n",
            "engine/d.py": "from runtime.engine.c import z\n",
        },
    )
    assert import_cycles(root) == [["runtime.engine.a", "runtime.engine.b", "runtime.engine.a"]]
    assert mutual_imports(root) == [
        "runtime.engine.a <-> runtime.engine.b",
        "runtime.engine.c <-> runtime.engine.d",
    ]


def test_a_long_module_is_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"core/short.py": "x = 1\n" * 400, "core/long.py": "x = 1\n" * 401})
    assert long_modules(root) == ["runtime/core/long.py: 401 lines (at most 400)"]
