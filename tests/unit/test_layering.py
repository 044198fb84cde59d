"""The layering lines: the data layer and the CLI load no Qt; only the importer loads sqlite_utils.

Each check runs in a fresh interpreter, so nothing this test process imported can hide a leak.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS_DIR

DATA_MODULES = sorted(
    f"desktop.data.{p.stem}" for p in (ROOT / "desktop" / "data").glob("*.py")
    if p.stem != "__init__"
)
PLAIN_MODULES = ["desktop.cli", "desktop.errors", "desktop.paths"] + (
    ["desktop.render", "desktop.typography"] if (ROOT / "desktop" / "render.py").exists() else []
)


def loaded_after(code: str, cwd: Path) -> list[str]:
    """The top-level packages loaded after running ``code`` in a new interpreter."""
    report = "import sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    script = f"{code}\n{report}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=cwd,
        check=True,
    )
    packages: list[str] = json.loads(result.stdout.splitlines()[-1])
    return packages


def test_data_layer_and_cli_import_no_qt(tmp_path: Path) -> None:
    imports = "\n".join(f"import {m}" for m in DATA_MODULES + PLAIN_MODULES)
    assert "PySide6" not in loaded_after(imports, tmp_path)


def test_data_modules_were_found() -> None:
    assert {"desktop.data.archive", "desktop.data.importer", "desktop.data.search"} <= set(
        DATA_MODULES)


@pytest.mark.parametrize("module", ["desktop.data.archive", "desktop.data.search", "desktop.cli"])
def test_only_the_importer_loads_sqlite_utils(module: str, tmp_path: Path) -> None:
    assert "sqlite_utils" not in loaded_after(f"import {module}", tmp_path)


def test_import_show_and_search_commands_load_no_qt(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    code = (
        "from desktop.cli import main\n"
        f"assert main(['import', {str(SEEDS_DIR)!r}, '--db', {str(db)!r}]) == 0\n"
        f"assert main(['show', '1', '--db', {str(db)!r}, '--json']) == 0\n"
        f"assert main(['search', 'mosul', '--db', {str(db)!r}]) == 0\n"
    )
    assert "PySide6" not in loaded_after(code, tmp_path)


def test_show_and_search_commands_do_not_load_sqlite_utils(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    loaded_after(
        f"from desktop.cli import main\nmain(['import', {str(SEEDS_DIR)!r}, '--db', {str(db)!r}])",
        tmp_path,
    )
    code = (
        "from desktop.cli import main\n"
        f"assert main(['show', '1', '--db', {str(db)!r}]) == 0\n"
        f"assert main(['search', 'mosul', '--db', {str(db)!r}]) == 0\n"
    )
    assert "sqlite_utils" not in loaded_after(code, tmp_path)
