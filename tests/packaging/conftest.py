"""Fixtures for the packaging tests (all marked ``packaging``; ``.ci/run`` runs them).

``built`` runs the real ``python build_installer.py`` once per session. Developer shortcut:
``BROADSHEET_REUSE_BUILD=1`` reuses an existing ``dist/installers/`` instead of rebuilding
(never set in CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # build_installer.py is a top-level script, not a package

import build_installer  # noqa: E402


@pytest.fixture(scope="session")
def built() -> Path:
    """dist/installers/ after a full build on this machine (Linux)."""
    out = build_installer.INSTALLERS
    if os.environ.get("BROADSHEET_REUSE_BUILD") == "1" and (out / "SHA256SUMS").is_file():
        return out
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out
