"""A fresh minimal Debian 12 root to install the .deb into, as a user's machine would be.

Lives here: finding this machine's own Debian mirror, ``debootstrap --variant=minbase`` (the
result is cached as a tarball between runs), mounting /proc and /dev for the chroot and running
commands in it. Needs root, debootstrap and network access to the mirror on the first run.
No Qt, no ``desktop`` imports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CACHE_DIR = Path(os.environ.get("BROADSHEET_PACKAGING_CACHE", "/var/cache/broadsheet-packaging"))
CHROOT_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "DEBIAN_FRONTEND": "noninteractive",
}


def _deb822_mirrors(text: str) -> Iterator[tuple[str, list[str]]]:
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.strip().startswith("#") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes") != "no":
            for uri in fields.get("uris", "").split():
                yield uri, fields.get("suites", "").split()


def _one_line_mirrors(text: str) -> Iterator[tuple[str, list[str]]]:
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(words) >= 3 and words[0] == "deb":
            yield words[1], [words[2]]


def host_mirror(apt_dir: Path = Path("/etc/apt"), suite: str = SUITE) -> str:
    """The first Debian mirror this machine's apt sources use for ``suite`` itself."""
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*"))]
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        if path.suffix == ".sources":
            entries = _deb822_mirrors(text)
        elif path.suffix == ".list":
            entries = _one_line_mirrors(text)
        else:
            continue  # e.g. foo.list.disabled
        for uri, suites in entries:
            if suite in suites:
                return uri
    return DEFAULT_MIRROR


def _run(argv: Sequence[str | os.PathLike[str]], **kwargs: object) -> None:
    subprocess.run([os.fspath(a) for a in argv], check=True, **kwargs)  # type: ignore[call-overload]


def make_root(dest: Path, mirror: str, cache_dir: Path = CACHE_DIR) -> None:
    """Unpack the cached minbase root into ``dest``, debootstrapping (and caching) it first."""
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()
    tarball = cache_dir / f"{SUITE}-minbase-{arch}.tar"
    dest.mkdir(parents=True, exist_ok=True)
    if tarball.is_file():
        _run(["tar", "-C", dest, "--numeric-owner", "-xpf", tarball])
        return
    _run(["debootstrap", "--variant=minbase", SUITE, dest, mirror], stdout=subprocess.DEVNULL)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(".partial")
    _run(["tar", "-C", dest, "--numeric-owner", "-cf", partial, "."])
    partial.replace(tarball)


@contextmanager
def mounted(root: Path) -> Iterator[Path]:
    """/proc and /dev mounted inside ``root`` (and the host's DNS), unmounted afterwards."""
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf", follow_symlinks=True)
    done: list[Path] = []
    try:
        _run(["mount", "-t", "proc", "proc", root / "proc"])
        done.append(root / "proc")
        _run(["mount", "--bind", "/dev", root / "dev"])
        done.append(root / "dev")
        yield root
    finally:
        for point in reversed(done):
            subprocess.run(["umount", "--lazy", str(point)], check=False)


def in_root(
    root: Path, argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` inside the chroot with a clean environment; the caller checks the result."""
    return subprocess.run(
        ["chroot", str(root), *argv],
        env={**CHROOT_ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
