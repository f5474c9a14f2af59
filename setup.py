"""Build hooks: the wheel carries the definition files in runtime/packaged/.

The definitions (connector.yaml, connections/, modules/, rpcs/, webhooks/) live at the top
of the repository, where the design puts them and where maintainers edit them. Everything
else about the package is declared in pyproject.toml; this file only adds three steps that
setuptools' declarative settings cannot express:

- build_py copies the definitions into the build's ``runtime/packaged`` (never into the
  checkout), so a wheel needs no copy kept in git and cannot ship a stale one;
- the build runs in a fresh temporary folder instead of ./build, which setuptools would
  otherwise reuse, shipping files left there by an earlier build (a module since deleted);
- an sdist includes the definitions, so a wheel built from it (``python -m build``) too.

A small setuptools hook rather than another backend's force-include: setuptools is already
the backend, and it builds offline with ``pip wheel --no-build-isolation`` from the project's
venv (tests/test_install.py does), with nothing else to install. An editable install
(``make`` uses editable_mode=compat) copies nothing: runtime.definitions.loader.default_root()
reads the checkout's own files there.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build import build
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.errors import SetupError

HERE = Path(__file__).resolve().parent
DEFINITIONS = ("connector.yaml", "connections", "modules", "rpcs", "webhooks")
# runtime.definitions.loader.default_root() looks here; not runtime/definitions/, the
# subpackage that loads definition files (a copy there would mix YAML into its modules).
PACKAGED = Path("runtime", "packaged")


def definition_files() -> list[str]:
    """The definition files, relative to the project folder (caches and dot-files left out)."""
    if not (HERE / "connector.yaml").is_file():
        raise SetupError(f"no connector.yaml in {HERE}: the wheel would carry no definitions")
    found: list[str] = []
    for name in DEFINITIONS:
        top = HERE / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            relative = path.relative_to(HERE)
            hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
            if path.is_file() and not hidden:
                found.append(relative.as_posix())
    return found


class BuildInTemporaryFolder(build):
    def initialize_options(self) -> None:
        super().initialize_options()
        # kept on the command so the folder lives until the build process ends
        self._folder = tempfile.TemporaryDirectory(prefix="clientary-connector-build-")
        self.build_base = self._folder.name  # an explicit --build-base still wins


class BuildPyWithDefinitions(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / PACKAGED
        shutil.rmtree(target, ignore_errors=True)
        for relative in definition_files():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / relative, destination)


class SdistWithDefinitions(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        listed = set(files)
        extra = [name for name in definition_files() if name not in listed]
        super().make_release_tree(base_dir, [*files, *extra])


setup(
    cmdclass={
        "build": BuildInTemporaryFolder,
        "build_py": BuildPyWithDefinitions,
        "sdist": SdistWithDefinitions,
    }
)
