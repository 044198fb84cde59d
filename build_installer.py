#!/usr/bin/env python3
"""Build Broadsheet's installers for the OS this runs on: ``python build_installer.py``.

The steps (issue 5): (1) import ``seeds/`` into ``resources/archive.db`` with ``--compact``;
(2) freeze with PyInstaller from ``resources/packaging/broadsheet.spec`` after rendering the
icons from ``resources/icons/broadsheet.svg``; (3) run the frozen app's ``--self-test``
offscreen and stop unless it prints ``self-test ok``; (4) wrap it into ``dist/installers/``:
a ``.deb`` and a ``.tar.gz`` on Linux, an NSIS ``setup.exe`` and a portable ``.zip`` on
Windows, a ``.app`` in a ``.dmg`` on macOS, plus ``SHA256SUMS``. ``--dry-run`` prints every
step and command without running them; ``--check-installed`` runs an installed copy's
self-test (CI uses it after a silent install).

Lives here: every OS-specific packaging decision, so the CI workflow stays a thin caller.
Must not import the ``desktop`` package or Qt at module level: the app is run as a
subprocess, as a user would run it, and only the icon step imports PySide6 (through
``resources/packaging/icons.py``). Pure stdlib plus PyInstaller (run as ``python -m
PyInstaller``) and the OS packaging tools.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO, TypeVar

ROOT = Path(__file__).resolve().parent
PACKAGING = ROOT / "resources" / "packaging"
SPEC = PACKAGING / "broadsheet.spec"
NSIS_SCRIPT = PACKAGING / "broadsheet.nsi"
DESKTOP_ENTRY = PACKAGING / "broadsheet.desktop"
ICON_SVG = ROOT / "resources" / "icons" / "broadsheet.svg"
ARCHIVE = ROOT / "resources" / "archive.db"
SEEDS = ROOT / "seeds"
BUILD = ROOT / "build"
GENERATED = BUILD / "generated"  # the spec reads icons/ and version_info.txt from here
DIST = ROOT / "dist"
INSTALLERS = DIST / "installers"

APP_NAME = "Broadsheet"
PACKAGE = "broadsheet"
EXE_NAME = "broadsheet"
SELF_TEST_OK = "self-test ok"
SELF_TEST_TIMEOUT = 180
DMG_ATTEMPTS = 3
DMG_RETRY_DELAY = 10.0

# What ldd cannot see: the bundle carries libfontconfig but no fonts and no fontconfig
# configuration, so without these every glyph is a box (PLATFORM-NOTES). The libraries
# (libgl1, libegl1, libxcb1, ...) come from the ldd scan and are checked against MIN_DEPENDS.
DATA_DEPENDS = ("fontconfig-config", "fonts-dejavu-core")
MIN_DEPENDS = ("libgl1", "libegl1", "libxcb1", *DATA_DEPENDS)
DEB_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
MAINTAINER = "Broadsheet developers <broadsheet@users.noreply.github.com>"
DEB_DESCRIPTION = (
    "Offline archive viewer for news articles\n"
    " Broadsheet reads a bundled archive of news articles without a network:\n"
    " browse by outlet and section, search the full text, look through photo\n"
    " galleries and export articles to PDF."
)
# Signing and notarisation on macOS run only when all of these are set (CI secrets).
MAC_SIGNING_ENV = ("MACOS_SIGNING_IDENTITY",)
MAC_NOTARY_ENV = ("APPLE_ID", "APPLE_TEAM_ID", "APPLE_APP_PASSWORD")

T = TypeVar("T")


class BuildError(Exception):
    """A build step that failed; the message says what, where and what to do next."""


@dataclass(frozen=True)
class Tool:
    """An external program a packaging step needs, with how to get it."""

    name: str
    hint: str


TOOLS: dict[str, tuple[Tool, ...]] = {
    "linux": (
        Tool("dpkg-deb", "apt-get install dpkg"),
        Tool("dpkg", "apt-get install dpkg"),
        Tool("ldd", "apt-get install libc-bin"),
        Tool("objdump", "apt-get install binutils"),
        Tool("desktop-file-validate", "apt-get install desktop-file-utils"),
    ),
    "windows": (
        Tool(
            "makensis",
            "install NSIS 3: choco install nsis -y (or winget install NSIS.NSIS); it goes to "
            r"C:\Program Files (x86)\NSIS, which this script also searches",
        ),
    ),
    "macos": (Tool("hdiutil", "hdiutil ships with macOS: build the macOS installer on a Mac"),),
}
SIGNING_TOOLS = (
    Tool("codesign", "install the Xcode command line tools: xcode-select --install"),
    Tool("xcrun", "install the Xcode command line tools: xcode-select --install"),
)


def current_os() -> str:
    """``"linux"``, ``"windows"`` or ``"macos"``; raises BuildError on anything else."""
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    raise BuildError(f"no installer recipe for {sys.platform}: build on Linux, Windows or macOS")


def read_version(init_file: Path = ROOT / "desktop" / "__init__.py") -> str:
    """The app version from ``desktop/__init__.py``, read as text (no import)."""
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', init_file.read_text("utf-8"), re.M)
    if match is None:
        raise BuildError(f"{init_file}: no __version__ line; add __version__ = \"x.y.z\"")
    return match.group(1)


def find_tool(name: str) -> str | None:
    """The full path of ``name`` on PATH, or in NSIS's default folders for makensis."""
    found = shutil.which(name)
    if found or name != "makensis":
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and (candidate := Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(candidate)
    return None


def signing_requested(env: Mapping[str, str] = os.environ) -> bool:
    """Whether the macOS signing identity is configured (else the .app stays ad-hoc signed)."""
    return all(env.get(name) for name in MAC_SIGNING_ENV)


def notarising_requested(env: Mapping[str, str] = os.environ) -> bool:
    """Whether notarisation credentials are configured too."""
    return signing_requested(env) and all(env.get(name) for name in MAC_NOTARY_ENV)


def check_tools(
    target: str,
    which: Callable[[str], str | None] = find_tool,
    env: Mapping[str, str] = os.environ,
) -> dict[str, str]:
    """Find every tool ``target`` needs before any step runs.

    Returns:
        The full path of each tool by name.

    Raises:
        BuildError: listing every missing tool with how to install it.
    """
    needed = list(TOOLS[target])
    if target == "macos" and signing_requested(env):
        needed += SIGNING_TOOLS
    found: dict[str, str] = {}
    missing: list[str] = []
    for tool in needed:
        path = which(tool.name)
        if path is None:
            missing.append(f"{tool.name} is not installed ({tool.hint})")
        else:
            found[tool.name] = path
    if importlib.util.find_spec("PyInstaller") is None:
        hint = f"{sys.executable} -m pip install -e '.[build]'"
        missing.append(f"PyInstaller is not installed ({hint})")
    if missing:
        raise BuildError("missing build tools: " + "; ".join(missing))
    return found


def _relative(text: str) -> str:
    path = Path(text)
    if path.is_absolute() and path.is_relative_to(ROOT):
        return str(path.relative_to(ROOT)) or "."
    return text


def display(argv: Sequence[str | os.PathLike[str]]) -> str:
    """A command line as it would be typed, with paths inside the repository made relative
    (also in ``-DNAME=path`` arguments)."""
    parts = []
    for arg in argv:
        text = os.fspath(arg)
        define = re.match(r"(-D\w+=)(.+)$", text)
        parts.append(define.group(1) + _relative(define.group(2)) if define else _relative(text))
    return shlex.join(parts)


class Runner:
    """Runs (or, for ``--dry-run``, only prints) the build's commands and actions."""

    def __init__(self, *, dry_run: bool, out: TextIO | None = None) -> None:
        self.dry_run = dry_run
        self.out = out if out is not None else sys.stdout

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def step(self, number: int, title: str) -> None:
        self.say(f"\n== Step {number}: {title}")

    def run(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
        capture: bool = False,
        ok_codes: Iterable[int] = (0,),
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str] | None:
        """Run ``argv`` (extra ``env`` on top of ours); raise BuildError on another exit code."""
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        self.say(f"  $ {prefix + ' ' if prefix else ''}{display(argv)}")
        if self.dry_run:
            return None
        full_env = {**os.environ, **(env or {})}
        try:
            result = subprocess.run(
                [os.fspath(a) for a in argv],
                cwd=cwd,
                env=full_env,
                text=True,
                capture_output=capture,
                timeout=timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise BuildError(f"{argv[0]}: not found ({exc.strerror}); install it") from exc
        except subprocess.TimeoutExpired as exc:
            raise BuildError(f"{display(argv)} did not finish within {timeout} s") from exc
        if result.returncode not in tuple(ok_codes):
            detail = (result.stderr or "").strip().splitlines()[-5:] if capture else []
            raise BuildError(
                f"{display(argv[:3])}… failed with exit code {result.returncode}"
                + (": " + " | ".join(detail) if detail else "; see the output above")
            )
        return result

    def act(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Do a Python-level step (write a file, compute Depends…), or only describe it."""
        self.say(f"  - {what}")
        if self.dry_run:
            return None
        return fn(*args, **kwargs)


# --- icons and version info -------------------------------------------------------------


@functools.cache
def load_icons_module() -> ModuleType:
    """``resources/packaging/icons.py`` (resources/ is not a package)."""
    spec = importlib.util.spec_from_file_location("broadsheet_icons", PACKAGING / "icons.py")
    if spec is None or spec.loader is None:
        raise BuildError(f"{PACKAGING / 'icons.py'}: cannot be loaded; restore it from git")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def make_icons(out_dir: Path = GENERATED / "icons") -> dict[str, Path]:
    """Render the PNG sizes, .ico and .icns from the one SVG into ``out_dir``."""
    icons = load_icons_module()
    try:
        written: dict[str, Path] = icons.write_icon_set(ICON_SVG, out_dir)
    except icons.IconError as exc:
        raise BuildError(f"icons: {exc}") from exc
    return written


def windows_version_info(version: str) -> str:
    """PyInstaller's version-resource file (``VSVersionInfo``) for ``broadsheet.exe``."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    quad = tuple(numbers + [0] * (4 - len(numbers)))
    strings = {
        "CompanyName": "Broadsheet contributors",
        "FileDescription": "Broadsheet news archive viewer",
        "FileVersion": version,
        "InternalName": EXE_NAME,
        "LegalCopyright": "Broadsheet contributors, MIT licence",
        "OriginalFilename": f"{EXE_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# Generated by build_installer.py: Windows version resource for {EXE_NAME}.exe
VSVersionInfo(
  ffi=FixedFileInfo(filevers={quad}, prodvers={quad}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
          {table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- steps 1-3: archive, freeze, self-test --------------------------------------------------


def remove_archive() -> None:
    """Delete the old bundled archive and its SQLite side files, so removed seeds go too."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{ARCHIVE}{suffix}").unlink(missing_ok=True)


def require_archive() -> None:
    if not ARCHIVE.is_file():
        raise BuildError(f"{ARCHIVE}: the import step wrote no archive; run it by hand to see why")


def frozen_exe(target: str, dist: Path = DIST) -> Path:
    """The executable PyInstaller writes (inside the .app on macOS: that is what ships)."""
    if target == "windows":
        return dist / EXE_NAME / f"{EXE_NAME}.exe"
    if target == "macos":
        return dist / f"{APP_NAME}.app" / "Contents" / "MacOS" / EXE_NAME
    return dist / EXE_NAME / EXE_NAME


def self_test_failure(returncode: int | None, stdout: str, stderr: str) -> str | None:
    """Why a ``--self-test`` run failed, or None when it printed ``self-test ok`` and exited 0."""
    if returncode == 0 and SELF_TEST_OK in stdout.splitlines():
        return None
    tail = " | ".join((stderr.strip().splitlines() or ["(no stderr)"])[-5:])
    if returncode != 0:
        return f"exit code {returncode}; stderr: {tail}"
    return f"it did not print {SELF_TEST_OK!r}; stdout: {stdout.strip()[:200]!r}; stderr: {tail}"


def run_self_test(runner: Runner, exe: Path) -> None:
    """Run ``exe --self-test`` offscreen with a throwaway data folder; BuildError unless ok."""
    with tempfile.TemporaryDirectory(prefix="broadsheet-selftest-") as data_dir:
        result = runner.run(
            [exe, "--self-test", "--data-dir", data_dir],
            env={"QT_QPA_PLATFORM": "offscreen"},
            capture=True,
            ok_codes=range(-255, 256),
            timeout=SELF_TEST_TIMEOUT,
        )
    if result is None:
        return
    reason = self_test_failure(result.returncode, result.stdout, result.stderr)
    if reason is not None:
        raise BuildError(f"{exe} --self-test failed: {reason}")
    runner.say(f"  {SELF_TEST_OK}")


# --- step 4, Linux: .deb and .tar.gz --------------------------------------------------------


def deb_arch(machine: str | None = None) -> str:
    machine = (machine or platform.machine()).lower()
    if machine not in DEB_ARCH:
        raise BuildError(f"no Debian architecture name for {machine}; add it to DEB_ARCH")
    return DEB_ARCH[machine]


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(4) == b"\x7fELF"


def bundle_elves(bundle: Path) -> list[Path]:
    """Every ELF file (the executable, libraries, plugins) in a onedir bundle."""
    return sorted(p for p in bundle.rglob("*") if is_elf(p))


_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")
_LDD_LOADER = re.compile(r"^\s*(/\S+)\s+\(0x")
_NEEDED = re.compile(r"^\s*NEEDED\s+(\S+)", re.M)
_GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


def parse_ldd(output: str) -> dict[str, str | None]:
    """``ldd`` output as soname -> resolved path (None for ``not found``)."""
    resolved: dict[str, str | None] = {}
    for line in output.splitlines():
        if match := _LDD_LINE.match(line):
            name, where = match.groups()
            resolved[name] = None if where == "not found" else where
        elif match := _LDD_LOADER.match(line):  # the dynamic loader: "/lib64/ld-linux… (0x…)"
            resolved[Path(match.group(1)).name] = match.group(1)
    return resolved


def parse_needed(objdump_output: str) -> list[str]:
    """The DT_NEEDED sonames in ``objdump -p`` output: what a file links directly."""
    return _NEEDED.findall(objdump_output)


def glibc_floor(objdump_outputs: Iterable[str]) -> str | None:
    """The newest ``GLIBC_x.y`` symbol version any bundled file needs (for ``libc6 (>= x.y)``)."""
    best: tuple[int, ...] | None = None
    for text in objdump_outputs:
        for match in _GLIBC_VERSION.finditer(text):
            version = tuple(int(n) for n in match.groups() if n is not None)
            best = version if best is None or version > best else best
    return ".".join(map(str, best)) if best else None


def soname_package_guess(soname: str) -> str:
    """Debian's usual package name for a library soname (a hint only): libfoo.so.1 -> libfoo1."""
    stem, _, version = soname.lower().partition(".so")
    version = version.lstrip(".").split(".")[0]
    return f"{stem}-{version}" if stem[-1:].isdigit() else f"{stem}{version}"


@dataclass(frozen=True)
class ElfScan:
    """What one bundled ELF file links: ``objdump -p -T`` and ``ldd`` output."""

    path: Path
    objdump: str
    ldd: str


def scan_bundle(
    bundle: Path,
    ldd: Callable[[Path, Mapping[str, str]], str],
    objdump: Callable[[Path], str],
) -> list[ElfScan]:
    """``objdump`` and ``ldd`` of every ELF file, ldd under ``LD_LIBRARY_PATH=_internal`` so
    the bundled copies win, as at run time."""
    env = {**os.environ, "LD_LIBRARY_PATH": str(bundle / "_internal")}
    return [ElfScan(elf, objdump(elf), ldd(elf, env)) for elf in bundle_elves(bundle)]


def system_libraries(bundle: Path, scans: Iterable[ElfScan]) -> dict[str, str]:
    """The libraries outside the bundle that its files link directly: resolved path -> a user.

    Only DT_NEEDED entries count (like dpkg-shlibdeps): libGL's own dependencies are libgl1's
    business, not ours.

    Raises:
        BuildError: a library is neither bundled nor installed here (so no package can be named).
    """
    inside = bundle.resolve()
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    for scan in scans:
        resolved = parse_ldd(scan.ldd)
        user = scan.path.relative_to(bundle).as_posix()
        for soname in parse_needed(scan.objdump):
            where = resolved.get(soname)
            if where is None:
                missing.setdefault(soname, user)
            elif not Path(where).resolve().is_relative_to(inside):
                found.setdefault(where, user)
    if missing:
        soname, user = sorted(missing.items())[0]
        guesses = sorted({soname_package_guess(name) for name in missing})
        others = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise BuildError(
            f"{soname} (needed by {user}){others} not installed on this build machine, so "
            f"neither bundled nor nameable in Depends; install (apt-get install "
            f"{' '.join(guesses)}) and build again"
        )
    return found


def run_ldd(elf: Path, env: Mapping[str, str]) -> str:
    result = subprocess.run(["ldd", str(elf)], env=dict(env), capture_output=True, text=True)
    return result.stdout


def run_objdump(elf: Path) -> str:
    result = subprocess.run(["objdump", "-p", "-T", str(elf)], capture_output=True, text=True)
    return result.stdout


def _usr_variants(path: str) -> list[str]:
    """The path, its /usr-merged twin and its real path: dpkg knows only one of them."""
    variants = [path]
    if path.startswith("/usr/"):
        variants.append(path[4:])
    else:
        variants.append("/usr" + path)
    variants.append(os.path.realpath(path))
    return list(dict.fromkeys(variants))


def dpkg_owner(path: str, dpkg_search: Callable[[str], str | None]) -> str | None:
    """The Debian package that installed ``path`` (architecture qualifier dropped), or None."""
    for candidate in _usr_variants(path):
        owner = dpkg_search(candidate)
        if owner:
            return owner.split(",")[0].split(":")[0].strip()
    return None


def run_dpkg_search(path: str) -> str | None:
    result = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
    if result.returncode != 0 or ": " not in result.stdout:
        return None
    return result.stdout.splitlines()[0].rsplit(": ", 1)[0]


def compute_depends(
    bundle: Path,
    *,
    ldd: Callable[[Path, Mapping[str, str]], str] = run_ldd,
    dpkg_search: Callable[[str], str | None] = run_dpkg_search,
    objdump: Callable[[Path], str] = run_objdump,
) -> list[str]:
    """The ``Depends:`` of the .deb: the packages owning every library the bundle links but
    does not carry, plus the data packages ldd cannot see (fonts, fontconfig's config).

    Raises:
        BuildError: a linked library belongs to no package, or a minimum package is absent.
    """
    scans = scan_bundle(bundle, ldd, objdump)
    packages: set[str] = set(DATA_DEPENDS)
    for path, user in sorted(system_libraries(bundle, scans).items()):
        owner = dpkg_owner(path, dpkg_search)
        if owner is None:
            raise BuildError(
                f"{path} (needed by {user}) belongs to no Debian package, so the .deb cannot "
                "depend on it; install that library from a package and build again"
            )
        packages.add(owner)
    missing = [name for name in MIN_DEPENDS if name not in packages]
    if missing:
        raise BuildError(
            f"the scan of {bundle} found no {', '.join(missing)}: the bundle's Qt libraries "
            "should link libGL, libEGL and libxcb; check the spec's binary filter"
        )
    floor = glibc_floor(scan.objdump for scan in scans)
    return [
        f"libc6 (>= {floor})" if name == "libc6" and floor else name for name in sorted(packages)
    ]


def installed_size_kib(root: Path) -> int:
    """dpkg's Installed-Size: the staged files in KiB, rounded up per file (DEBIAN/ excluded)."""
    total = 0
    for path in root.rglob("*"):
        if "DEBIAN" in path.relative_to(root).parts:
            continue
        if path.is_symlink() or path.is_dir():
            total += 1
        elif path.is_file():
            total += -(-path.stat().st_size // 1024)
    return total


def control_text(version: str, arch: str, depends: Sequence[str], installed_kib: int) -> str:
    """The DEBIAN/control file."""
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Description: {DEB_DESCRIPTION}\n"
    )


def normalise_modes(root: Path) -> None:
    """0755 for folders and executables, 0644 for everything else (dpkg-deb warns otherwise)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or path.stat().st_mode & 0o111:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def hicolor_icon_paths(sizes: Iterable[int]) -> dict[int, str]:
    """Where each PNG size goes in the hicolor theme, relative to the root."""
    return {size: f"usr/share/icons/hicolor/{size}x{size}/apps/{PACKAGE}.png" for size in sizes}


def stage_deb_tree(bundle: Path, icon_dir: Path, root: Path, hicolor_sizes: Iterable[int]) -> Path:
    """Lay out the package: /opt/broadsheet (the bundle), /usr/bin/broadsheet -> it, the .desktop
    file, hicolor icons (PNG sizes plus the SVG as scalable) and the copyright file."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / "opt" / PACKAGE, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / EXE_NAME).symlink_to(f"/opt/{PACKAGE}/{EXE_NAME}")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(DESKTOP_ENTRY, apps / f"{PACKAGE}.desktop")
    for size, rel in hicolor_icon_paths(hicolor_sizes).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icon_dir / f"broadsheet-{size}.png", root / rel)
    scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(ICON_SVG, scalable / f"{PACKAGE}.svg")
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Broadsheet: offline archive viewer for news articles.\n"
        "License: MIT. Bundles Python (PSF License) and Qt 6 / PySide6 (LGPL-3.0).\n",
        encoding="utf-8",
    )
    (root / "DEBIAN").mkdir()
    normalise_modes(root)
    return root


def write_control(root: Path, version: str, arch: str, depends: Sequence[str]) -> Path:
    path = root / "DEBIAN" / "control"
    path.write_text(control_text(version, arch, depends, installed_size_kib(root)), "utf-8")
    path.chmod(0o644)
    return path


def _root_owned(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def make_tarball(bundle: Path, icon_dir: Path, out: Path, top: str) -> Path:
    """``top/``: the bundle, the same .desktop file as the .deb, and the icon (SVG + 256 px)."""
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        tar.add(bundle, arcname=top, filter=_root_owned)
        tar.add(DESKTOP_ENTRY, arcname=f"{top}/{PACKAGE}.desktop", filter=_root_owned)
        tar.add(ICON_SVG, arcname=f"{top}/{PACKAGE}.svg", filter=_root_owned)
        tar.add(icon_dir / "broadsheet-256.png", arcname=f"{top}/{PACKAGE}.png",
                filter=_root_owned)
    return out


# --- step 4, Windows and macOS --------------------------------------------------------------


def make_zip(bundle: Path, out: Path, top: str) -> Path:
    """The portable .zip: the onedir bundle under ``top/``."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(bundle.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(bundle).as_posix()}")
    return out


def makensis_command(
    makensis: str, version: str, payload: Path, outfile: Path, icon: Path
) -> list[str]:
    """makensis with warnings as errors; ``-`` options work on both Windows and POSIX."""
    return [
        makensis,
        "-V2",
        "-WX",
        f"-DVERSION={version}",
        f"-DPAYLOAD={payload}",
        f"-DOUTFILE={outfile}",
        f"-DICON={icon}",
        str(NSIS_SCRIPT),
    ]


def run_with_retries(
    runner: Runner, argv: Sequence[str | os.PathLike[str]], attempts: int, delay: float
) -> None:
    """Run a flaky command (hdiutil on CI runners) up to ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        try:
            runner.run(argv)
            return
        except BuildError:
            if attempt == attempts:
                raise
            runner.say(f"  (attempt {attempt} of {attempts} failed; retrying in {delay:.0f} s)")
            time.sleep(delay)


def stage_dmg_folder(app: Path, folder: Path) -> Path:
    """The .dmg's contents: the .app and a link to /Applications to drag it onto."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copytree(app, folder / app.name, symlinks=True)
    (folder / "Applications").symlink_to("/Applications")
    return folder


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    target: str
    dry_run: bool = False
    skip_import: bool = False
    skip_self_test: bool = False


def artefact_names(version: str, target: str, arch: str | None = None) -> dict[str, str]:
    """File names in dist/installers/ for ``target``."""
    if target == "linux":
        arch = arch or deb_arch()
        tar_arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)
        return {
            "deb": f"{PACKAGE}_{version}_{arch}.deb",
            "tar": f"{PACKAGE}-{version}-linux-{tar_arch}.tar.gz",
        }
    if target == "windows":
        return {
            "setup": f"{APP_NAME}-{version}-windows-x64-installer.exe",
            "zip": f"{APP_NAME}-{version}-windows-x64-portable.zip",
        }
    return {"dmg": f"{APP_NAME}-{version}-macos.dmg"}


def step_import(runner: Runner, opts: Options) -> None:
    runner.step(1, "import seeds/ into resources/archive.db (--compact)")
    if opts.skip_import:
        runner.say("  - skipped (--skip-import: developer flag); reusing resources/archive.db")
        runner.act("check resources/archive.db exists", require_archive)
        return
    runner.act("remove the old resources/archive.db", remove_archive)
    # Exit code 1 means some seeds were rejected (the report lists them); the rest imported.
    runner.run(
        [sys.executable, "-m", "desktop", "import", SEEDS, "--db", ARCHIVE, "--compact"],
        ok_codes=(0, 1),
    )
    runner.act("check resources/archive.db was written", require_archive)


def step_freeze(runner: Runner, opts: Options, version: str) -> None:
    runner.step(2, f"freeze with PyInstaller from {SPEC.relative_to(ROOT)} (onedir, windowed)")
    runner.act(
        f"render {ICON_SVG.relative_to(ROOT)} to PNG sizes, .ico and .icns in "
        f"{(GENERATED / 'icons').relative_to(ROOT)}",
        make_icons,
    )
    if opts.target == "windows":
        runner.act(
            "write build/generated/version_info.txt (the exe's version resource)",
            write_text,
            GENERATED / "version_info.txt",
            windows_version_info(version),
        )
    runner.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
            "--distpath", DIST, "--workpath", BUILD / "pyinstaller", SPEC,
        ]
    )


def step_self_test(runner: Runner, opts: Options) -> None:
    runner.step(3, "run the frozen app's --self-test offscreen")
    if opts.skip_self_test:
        runner.say("  - skipped (--skip-self-test: developer flag, never for a release)")
        return
    run_self_test(runner, frozen_exe(opts.target))


def wrap_linux(runner: Runner, version: str, tools: Mapping[str, str]) -> None:
    arch = deb_arch()
    names = artefact_names(version, "linux", arch)
    bundle = DIST / EXE_NAME
    icons_dir = GENERATED / "icons"
    root = BUILD / "deb" / f"{PACKAGE}_{version}_{arch}"
    runner.act(
        f"stage {root.relative_to(ROOT)}: /opt/{PACKAGE} (the bundle), /usr/bin/{EXE_NAME} -> "
        f"/opt/{PACKAGE}/{EXE_NAME}, /usr/share/applications/{PACKAGE}.desktop, hicolor icons",
        stage_deb_tree, bundle, icons_dir, root, load_icons_module().HICOLOR_SIZES,
    )
    runner.run([tools.get("desktop-file-validate", "desktop-file-validate"), DESKTOP_ENTRY])
    depends = runner.act(
        f"compute Depends: ldd of every ELF file under LD_LIBRARY_PATH={EXE_NAME}/_internal, "
        "dpkg -S for each library outside the bundle, objdump -T for the glibc floor, "
        f"plus {', '.join(DATA_DEPENDS)}",
        compute_depends, bundle,
    )
    if depends is not None:
        runner.say(f"    Depends: {', '.join(depends)}")
    runner.act("write DEBIAN/control", write_control, root, version, arch, depends or [])
    runner.run(
        [tools.get("dpkg-deb", "dpkg-deb"), "--root-owner-group", "-Zxz", "--build", root,
         INSTALLERS / names["deb"]]
    )
    runner.act(
        f"write {names['tar']} ({PACKAGE}-{version}/: the bundle, {PACKAGE}.desktop, icon)",
        make_tarball, bundle, icons_dir, INSTALLERS / names["tar"], f"{PACKAGE}-{version}",
    )


def wrap_windows(runner: Runner, version: str, tools: Mapping[str, str]) -> None:
    names = artefact_names(version, "windows")
    bundle = DIST / EXE_NAME
    runner.act(
        f"write {names['zip']} (the bundle under {APP_NAME}/)",
        make_zip, bundle, INSTALLERS / names["zip"], APP_NAME,
    )
    runner.run(
        makensis_command(
            tools.get("makensis", "makensis"), version, bundle, INSTALLERS / names["setup"],
            GENERATED / "icons" / "broadsheet.ico",
        )
    )


def wrap_macos(runner: Runner, version: str, tools: Mapping[str, str]) -> None:
    names = artefact_names(version, "macos")
    app = DIST / f"{APP_NAME}.app"
    dmg = INSTALLERS / names["dmg"]
    if signing_requested():
        identity = os.environ[MAC_SIGNING_ENV[0]]
        runner.run(
            [tools.get("codesign", "codesign"), "--force", "--deep", "--options", "runtime",
             "--timestamp", "--sign", identity, app]
        )
    else:
        runner.say(f"  - not signing: {', '.join(MAC_SIGNING_ENV)} is not set (ad-hoc signed)")
    folder = BUILD / "dmg"
    runner.act(f"stage {folder.relative_to(ROOT)}: {app.name} + /Applications link",
               stage_dmg_folder, app, folder)
    run_with_retries(
        runner,
        [tools.get("hdiutil", "hdiutil"), "create", "-volname", APP_NAME, "-srcfolder", folder,
         "-ov", "-format", "UDZO", dmg],
        DMG_ATTEMPTS, DMG_RETRY_DELAY,
    )
    if notarising_requested():
        xcrun = tools.get("xcrun", "xcrun")
        runner.run(
            [xcrun, "notarytool", "submit", dmg, "--apple-id", os.environ["APPLE_ID"],
             "--team-id", os.environ["APPLE_TEAM_ID"], "--password",
             "$APPLE_APP_PASSWORD" if runner.dry_run else os.environ["APPLE_APP_PASSWORD"],
             "--wait"]
        )
        runner.run([xcrun, "stapler", "staple", dmg])
    else:
        runner.say(f"  - not notarising: {', '.join(MAC_NOTARY_ENV)} are not all set")


WRAPPERS: dict[str, Callable[[Runner, str, Mapping[str, str]], None]] = {
    "linux": wrap_linux,
    "windows": wrap_windows,
    "macos": wrap_macos,
}


def clean_installers() -> None:
    if INSTALLERS.exists():
        shutil.rmtree(INSTALLERS)
    INSTALLERS.mkdir(parents=True)


def write_checksums(folder: Path = INSTALLERS) -> Path:
    """``SHA256SUMS`` for every file in ``folder``, in ``sha256sum -c`` format."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        lines.append(f"{digest.hexdigest()}  {path.name}\n")
    out = folder / "SHA256SUMS"
    out.write_text("".join(lines), encoding="utf-8")
    return out


def step_wrap(runner: Runner, opts: Options, version: str, tools: Mapping[str, str]) -> None:
    runner.step(4, f"wrap for {opts.target} into dist/installers/")
    runner.act("empty dist/installers/", clean_installers)
    WRAPPERS[opts.target](runner, version, tools)
    runner.act("write dist/installers/SHA256SUMS", write_checksums)


def build(opts: Options, runner: Runner, which: Callable[[str], str | None] = find_tool) -> None:
    """Every step for ``opts.target``; a missing tool stops the build before step 1."""
    version = read_version()
    runner.say(f"Broadsheet {version}: building installers for {opts.target}"
               + (" (dry run: nothing is executed)" if opts.dry_run else ""))
    tools = check_tools(opts.target, which)
    runner.say("Tools: " + ", ".join(f"{name} ({path})" for name, path in tools.items()))
    step_import(runner, opts)
    step_freeze(runner, opts, version)
    step_self_test(runner, opts)
    step_wrap(runner, opts, version, tools)
    if not runner.dry_run:
        runner.say("\nBuilt:")
        for path in sorted(INSTALLERS.iterdir()):
            runner.say(f"  {path.relative_to(ROOT)}  {path.stat().st_size / 1e6:.1f} MB")


# --- installed-app check (CI, after a silent install) --------------------------------------


def installed_candidates(target: str, env: Mapping[str, str] = os.environ) -> list[Path]:
    """Where the installers put the executable, most likely first."""
    if target == "linux":
        return [Path("/usr/bin") / EXE_NAME]
    if target == "macos":
        return [Path("/Applications") / f"{APP_NAME}.app" / "Contents" / "MacOS" / EXE_NAME]
    bases = [env.get("ProgramW6432"), env.get("ProgramFiles"), env.get("LOCALAPPDATA")]
    found = []
    for base in bases:
        if base:
            sub = Path(base) / "Programs" if base == env.get("LOCALAPPDATA") else Path(base)
            found.append(sub / APP_NAME / f"{EXE_NAME}.exe")
    return found


def check_installed(runner: Runner, target: str, exe: Path | None) -> Path:
    """Run the installed app's self-test; BuildError unless it prints ``self-test ok``."""
    candidates = [exe] if exe is not None else installed_candidates(target)
    for candidate in candidates:
        if candidate.is_file():
            run_self_test(runner, candidate)
            return candidate
    raise BuildError(
        "no installed Broadsheet found at " + ", ".join(str(c) for c in candidates)
        + "; install the package first or pass the executable's path"
    )


# --- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Build Broadsheet's installers for this OS into dist/installers/.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print every step and command; run nothing"
    )
    parser.add_argument(
        "--check-installed", nargs="?", const="", metavar="EXE", default=None,
        help="run the installed app's --self-test (default: where the installer puts it)",
    )
    dev = parser.add_argument_group(
        "developer options", "for iterating on packaging only; a release build runs every step"
    )
    dev.add_argument("--os", dest="target", choices=sorted(TOOLS), default=None,
                     help="show the plan for another OS (only with --dry-run)")
    dev.add_argument("--skip-import", action="store_true",
                     help="reuse the existing resources/archive.db")
    dev.add_argument("--skip-self-test", action="store_true",
                     help="do not run the frozen app's --self-test")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    runner = Runner(dry_run=args.dry_run)
    try:
        target = current_os()
        if args.target is not None and args.target != target and not args.dry_run:
            raise BuildError(f"--os {args.target} only works with --dry-run; build on that OS")
        if args.check_installed is not None:
            exe = Path(args.check_installed) if args.check_installed else None
            check_installed(runner, target, exe)
            return 0
        which = find_tool if (args.target or target) == target else _pretend_found
        opts = Options(args.target or target, args.dry_run, args.skip_import, args.skip_self_test)
        build(opts, runner, which)
    except BuildError as exc:
        print(f"build_installer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("build_installer: interrupted", file=sys.stderr)
        return 2
    return 0


def _pretend_found(name: str) -> str:
    """For ``--dry-run --os OTHER``: another OS's tools cannot be looked for here."""
    return f"<{name} on the target>"


if __name__ == "__main__":
    sys.exit(main())
