"""build_installer.py's helpers, without a real build: the plan, tool checks, icons, the
.desktop file, Depends from ldd/dpkg output, the control file and checksums."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import sys
import time
from pathlib import Path

import debroot
import pytest

import build_installer as bi

ROOT = bi.ROOT


def _no_subprocess(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"--dry-run ran a command: {args}")


def _dry_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(subprocess, "run", _no_subprocess)
    monkeypatch.setattr(bi, "remove_archive", lambda: pytest.fail("dry run removed the archive"))
    code = bi.main(["--dry-run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_dry_run_prints_every_linux_step_and_command_and_runs_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _dry_run(monkeypatch, capsys, "--os", "linux")
    assert code == 0
    steps = [line for line in out.splitlines() if line.startswith("== Step")]
    assert steps == [
        "== Step 1: import seeds/ into resources/archive.db (--compact)",
        "== Step 2: freeze with PyInstaller from resources/packaging/broadsheet.spec "
        "(onedir, windowed)",
        "== Step 3: run the frozen app's --self-test offscreen",
        "== Step 4: wrap for linux into dist/installers/",
    ]
    assert "-m desktop import seeds --db resources/archive.db --compact\n" in out
    assert (
        "-m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller "
        "resources/packaging/broadsheet.spec\n" in out
    )
    assert "$ QT_QPA_PLATFORM=offscreen dist/broadsheet/broadsheet --self-test --data-dir " in out
    assert "desktop-file-validate resources/packaging/broadsheet.desktop\n" in out
    assert (
        "dpkg-deb --root-owner-group -Zxz --build build/deb/broadsheet_0.1.0_amd64 "
        "dist/installers/broadsheet_0.1.0_amd64.deb\n" in out
    )
    assert "- write broadsheet-0.1.0-linux-x86_64.tar.gz" in out
    assert "- write dist/installers/SHA256SUMS" in out


def test_dry_run_for_windows_shows_the_zip_and_makensis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _dry_run(monkeypatch, capsys, "--os", "windows")
    assert code == 0
    assert "- write build/generated/version_info.txt (the exe's version resource)" in out
    assert "- write Broadsheet-0.1.0-windows-x64-portable.zip (the bundle under Broadsheet/)" in out
    assert (
        "makensis on the target>' -V2 -WX -DVERSION=0.1.0 -DPAYLOAD=dist/broadsheet "
        "-DOUTFILE=dist/installers/Broadsheet-0.1.0-windows-x64-installer.exe "
        "-DICON=build/generated/icons/broadsheet.ico resources/packaging/broadsheet.nsi\n" in out
    )
    assert "dist/broadsheet/broadsheet.exe --self-test" in out


def test_dry_run_for_macos_builds_a_dmg_and_signs_only_with_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MACOS_SIGNING_IDENTITY", raising=False)
    code, out, _ = _dry_run(monkeypatch, capsys, "--os", "macos")
    assert code == 0
    assert "dist/Broadsheet.app/Contents/MacOS/broadsheet --self-test" in out
    assert (
        "create -volname Broadsheet -srcfolder build/dmg -ov -format UDZO "
        "dist/installers/Broadsheet-0.1.0-macos.dmg\n" in out
    )
    assert "- not signing: MACOS_SIGNING_IDENTITY is not set (ad-hoc signed)" in out
    assert "codesign" not in out and "notarytool" not in out

    monkeypatch.setenv("MACOS_SIGNING_IDENTITY", "Developer ID Application: X")
    for name in bi.MAC_NOTARY_ENV:
        monkeypatch.setenv(name, "secret-" + name)
    code, out, _ = _dry_run(monkeypatch, capsys, "--os", "macos")
    assert code == 0
    assert "--options runtime --timestamp --sign 'Developer ID Application: X' " in out
    assert "notarytool submit dist/installers/Broadsheet-0.1.0-macos.dmg" in out
    assert "secret-APPLE_APP_PASSWORD" not in out
    assert "stapler staple dist/installers/Broadsheet-0.1.0-macos.dmg" in out


def test_a_missing_tool_stops_the_build_before_step_one_with_an_install_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = bi.find_tool
    monkeypatch.setattr(bi, "find_tool", lambda name: None if name == "dpkg-deb" else real(name))
    code, out, err = _dry_run(monkeypatch, capsys)
    assert code == 2
    assert "== Step" not in out
    assert err == (
        "build_installer: missing build tools: dpkg-deb is not installed "
        "(apt-get install dpkg)\n"
    )


def test_check_tools_lists_every_missing_tool_for_windows() -> None:
    with pytest.raises(bi.BuildError, match=r"makensis is not installed \(install NSIS 3: choco"):
        bi.check_tools("windows", which=lambda name: None)


def test_macos_signing_tools_are_needed_only_with_the_signing_secret() -> None:
    found = bi.check_tools("macos", which=lambda name: f"/usr/bin/{name}", env={})
    assert sorted(found) == ["hdiutil"]
    env = {"MACOS_SIGNING_IDENTITY": "Developer ID Application: X"}
    found = bi.check_tools("macos", which=lambda name: f"/usr/bin/{name}", env=env)
    assert sorted(found) == ["codesign", "hdiutil", "xcrun"]


def test_makensis_is_found_in_nsis_default_folder_when_not_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = tmp_path / "NSIS" / "makensis.exe"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path))
    assert bi.find_tool("makensis") == str(exe)


def test_os_other_than_this_one_needs_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert bi.main(["--os", "windows"]) == 2
    assert capsys.readouterr().err == (
        "build_installer: --os windows only works with --dry-run; build on that OS\n"
    )


# --- icons --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def icon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated icon set (rendered in a child process: no QGuiApplication in pytest)."""
    out = tmp_path_factory.mktemp("icons")
    subprocess.run(
        [sys.executable, "-c", "import sys, pathlib, build_installer as b; "
         "b.make_icons(pathlib.Path(sys.argv[1]))", str(out)],
        cwd=ROOT, check=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    return out


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 6)  # 8-bit RGBA
    return width, height


def test_icon_pngs_come_in_every_hicolor_size(icon_dir: Path) -> None:
    icons = bi.load_icons_module()
    for size in icons.HICOLOR_SIZES:
        assert _png_size((icon_dir / f"broadsheet-{size}.png").read_bytes()) == (size, size)


def test_ico_holds_seven_pngs_from_16_to_256(icon_dir: Path) -> None:
    data = (icon_dir / "broadsheet.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for i in range(count):
        w, h, _, _, planes, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        edge = w or 256
        assert (w, h, planes, bpp) == (w, h, 1, 32) and w == h
        assert _png_size(data[offset : offset + length]) == (edge, edge)
        sizes.append(edge)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    assert offset + length == len(data)


def test_icns_elements_are_pngs_of_the_sizes_their_types_promise(icon_dir: Path) -> None:
    data = (icon_dir / "broadsheet.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    expected = dict(bi.load_icons_module().ICNS_TYPES)
    seen = {}
    pos = 8
    while pos < len(data):
        ostype, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        seen[ostype] = _png_size(data[pos + 8 : pos + length])[0]
        pos += length
    assert pos == len(data)
    assert seen == expected
    assert seen[b"ic10"] == 1024 and seen[b"icp4"] == 16


def test_ico_writer_rejects_a_png_of_the_wrong_size() -> None:
    icons = bi.load_icons_module()
    png16 = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + struct.pack(">II", 16, 16)
    with pytest.raises(icons.IconError, match="the 32 px PNG is"):
        icons.ico_bytes({16: png16, 32: png16}, sizes=(16, 32))


# --- .desktop, Depends, control, version info, checksums ---------------------------------------


def test_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(bi.DESKTOP_ENTRY)], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    lines = bi.DESKTOP_ENTRY.read_text("utf-8").splitlines()
    assert {"Exec=broadsheet", "Icon=broadsheet", "Terminal=false"} <= set(lines)


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "broadsheet"
    (bundle / "_internal").mkdir(parents=True)
    for rel in ("broadsheet", "_internal/libQt6Gui.so.6", "_internal/libfontconfig.so.1"):
        (bundle / rel).write_bytes(b"\x7fELF fake")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"PK")
    return bundle


OBJDUMP = {
    "broadsheet": "  NEEDED               libc.so.6\n  0 GLIBC_2.2.5 printf\n",
    "libQt6Gui.so.6": (
        "  NEEDED               libGL.so.1\n  NEEDED               libEGL.so.1\n"
        "  NEEDED               libxcb.so.1\n  NEEDED               libfontconfig.so.1\n"
        "  NEEDED               libc.so.6\n  0 (GLIBC_2.34) pthread_create\n"
    ),
    "libfontconfig.so.1": "  NEEDED               libc.so.6\n  0 (GLIBC_2.14) memcpy\n",
}
DPKG = {
    "/lib/x86_64-linux-gnu/libc.so.6": "libc6:amd64",
    "/usr/lib/x86_64-linux-gnu/libGL.so.1": "libgl1:amd64",
    "/usr/lib/x86_64-linux-gnu/libEGL.so.1": "libegl1:amd64",
    "/usr/lib/x86_64-linux-gnu/libxcb.so.1": "libxcb1:amd64",
}


def _fake_ldd(bundle: Path, missing: tuple[str, ...] = ()) -> object:
    def ldd(elf: Path, env: dict[str, str]) -> str:
        assert env["LD_LIBRARY_PATH"] == str(bundle / "_internal")
        lines = [
            f"\tlibfontconfig.so.1 => {bundle}/_internal/libfontconfig.so.1 (0x1)",
            "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x2)",
            "\t/lib64/ld-linux-x86-64.so.2 (0x3)",
            # a transitive library of libGL: not a direct need of ours, so not in Depends
            "\tlibGLdispatch.so.0 => /lib/x86_64-linux-gnu/libGLdispatch.so.0 (0x4)",
        ]
        for name in ("libGL.so.1", "libEGL.so.1", "libxcb.so.1"):
            where = "not found" if name in missing else f"/lib/x86_64-linux-gnu/{name} (0x5)"
            lines.append(f"\t{name} => {where}")
        return "\n".join(lines) + "\n"

    return ldd


def test_depends_lists_the_packages_of_directly_linked_system_libraries(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    depends = bi.compute_depends(
        bundle,
        ldd=_fake_ldd(bundle),  # type: ignore[arg-type]
        dpkg_search=DPKG.get,
        objdump=lambda elf: OBJDUMP[elf.name],
    )
    assert depends == [
        "fontconfig-config",
        "fonts-dejavu-core",
        "libc6 (>= 2.34)",
        "libegl1",
        "libgl1",
        "libxcb1",
    ]


def test_depends_fails_when_a_linked_library_is_not_installed_here(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    with pytest.raises(bi.BuildError) as info:
        bi.compute_depends(
            bundle,
            ldd=_fake_ldd(bundle, missing=("libxcb.so.1",)),  # type: ignore[arg-type]
            dpkg_search=DPKG.get,
            objdump=lambda elf: OBJDUMP[elf.name],
        )
    assert str(info.value) == (
        "libxcb.so.1 (needed by _internal/libQt6Gui.so.6) not installed on this build "
        "machine, so neither bundled nor nameable in Depends; install "
        "(apt-get install libxcb1) and build again"
    )


def test_depends_names_every_missing_library_in_one_install_hint(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    with pytest.raises(bi.BuildError) as info:
        bi.compute_depends(
            bundle,
            ldd=_fake_ldd(bundle, missing=("libxcb.so.1", "libEGL.so.1")),  # type: ignore[arg-type]
            dpkg_search=DPKG.get,
            objdump=lambda elf: OBJDUMP[elf.name],
        )
    assert str(info.value) == (
        "libEGL.so.1 (needed by _internal/libQt6Gui.so.6) and 1 more not installed on this "
        "build machine, so neither bundled nor nameable in Depends; install "
        "(apt-get install libegl1 libxcb1) and build again"
    )


def test_soname_package_guess_follows_debian_naming() -> None:
    assert bi.soname_package_guess("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert bi.soname_package_guess("libwayland-client.so.0") == "libwayland-client0"
    assert bi.soname_package_guess("libicu74.so.74") == "libicu74-74"
    assert bi.soname_package_guess("libX11-xcb.so.1") == "libx11-xcb1"


def test_control_file_has_the_fields_dpkg_needs() -> None:
    text = bi.control_text("0.1.0", "amd64", ["libc6 (>= 2.34)", "libgl1"], 140123)
    assert text.splitlines()[:8] == [
        "Package: broadsheet",
        "Version: 0.1.0",
        "Architecture: amd64",
        f"Maintainer: {bi.MAINTAINER}",
        "Installed-Size: 140123",
        "Depends: libc6 (>= 2.34), libgl1",
        "Section: misc",
        "Priority: optional",
    ]
    description = text.split("Description: ", 1)[1].splitlines()
    assert description[0] == "Offline archive viewer for news articles"
    assert all(line.startswith(" ") and len(line) <= 80 for line in description[1:])
    assert text.endswith("\n")


def test_windows_version_info_is_a_vsversioninfo_expression_with_the_version() -> None:
    calls: dict[str, list[tuple[tuple[object, ...], dict[str, object]]]] = {}

    def recorder(name: str) -> object:
        def make(*args: object, **kwargs: object) -> str:
            calls.setdefault(name, []).append((args, kwargs))
            return name

        return make

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct"]
    eval(bi.windows_version_info("1.2.3"), {n: recorder(n) for n in names})
    assert calls["FixedFileInfo"][0][1]["filevers"] == (1, 2, 3, 0)
    strings = {args[0]: args[1] for args, _ in calls["StringStruct"]}
    assert strings["FileVersion"] == "1.2.3"
    assert strings["ProductName"] == "Broadsheet"
    assert strings["OriginalFilename"] == "broadsheet.exe"


def test_self_test_failure_reasons() -> None:
    assert bi.self_test_failure(0, "self-test ok\n", "") is None
    assert bi.self_test_failure(1, "", "self-test failed: reader: boom\n") == (
        "exit code 1; stderr: self-test failed: reader: boom"
    )
    assert bi.self_test_failure(0, "hello\n", "") == (
        "it did not print 'self-test ok'; stdout: 'hello'; stderr: (no stderr)"
    )


def test_checksums_verify_with_sha256sum(tmp_path: Path) -> None:
    (tmp_path / "a.deb").write_bytes(b"deb")
    (tmp_path / "b.tar.gz").write_bytes(b"tar")
    sums = bi.write_checksums(tmp_path)
    assert sums.read_text() == (
        f"{hashlib.sha256(b'deb').hexdigest()}  a.deb\n"
        f"{hashlib.sha256(b'tar').hexdigest()}  b.tar.gz\n"
    )
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True)
    assert check.returncode == 0


def test_flaky_commands_are_tried_three_times(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    runner = bi.Runner(dry_run=False, out=out)
    attempts = []

    def failing(argv: object, **kwargs: object) -> None:
        attempts.append(argv)
        raise bi.BuildError("hdiutil: resource busy")

    monkeypatch.setattr(runner, "run", failing)
    monkeypatch.setattr(time, "sleep", lambda s: None)
    with pytest.raises(bi.BuildError, match="resource busy"):
        bi.run_with_retries(runner, ["hdiutil", "create"], attempts=3, delay=1)
    assert len(attempts) == 3
    assert out.getvalue().count("failed; retrying in 1 s") == 2


def test_host_mirror_reads_deb822_and_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n\n"
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
    )
    assert debroot.host_mirror(tmp_path) == "http://mirror.example/debian"
    (tmp_path / "sources.list").write_text(
        "deb [arch=amd64] http://old.example/debian bookworm main\n"
    )
    assert debroot.host_mirror(tmp_path) == "http://old.example/debian"


def _fake_app(tmp_path: Path, output: str) -> Path:
    exe = tmp_path / "broadsheet"
    exe.write_text(f"#!/bin/sh\n[ \"$QT_QPA_PLATFORM\" = offscreen ] && [ \"$1\" = --self-test ] "
                   f"&& [ \"$2\" = --data-dir ] && [ -d \"$3\" ] && printf '{output}'\n")
    exe.chmod(0o755)
    return exe


def test_check_installed_passes_when_the_app_prints_self_test_ok(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exe = _fake_app(tmp_path, "self-test ok\\n")
    assert bi.main(["--check-installed", str(exe)]) == 0
    assert capsys.readouterr().out.endswith("  self-test ok\n")


def test_check_installed_fails_when_the_app_prints_something_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exe = _fake_app(tmp_path, "starting\\n")
    assert bi.main(["--check-installed", str(exe)]) == 2
    assert capsys.readouterr().err == (
        f"build_installer: {exe} --self-test failed: it did not print 'self-test ok'; "
        "stdout: 'starting'; stderr: (no stderr)\n"
    )


def test_check_installed_says_where_it_looked(capsys: pytest.CaptureFixture[str]) -> None:
    assert bi.main(["--check-installed", "/nonexistent/broadsheet"]) == 2
    assert capsys.readouterr().err == (
        "build_installer: no installed Broadsheet found at /nonexistent/broadsheet; install "
        "the package first or pass the executable's path\n"
    )
