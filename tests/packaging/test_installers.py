"""The real build: what it writes, and the .deb installed, run and removed on a fresh Debian 12.

The install test needs root, debootstrap and the machine's Debian mirror (the minbase root is
cached as a tarball under ``debroot.CACHE_DIR``). The NSIS script is compiled here against the
Linux payload as a syntax and layout check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import debroot
import pytest

import build_installer as bi

VERSION = bi.read_version()
DEB = f"broadsheet_{VERSION}_{bi.deb_arch()}.deb"
TARBALL = f"broadsheet-{VERSION}-linux-x86_64.tar.gz"
MAX_DEB_BYTES = 55 * 1000 * 1000
# stderr lines the installed app may print in the chroot; anything else fails the test.
STDERR_ALLOWED = (
    "This plugin does not support propagateSizeHints()",  # offscreen, on every show()
)


def _dpkg_deb(*args: str) -> str:
    return subprocess.run(
        ["dpkg-deb", *args], check=True, capture_output=True, text=True
    ).stdout


def test_build_writes_the_deb_the_tarball_and_their_checksums(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == sorted([DEB, TARBALL, "SHA256SUMS"])
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=built, capture_output=True, text=True
    )
    assert check.stdout.splitlines() == sorted([f"{DEB}: OK", f"{TARBALL}: OK"])


def test_deb_is_at_most_55_mb(built: Path) -> None:
    assert (built / DEB).stat().st_size <= MAX_DEB_BYTES


def test_deb_layout_opt_usr_bin_desktop_file_and_hicolor_icons(built: Path) -> None:
    listing = _dpkg_deb("--contents", str(built / DEB)).splitlines()
    owners = {line.split()[1] for line in listing}
    assert owners == {"root/root"}
    entries = {line.split(None, 5)[5] for line in listing}
    assert "./opt/broadsheet/broadsheet" in entries
    assert "./usr/bin/broadsheet -> /opt/broadsheet/broadsheet" in entries
    assert "./usr/share/applications/broadsheet.desktop" in entries
    assert "./opt/broadsheet/_internal/resources/archive.db" in entries
    for size in bi.load_icons_module().HICOLOR_SIZES:
        assert f"./usr/share/icons/hicolor/{size}x{size}/apps/broadsheet.png" in entries
    assert "./usr/share/icons/hicolor/scalable/apps/broadsheet.svg" in entries


def test_deb_depends_on_gl_egl_xcb_fontconfig_config_and_a_font(built: Path) -> None:
    depends = [d.strip() for d in _dpkg_deb("--field", str(built / DEB), "Depends").split(",")]
    names = {d.split()[0] for d in depends}
    assert {"libgl1", "libegl1", "libxcb1", "fontconfig-config", "fonts-dejavu-core"} <= names
    assert any(d.startswith("libc6 (>= 2.") for d in depends)
    # Libraries the bundle carries itself must not be dependencies.
    assert not names & {"libfontconfig1", "libfreetype6", "libx11-6", "libdbus-1-3"}


def test_bundle_leaves_out_unused_qt_parts_but_keeps_svg_and_opengl() -> None:
    internal = bi.DIST / bi.EXE_NAME / "_internal"
    names = {p.name for p in internal.rglob("*")}
    assert "translations" not in {p.name for p in (internal / "PySide6" / "Qt").iterdir()}
    for dropped in ("libqgtk3.so", "libqeglfs.so", "libQt6Qml.so.6",
                    "libQt6Quick.so.6", "libcairo.so.2", "libgtk-3.so.0"):
        assert dropped not in names
    assert not (internal / "PySide6" / "Qt" / "plugins" / "tls").exists()
    assert not (internal / "PySide6" / "Qt" / "plugins" / "networkinformation").exists()
    for kept in ("libQt6Svg.so.6", "libQt6OpenGL.so.6", "libqxcb.so", "libqoffscreen.so",
                 "libqsvgicon.so"):
        assert kept in names


def test_tarball_carries_the_bundle_and_the_same_desktop_file_as_the_deb(
    built: Path, tmp_path: Path
) -> None:
    top = f"broadsheet-{VERSION}"
    with tarfile.open(built / TARBALL) as tar:
        names = set(tar.getnames())
        desktop = tar.extractfile(f"{top}/broadsheet.desktop")
        assert desktop is not None
        tar_desktop = desktop.read()
    assert {f"{top}/broadsheet", f"{top}/_internal/resources/archive.db",
            f"{top}/broadsheet.svg", f"{top}/broadsheet.png"} <= names
    subprocess.run(["dpkg-deb", "-x", str(built / DEB), str(tmp_path)], check=True)
    deb_desktop = (tmp_path / "usr/share/applications/broadsheet.desktop").read_bytes()
    assert tar_desktop == deb_desktop == bi.DESKTOP_ENTRY.read_bytes()


def test_tarball_unpacks_to_an_app_that_passes_its_self_test(
    built: Path, tmp_path: Path
) -> None:
    with tarfile.open(built / TARBALL) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    exe = tmp_path / "unpacked" / f"broadsheet-{VERSION}" / "broadsheet"
    result = subprocess.run(
        [str(exe), "--self-test", "--data-dir", str(tmp_path / "data")],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "self-test ok" in result.stdout.splitlines()


def test_nsis_script_compiles_against_the_linux_payload(built: Path, tmp_path: Path) -> None:
    makensis = shutil.which("makensis")
    assert makensis, "makensis is missing: apt-get install nsis"
    out = tmp_path / bi.artefact_names(VERSION, "windows")["setup"]
    argv = bi.makensis_command(
        makensis, VERSION, bi.DIST / bi.EXE_NAME, out, bi.GENERATED / "icons" / "broadsheet.ico"
    )
    # A syntax and layout check: zlib instead of the script's solid LZMA saves about a minute.
    argv.insert(-1, "-DCOMPRESSOR=zlib")
    result = subprocess.run(argv, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert out.read_bytes()[:2] == b"MZ"
    # The payload went in: the installer is far bigger than NSIS's ~100 KB stub.
    assert out.stat().st_size > 20 * 1000 * 1000


def _unexpected(stderr: str) -> list[str]:
    return [
        line for line in stderr.splitlines()
        if line.strip() and not any(allowed in line for allowed in STDERR_ALLOWED)
    ]


@pytest.fixture()
def debian_root(tmp_path: Path) -> Iterator[Path]:
    """A fresh Debian 12 minbase root with /proc and /dev mounted; removed afterwards."""
    root = tmp_path / "root"
    debroot.make_root(root, debroot.host_mirror())
    try:
        with debroot.mounted(root):
            yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_deb_installs_with_apt_runs_its_self_test_and_uninstalls_on_fresh_debian_12(
    built: Path, debian_root: Path, tmp_path: Path
) -> None:
    root = debian_root
    shutil.copy2(built / DEB, root / "tmp" / DEB)
    update = debroot.in_root(root, ["apt-get", "update", "-q"])
    assert update.returncode == 0, update.stderr
    install = debroot.in_root(
        root, ["apt-get", "install", "-y", "-q", "--no-install-recommends", f"/tmp/{DEB}"]
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    test = debroot.in_root(
        root, ["broadsheet", "--self-test", "--data-dir", "/tmp/bs-data"], env=offscreen
    )
    assert test.returncode == 0, test.stderr
    assert "self-test ok" in test.stdout.splitlines()
    assert "Fontconfig error" not in test.stderr
    assert _unexpected(test.stderr) == []

    # Glyphs, not boxes: an exported PDF embeds DejaVu from fonts-dejavu-core and its text
    # extracts as the article's title.
    title = debroot.in_root(root, ["broadsheet", "show", "1"], env=offscreen)
    assert title.returncode == 0, title.stderr
    pdf = debroot.in_root(
        root, ["broadsheet", "export-pdf", "1", "-o", "/tmp/article.pdf"], env=offscreen
    )
    assert pdf.returncode == 0, pdf.stderr
    assert _unexpected(pdf.stderr) == []
    fonts = subprocess.run(
        ["pdffonts", str(root / "tmp" / "article.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "DejaVuSerif" in fonts or "DejaVuSans" in fonts
    text = subprocess.run(
        ["pdftotext", str(root / "tmp" / "article.pdf"), "-"], capture_output=True, text=True,
        check=True,
    ).stdout
    first_words = " ".join(title.stdout.splitlines()[0].split()[:3])
    assert first_words in " ".join(text.split())

    remove = debroot.in_root(root, ["apt-get", "remove", "-y", "-q", "broadsheet"])
    assert remove.returncode == 0, remove.stderr
    assert not (root / "opt" / "broadsheet").exists()
    assert not os.path.lexists(root / "usr" / "bin" / "broadsheet")
    assert not (root / "usr/share/applications/broadsheet.desktop").exists()
    assert not (root / "usr/share/icons/hicolor/256x256/apps/broadsheet.png").exists()
