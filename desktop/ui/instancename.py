"""The single-instance server's name, and whether a server of that name may be running, read
without QtNetwork: a first start then leaves QtNetwork (about 15 ms) until after its first
paint (``app.py``). ``instance.py`` is the channel itself.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path


def default_name(data_dir: Path) -> str:
    """The server name for this user and data folder (``--data-dir`` starts a separate app)."""
    import hashlib  # here: only a windowed start names its server

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        user = "user"
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"broadsheet-{user}-{digest}"


def server_may_exist(name: str) -> bool:
    """False only when no Broadsheet can be listening on ``name``.

    On Linux and macOS ``QLocalServer`` listens on a socket file of that name in Qt's
    temporary folder (``$TMPDIR``, else ``/tmp`` on Linux), which it removes when it closes; a
    crash leaves the file, which then reads as "may exist" and is dealt with by ``instance.py``.
    Elsewhere (Windows' named pipes, macOS without ``$TMPDIR``, where Qt asks the system) this
    cannot be told without QtNetwork, and the answer is True.
    """
    folder = os.environ.get("TMPDIR")
    if sys.platform.startswith("linux"):
        folder = folder or "/tmp"
    elif sys.platform != "darwin" or not folder:
        return True
    return os.path.lexists(os.path.join(folder, name))
