"""The wheel is the product: built from this checkout, installed into a fresh virtualenv
outside it, and run from yet another folder, it finds the definitions it carries.

No network: the wheel is built with the project venv's setuptools (--no-build-isolation),
installed with --no-index --no-deps, and the new venv borrows the project venv's
dependencies through a .pth file (a line of a .pth file only adds that folder to sys.path;
the project's own editable-install .pth files there are not run, so the checkout stays out).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clientary_sandbox import Sandbox
from runtime.definitions.loader import module_files
from tests.conftest import REPO

DEFINITIONS = ("connector.yaml", "connections", "modules", "rpcs", "webhooks")
PACKAGED = "runtime/packaged/"  # where the wheel carries them
TOKEN = "sandbox-token"
STEP_TIMEOUT = 120  # generous: a wedged pip or connector fails the test instead of hanging CI


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path
    site_packages: Path
    elsewhere: Path  # the working directory of every command: neither checkout nor venv

    def run(
        self, *command: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=self.elsewhere,
            env={**_clean_environment(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )


def _clean_environment() -> dict[str, str]:
    """This environment without what would let the checkout or a connection leak in."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
        and not name.startswith("CLIENTARY_")
    }


def _step(*command: str, cwd: Path) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command[:4]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_leftovers() -> set[Path]:
    """What a build could leave in the checkout: build/ contents, a packaged copy."""
    return {*REPO.glob("build/*"), *REPO.glob("runtime/packaged")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    before = _build_leftovers()
    _step(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
        "--quiet", "--wheel-dir", str(base / "dist"), str(REPO),
        cwd=base,
    )  # fmt: skip
    assert _build_leftovers() == before, "the build left files in the checkout"
    (wheel,) = (base / "dist").glob("clientary_connector-*.whl")
    venv = base / "venv"
    _step(sys.executable, "-m", "venv", "--without-pip", str(venv), cwd=base)
    python = venv / "bin" / "python"
    _step(
        sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
        "--no-index", "--quiet", str(wheel),
        cwd=base,
    )  # fmt: skip
    site_packages = Path(
        _step(
            str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=base
        ).strip()
    )
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site_packages / "project-venv-dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in sorted(ours)), encoding="utf-8"
    )
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return Installed(wheel, venv / "bin", site_packages, elsewhere)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, seed=5) as running:
        yield running


def _repository_definitions() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in DEFINITIONS:
        path = REPO / name
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            parts = file.relative_to(REPO).parts
            if file.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in parts):
                files[file.relative_to(REPO).as_posix()] = file.read_bytes()
    return files


def test_the_wheel_carries_exactly_the_repository_definitions(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        packaged = {
            name.removeprefix(PACKAGED): wheel.read(name)
            for name in wheel.namelist()
            if name.startswith(PACKAGED)
        }
    expected = _repository_definitions()
    assert sorted(packaged) == sorted(expected)
    assert packaged == expected


def test_the_sdist_carries_them_too(tmp_path: Path) -> None:
    # `python -m build` makes the wheel from the sdist: setup.py must find them there
    before = _build_leftovers()
    build_sdist = (
        "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])"
    )
    _step(sys.executable, "-c", build_sdist, str(tmp_path), cwd=REPO)
    assert _build_leftovers() == before, "the sdist build left files in the checkout"
    (sdist,) = tmp_path.glob("clientary_connector-*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = f"{sdist.name.removesuffix('.tar.gz')}/"
        names = {name.removeprefix(top) for name in archive.getnames()}
    assert {"setup.py", "pyproject.toml", *_repository_definitions()} <= names


def test_version_names_the_installed_definitions(installed: Installed) -> None:
    done = installed.run("connector", "--version")
    assert (done.returncode, done.stderr) == (0, "")
    definitions = installed.site_packages / "runtime" / "packaged"
    assert done.stdout == f"connector 0.1.0 (clientary app version 1, definitions: {definitions})\n"


def test_validate_and_modules_work_from_another_folder(installed: Installed) -> None:
    validated = installed.run("connector", "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    modules = sorted(path.stem for path in module_files(REPO))
    assert validated.stderr.startswith(f"ok: {len(modules)} modules, ")
    listed = installed.run("connector", "modules", "--json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(json.loads(line)["id"] for line in listed.stdout.splitlines()) == modules


def test_a_module_runs_against_the_sandbox_from_another_folder(
    installed: Installed, sandbox: Sandbox
) -> None:
    assert sandbox.base_url is not None
    done = installed.run(
        "connector", "run", "search_clients", "--param", "limit=3", "--base-url", sandbox.base_url,
        env={"CLIENTARY_DOMAIN": "sandbox", "CLIENTARY_API_TOKEN": TOKEN},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = [json.loads(line)["name"] for line in done.stdout.splitlines()]
    assert names == ["Client 001", "Client 002", "Client 003"]


def test_root_still_points_at_another_tree_either_side_of_the_command(
    installed: Installed, tmp_path: Path
) -> None:
    (tmp_path / "connector.yaml").write_text("name: other\nversion: 3\n", encoding="utf-8")
    version = installed.run("connector", "--root", str(tmp_path), "--version")
    assert version.stdout.endswith(f"(other app version 3, definitions: {tmp_path})\n")
    for arguments in (("--root", str(tmp_path), "modules"), ("modules", "--root", str(tmp_path))):
        done = installed.run("connector", *arguments)
        assert done.returncode == 1, arguments  # the tree given is read: it has no base
        assert "connector.yaml:1: $: missing required key 'base'" in done.stderr, arguments


def test_the_python_api_finds_the_definitions_from_another_folder(
    installed: Installed, sandbox: Sandbox
) -> None:
    script = f"""
from runtime import (
    RequestsTransport, RunContext, default_root, load_for_run, open_connection,
    prepare_parameters, run_module,
)
connector, module = load_for_run(default_root(), "search_clients")
connection = open_connection(
    connector.connections["clientary"], connector.base, {{"api_token": {TOKEN!r}}},
    base_url={sandbox.base_url!r},
)
transport = RequestsTransport((connection.username, connection.password), 5)
context = RunContext(connector, connection, transport)
bundles = list(run_module(module, prepare_parameters(module.input, {{"limit": 2}}), context))
transport.close()
print(default_root(), [bundle["name"] for bundle in bundles])
"""
    done = installed.run("python", "-c", script)
    assert done.returncode == 0, done.stderr
    definitions = installed.site_packages / "runtime" / "packaged"
    assert done.stdout == f"{definitions} ['Client 001', 'Client 002']\n"
