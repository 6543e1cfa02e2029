"""The house by capability: packages with faces, layers as a contract, small modules.

The layer order of ``docs/architecture.md`` is an import-linter contract in
``pyproject.toml``; ``lint-imports`` runs here (and in the test command), and
a copy of the package with one import added upward must break it. Every
Python file of the repository stays under 400 lines and has no function that
radon rates D or worse.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "slmap"
#: The capability packages, bottom layer first (docs/architecture.md).
PACKAGES = (
    "base",
    "sources",
    "admin",
    "model",
    "sample",
    "page",
    "report",
    "export",
    "radio",
    "cli",
)
MAX_LINES = 400
#: Family prefixes a module drops once its folder says it (``page/answers.py``).
PREFIXES = {"page": ("map_", "page_"), "report": ("report_",), "radio": ("radio_",)}


def _python_files() -> list[Path]:
    folders = ("src", "tests", "bench", "scripts", "geodata")
    files = [p for folder in folders for p in (REPO / folder).rglob("*.py")]
    return sorted(p for p in files if "_artifacts" not in p.parts)


def _lint_imports(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    assert exe, "lint-imports not found: install the test extra (pip install -e '.[test]')"
    return subprocess.run(
        [exe, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contracts_are_kept() -> None:
    run = _lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "upward"),
    [("base/names.py", "slmap.cli.group"), ("model/query.py", "slmap.page.render")],
)
def test_an_upward_import_breaks_the_layers_contract(
    tmp_path: Path, module: str, upward: str
) -> None:
    copy = tmp_path / "src" / "slmap"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / module
    parent, _, name = upward.rpartition(".")
    target.write_text(
        target.read_text(encoding="utf-8")
        + f"\n\ndef _upward():\n    from {parent} import {name}\n\n    return {name}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    run = _lint_imports(tmp_path, env)
    lower = module.split("/")[0]
    upper = upward.split(".")[1]
    assert run.returncode != 0, run.stdout
    assert f"slmap.{lower} is not allowed to import slmap.{upper}" in run.stdout


def test_the_package_holds_only_its_face_and_capability_packages() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 10, modules
    folders = sorted(
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    )
    assert folders == sorted(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_has_a_face(package: str) -> None:
    face = PACKAGE / package / "__init__.py"
    doc = ast.get_docstring(ast.parse(face.read_text(encoding="utf-8"))) or ""
    assert "May import" in doc, f"{face}: the docstring says what the package may import"
    module = importlib.import_module(f"slmap.{package}")
    public = list(module.__all__)
    assert public == sorted(public)
    for name in public:
        assert getattr(module, name) is not None, f"slmap.{package}.{name}"
    for path in (PACKAGE / package).glob("*.py"):
        for prefix in PREFIXES.get(package, ()):
            assert not path.name.startswith(prefix), f"{path}: the folder already says {prefix}"


def test_no_python_module_is_longer_than_400_lines() -> None:
    long = {}
    for path in _python_files():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            long[str(path.relative_to(REPO))] = n
    assert not long, f"split these by concept (at most {MAX_LINES} lines): {long}"


def test_no_function_is_rated_d_or_worse_by_radon() -> None:
    from radon.complexity import cc_rank, cc_visit

    hard = []
    for path in _python_files():
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if cc_rank(block.complexity) not in "ABC":
                where = f"{path.relative_to(REPO)}:{block.lineno} {block.fullname}"
                hard.append(f"{where} ({cc_rank(block.complexity)}, {block.complexity})")
    assert not hard, "split these functions: " + "; ".join(hard)
