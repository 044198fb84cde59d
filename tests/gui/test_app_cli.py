"""The window's command-line check modes, run as a user or an installer would: in a subprocess."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MOSUL_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)


def broadsheet(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("BROADSHEET_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr


def test_screenshot_writes_a_1280_by_800_png_of_the_opened_article(
    tmp_path: Path, archive_path: Path
) -> None:
    out = tmp_path / "reader.png"
    result = broadsheet(tmp_path, "--db", str(archive_path), "--open", MOSUL_URL,
                        "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1280, 800)


def test_screenshot_waits_for_a_search(tmp_path: Path, archive_path: Path) -> None:
    out = tmp_path / "search.png"
    result = broadsheet(tmp_path, "--db", str(archive_path), "--search", "mosul",
                        "--view", "search", "--theme", "dark", "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1280, 800)


def test_self_test_says_ok(tmp_path: Path, archive_path: Path) -> None:
    result = broadsheet(tmp_path, "--db", str(archive_path), "--self-test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "self-test ok"


def test_self_test_reports_a_missing_archive_and_exits_1(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = broadsheet(tmp_path, "--db", str(missing), "--self-test")
    assert result.returncode == 1
    assert result.stderr.startswith("self-test failed: ")
    assert str(missing) in result.stderr
    assert_one_line_error(result)


@pytest.mark.parametrize(
    "content", [None, b"not an archive at all " * 200], ids=["missing", "corrupt"]
)
def test_a_missing_or_corrupt_archive_is_one_plain_line_and_exit_2(
    tmp_path: Path, content: bytes | None
) -> None:
    db = tmp_path / "broken.db"
    if content is not None:
        db.write_bytes(content)
    result = broadsheet(tmp_path, "--db", str(db), "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert result.stderr.startswith("broadsheet: ")
    assert str(db) in result.stderr
    assert_one_line_error(result)
    assert not (tmp_path / "x.png").exists()


def test_an_unknown_article_is_one_plain_line_and_exit_2(
    tmp_path: Path, archive_path: Path
) -> None:
    result = broadsheet(tmp_path, "--db", str(archive_path), "--open", "https://nowhere.example/a",
                        "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert "no article with id or URL" in result.stderr
    assert_one_line_error(result)


def test_a_bug_in_the_window_is_logged_and_reported_in_one_plain_line(
    user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.ui.app import _make_excepthook

    try:
        raise ZeroDivisionError("deliberate")
    except ZeroDivisionError as exc:
        _make_excepthook(headless=True)(type(exc), exc, exc.__traceback__)
    err = capsys.readouterr().err
    log = user_dirs / "logs" / "broadsheet.log"
    assert f"Details are in {log}." in err
    assert "Traceback" not in err
    assert 'raise ZeroDivisionError("deliberate")' in log.read_text(encoding="utf-8")


def test_the_application_carries_the_broadsheet_icon(qapp: object) -> None:
    from desktop.ui.app import _application

    app = _application()
    pixmap = app.windowIcon().pixmap(64, 64)
    assert not pixmap.isNull()
    image = pixmap.toImage()
    # The icon is drawn, not an empty transparent square.
    colours = {image.pixel(x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}
    assert len(colours) > 3
