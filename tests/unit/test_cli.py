"""The ``broadsheet`` command's contract: import, show and search, their output and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from desktop import cli, paths
from desktop.cli import main
from desktop.data.archive import Archive
from tests.conftest import ROOT, SEED_FILE, SEEDS_DIR, TEST_SEEDS_DIR

SEED_URL = SEED_FILE.read_text(encoding="utf-8").splitlines()[0]
SEED_TITLE = ("Mosul offensive latest Isis escape route cut off new front launched shiite "
              "militia Hashed al-Shaabi")


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_seed(path: Path, url: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{url}\n3\n4\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def seeded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An archive with the sample seed imported by the CLI."""
    db = tmp_path / "x.db"
    assert run(capsys, "import", SEEDS_DIR, "--db", db)[0] == 0
    return db


def show_json(capsys: pytest.CaptureFixture[str], db: Path, ref: str) -> dict[str, Any]:
    code, out, err = run(capsys, "show", ref, "--db", db, "--json")
    assert (code, err) == (0, "")
    data: dict[str, Any] = json.loads(out)
    return data


# import


def test_import_prints_the_summary_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", SEEDS_DIR, "--db", tmp_path / "x.db") == (
        0, "imported 1 new, 0 updated, 0 unchanged, 0 rejected, 0 warnings\n", "")


def test_second_import_is_all_unchanged(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import", SEEDS_DIR, "--db", seeded) == (
        0, "imported 0 new, 0 updated, 1 unchanged, 0 rejected, 0 warnings\n", "")


def test_show_json_gives_every_value_of_the_seed(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = show_json(capsys, seeded, SEED_URL)
    assert list(data) == ["id", "url", "domain", "outlet", "section", "date", "title", "score",
                          "comments", "word_count", "versions", "blocks"]
    assert data["url"] == SEED_URL
    assert data["domain"] == "independent.co.uk"
    assert data["outlet"] == "The Independent"
    assert data["section"] == ["News", "World", "Middle East"]
    assert data["date"] is None
    assert data["title"] == SEED_TITLE
    assert (data["score"], data["comments"], data["versions"]) == (154, 15, 1)
    blocks = data["blocks"]
    assert [b["type"] for b in blocks] == (
        ["paragraph"] * 6 + ["gallery"] + ["paragraph"] * 3 + ["embed"] + ["paragraph"] * 3)
    assert data["word_count"] == sum(
        len(b["text"].split()) for b in blocks if b["type"] == "paragraph")
    gallery = blocks[6]
    assert set(gallery) == {"type", "title", "total", "items"}
    assert (gallery["title"], gallery["total"], len(gallery["items"])) == (
        "Mosul offensive", 28, 28)
    assert [i["n"] for i in gallery["items"]] == list(range(1, 29))
    assert all(set(i) == {"n", "caption", "credit"} for i in gallery["items"])
    assert Counter(i["credit"] for i in gallery["items"]) == {
        "Reuters": 8, "Getty": 18, "AP": 1, None: 1}
    assert gallery["items"][0]["credit"] is None
    assert gallery["items"][25]["caption"] == "Iraqi pro-government forces"
    assert blocks[10] == {"type": "embed", "kind": "video",
                          "title": "Mosul battle: Civilians flee ahead of fighting",
                          "by": "admin"}


def test_show_by_id_and_by_url_agree(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_url = show_json(capsys, seeded, SEED_URL)
    assert show_json(capsys, seeded, str(by_url["id"])) == by_url


def test_db_may_come_before_the_command(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", seeded, "show", SEED_URL, "--json")
    assert code == 0
    assert json.loads(out)["title"] == SEED_TITLE


def test_show_text_is_readable(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", SEED_URL, "--db", seeded)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == SEED_TITLE
    assert lines[2] == "The Independent · News / World / Middle East"
    assert lines[3] == SEED_URL
    assert lines[4] == "score 154 · 15 comments · 452 words · version 1 · id 1"
    assert "In pictures: Mosul offensive (28 of 28 photos)" in lines
    assert "  26/28 Iraqi pro-government forces [Reuters]" in lines
    assert "[video] Mosul battle: Civilians flee ahead of fighting, by admin" in lines


def test_show_gives_a_videos_running_time_in_text_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "video.txt"
    seed.write_text("https://www.nbcnews.com/politics/x/fbi-review-n1\n3\n4\n\n"
                    "The review ended.\n\nPete Williams: FBI found nothing new in review 2:06\n",
                    encoding="utf-8")
    db = tmp_path / "x.db"
    assert run(capsys, "import", seed, "--db", db)[0] == 0
    code, out, _ = run(capsys, "show", "1", "--db", db)
    assert code == 0
    assert "[video] Pete Williams: FBI found nothing new in review (2:06)" in out.splitlines()
    assert show_json(capsys, db, "1")["blocks"][1] == {
        "type": "embed", "kind": "video", "title": "Pete Williams: FBI found nothing new in review",
        "by": None, "duration": "2:06"}


def test_changed_content_is_an_update_with_two_versions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    url = "https://www.theguardian.com/world/2016/oct/29/river-story"
    write_seed(tmp_path / "one" / "a.txt", url, "The old text.")
    write_seed(tmp_path / "two" / "a.txt", url, "The new text.")
    run(capsys, "import", tmp_path / "one", "--db", db)
    assert run(capsys, "import", tmp_path / "two", "--db", db) == (
        0, "imported 0 new, 1 updated, 0 unchanged, 0 rejected, 0 warnings\n", "")
    data = show_json(capsys, db, url)
    assert data["versions"] == 2
    assert data["blocks"] == [{"type": "paragraph", "text": "The new text."}]
    with Archive(db) as archive:
        old = archive.versions(data["id"])[0]
    assert old.article.body_text == "The old text."


def test_bad_seeds_are_listed_and_the_good_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    write_seed(folder / "good.txt", "https://www.bbc.co.uk/news/world-1", "Good text.")
    (folder / "empty.txt").write_bytes(b"")
    write_seed(folder / "ftp.txt", "ftp://example.com/a", "Body.")
    code, out, err = run(capsys, "import", folder, "--db", tmp_path / "x.db")
    assert code == 1
    assert out == "imported 1 new, 0 updated, 0 unchanged, 2 rejected, 0 warnings\n"
    assert err.splitlines() == [
        f"rejected: {folder / 'empty.txt'}: the file is empty",
        f"rejected: {folder / 'ftp.txt'}: line 1 is not an http(s) URL",
    ]


def test_the_test_seed_folder_with_bad_seeds_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", TEST_SEEDS_DIR, "--db", tmp_path / "x.db")
    bad = sorted((TEST_SEEDS_DIR / "bad").glob("*.txt"))
    good = sorted(TEST_SEEDS_DIR.glob("*.txt"))
    assert code == 1
    rejected = [line for line in err.splitlines() if line.startswith("rejected: ")]
    assert sorted(line.split(": ")[1] for line in rejected) == [str(p) for p in bad]
    assert all(len(line.split(": ", 2)[2]) > 0 for line in rejected)
    assert out.startswith(f"imported {len(good)} new, 0 updated, 0 unchanged, {len(bad)} rejected")


def test_warnings_are_printed_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = TEST_SEEDS_DIR / "reuters_no_counts.txt"
    code, out, err = run(capsys, "import", seed, "--db", tmp_path / "x.db")
    assert code == 0
    assert err
    assert all(line.startswith(f"warning: {seed}: ") for line in err.splitlines())
    n = len(err.splitlines())
    assert out == f"imported 1 new, 0 updated, 0 unchanged, 0 rejected, {n} warnings\n"


def test_compact_leaves_no_wal_or_shm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "import", SEEDS_DIR, "--db", tmp_path / "x.db", "--compact")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]


def test_unwritable_db_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    db = tmp_path / "file" / "x.db"
    code, out, err = run(capsys, "import", SEEDS_DIR, "--db", db)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"broadsheet: {db}: cannot create the archive's folder")


def test_import_without_db_goes_into_the_user_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "bundled_archive", lambda: tmp_path / "no-bundle.db")
    assert run(capsys, "import", SEED_FILE)[0] == 0
    with Archive(paths.user_archive()) as archive:
        assert archive.article_count() == 1


def test_first_import_without_db_starts_from_the_bundled_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "bundled.db"
    run(capsys, "import", SEED_FILE, "--db", bundled)
    monkeypatch.setattr(paths, "bundled_archive", lambda: bundled)
    code, out, _ = run(capsys, "import", TEST_SEEDS_DIR / "guardian_tillerson.txt")
    assert (code, out) == (
        0, "imported 1 new, 0 updated, 0 unchanged, 0 rejected, 0 warnings\n")
    with Archive(paths.user_archive()) as archive:
        assert archive.article_count() == 2
    with Archive(bundled) as archive:
        assert archive.article_count() == 1


def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", str(SEEDS_DIR), "--db", str(tmp_path / "x.db")]) == 0
    assert terminal.getvalue().endswith(f"\rimporting [{'#' * 30}] 1/1\n")
    assert capsys.readouterr().out.startswith("imported 1 new")


# show and search errors


@pytest.mark.parametrize("command", [["show", "1"], ["search", "mosul"]])
def test_missing_archive_says_which_file_and_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    db = tmp_path / "none.db"
    code, out, err = run(capsys, *command, "--db", db)
    assert (code, out) == (2, "")
    assert err == (f"broadsheet: {db}: no archive here "
                   f"(build one with `broadsheet import SEED_FOLDER --db {db}`)\n")


def test_show_unknown_article_is_one_line(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "show", "https://nowhere.example/x", "--db", seeded)
    assert (code, out) == (2, "")
    assert err == (f"broadsheet: {seeded}: no article with id or URL "
                   "'https://nowhere.example/x' (find one with `broadsheet search`)\n")


# search


def test_search_json_lists_ranked_hits(
    archive_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "mosul militia", "--db", archive_path, "--json")
    assert (code, err) == (0, "")
    hits = json.loads(out)
    assert hits[0]["url"] == SEED_URL
    assert all(list(h) == ["id", "url", "title", "outlet", "snippet"] for h in hits)
    assert "\ue000" not in out and "\ue001" not in out


def test_search_text_lists_title_place_and_snippet(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", '"Tal Afar"', "--db", seeded)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"1. {SEED_TITLE}"
    assert lines[1] == "   The Independent · News / World / Middle East · id 1"
    assert "Tal Afar" in lines[2]
    assert len(lines) == 3


def test_search_in_an_outlet_or_a_section_keeps_only_its_hits(
    archive_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def outlets(*where: str) -> set[str]:
        code, out, err = run(capsys, "search", "the", "--db", archive_path, "--json",
                             "--limit", "100", *where)
        assert (code, err) == (0, "")
        return {hit["outlet"] for hit in json.loads(out)}

    everything = outlets()
    assert len(everything) > 1 and "The Independent" in everything
    assert outlets("--in", "The Independent") == {"The Independent"}
    code, out, _ = run(capsys, "search", "mosul", "--db", archive_path, "--json",
                       "--in", "The Independent/News/World")
    assert code == 0 and SEED_URL in {hit["url"] for hit in json.loads(out)}
    assert run(capsys, "search", "mosul", "--db", archive_path, "--in",
               "The Independent/Sport") == (0, "", "no articles match 'mosul' in "
                                                  "The Independent/Sport\n")


def test_search_limit(archive_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "the", "--db", archive_path, "--json", "--limit", "1")
    assert code == 0
    assert len(json.loads(out)) == 1


def test_search_limit_must_be_positive(
    archive_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["search", "x", "--db", str(archive_path), "--limit", "0"])
    assert info.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err


@pytest.mark.parametrize(
    "query", ['"', "AND", "*", "(", "NEAR", "", "🙂", "a" * 10_000, "mosul)", "-", "OR OR"]
)
def test_search_any_input_is_safe(
    seeded: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    code, out, err = run(capsys, "search", query, "--db", seeded, "--json")
    assert (code, err) == (0, "")
    assert isinstance(json.loads(out), list)


def test_search_without_hits_says_so(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "search", "zebra", "--db", seeded) == (
        0, "", "no articles match 'zebra'\n")
    assert run(capsys, "search", "zebra", "--db", seeded, "--json") == (0, "[]\n", "")


# bugs and the real command


def test_a_bug_is_logged_and_named_in_one_line(
    seeded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(Archive, "search", broken)
    code, out, err = run(capsys, "search", "mosul", "--db", seeded)
    log = paths.user_log_dir() / "broadsheet.log"
    assert (code, out) == (2, "")
    assert err == f"broadsheet: internal error: RuntimeError('kaboom'); details are in {log}\n"
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_python_m_desktop_runs_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "import", str(SEEDS_DIR), "--db", str(db)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "imported 1 new, 0 updated, 0 unchanged, 0 rejected, 0 warnings\n", "")
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "show", "nope", "--db", str(db)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


# The window's start is parsed without the commands' parsers (``cli._parse``); these must come
# out as the full parser has them: the same arguments, or the same message and exit status.
WINDOW_ARGVS = [
    [], ["--db", "x.db", "--screenshot", "out.png"], ["--search", "flood", "--view", "search"],
    ["--theme=dark"], ["--scr", "out.png"], ["--self-test"], ["--open=-1"], ["--version"],
    ["--view", "bogus"], ["--db"], ["--bogus"], ["--d", "x"], ["--se", "x"], ["--", "x"],
    ["flood"], ["imprt", "x"], ["--open", "12", "extra"], ["-h"], ["--search", "import"],
    ["--view=gallery", "show", "3"], ["search", "x", "--limit", "0"],
]


def _outcome(parse: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    try:
        result: object = vars(parse(argv))
    except SystemExit as exc:
        result = exc.code
    return result, capsys.readouterr()


@pytest.mark.parametrize("argv", WINDOW_ARGVS)
def test_the_windows_arguments_parse_as_the_full_parser_has_them(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    full = _outcome(cli.build_parser().parse_args, argv, capsys)
    assert _outcome(cli._parse, argv, capsys) == full


def test_the_commands_the_window_parser_leaves_to_the_full_one_are_all_of_them() -> None:
    parser = cli.build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    assert set(cli.COMMANDS) == set(sub.choices or ())
