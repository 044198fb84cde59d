"""Where files live: bundled resources (source tree or frozen bundle) and per-user data.

No Qt imports. Bundled files are found under ``sys._MEIPASS`` when frozen by PyInstaller and
under the repository otherwise. The user's own data lives in platformdirs' per-user folders,
never inside the bundle; ``set_data_dir()`` (the ``--data-dir`` option) overrides them.
platformdirs is imported only when those folders are asked for and not overridden: it costs
~15 ms of every start otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Broadsheet"
APP_AUTHOR = "Broadsheet"

_data_dir_override: Path | None = None


def resources_dir() -> Path:
    """The folder holding the bundled archive, icons and fonts."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def bundled_archive() -> Path:
    """The archive shipped with the app (built from ``seeds/`` by the import step)."""
    return resources_dir() / "archive.db"


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Override the per-user data folder (``--data-dir``; tests and the self-test use it)."""
    global _data_dir_override
    _data_dir_override = Path(path) if path is not None else None


def user_data_dir() -> Path:
    """The per-user data folder (bookmarks, notes, the user's own archive)."""
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("BROADSHEET_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    """The per-user log folder; crash tracebacks are written here."""
    if _data_dir_override is not None:
        return _data_dir_override / "logs"
    env = os.environ.get("BROADSHEET_DATA_DIR")
    if env:
        return Path(env) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def user_archive() -> Path:
    """The user's own archive: a copy of the bundled one that their imports go into."""
    return user_data_dir() / "archive.db"


def default_archive() -> Path:
    """The archive opened without ``--db``: the user's own when it exists, else the bundled one."""
    user = user_archive()
    return user if user.exists() else bundled_archive()
