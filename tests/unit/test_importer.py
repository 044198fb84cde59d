"""The import step: schema, idempotent and incremental imports, versions, rejects, batches."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop import __version__
from desktop.data import importer
from desktop.data import seed as seed_module
from desktop.data.archive import Archive
from desktop.data.article import Article, Gallery, blocks_to_json
from desktop.data.importer import ImportReport, import_seeds, set_meta
from desktop.errors import ArchiveError
from tests.conftest import CORPUS_DIR, SEED_FILE, SEEDS_DIR, TEST_SEEDS_DIR

SEED_URL = SEED_FILE.read_text(encoding="utf-8").splitlines()[0]
SEED_TITLE = (
    "Mosul offensive latest Isis escape route cut off new front launched shiite militia "
    "Hashed al-Shaabi"
)


def write_seed(path: Path, url: str, body: str, score: int = 10, comments: int = 2) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{url}\n{score}\n{comments}\n{body}\n", encoding="utf-8")
    return path


def guardian(slug: str) -> str:
    return f"https://www.theguardian.com/world/2016/oct/29/{slug}"


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def counts(report: ImportReport) -> tuple[int, int, int, int, int]:
    return (report.new, report.updated, report.unchanged, len(report.rejected),
            len(report.warnings))


def corpus_files(count: int) -> list[Path]:
    """The first ``count`` files of the shared real corpus; the test is skipped without it."""
    files = sorted(CORPUS_DIR.glob("*"))[:count]
    if len(files) < count:
        pytest.skip(f"needs {count} files in {CORPUS_DIR}")
    return files


def test_summary_line_reads_exactly() -> None:
    report = ImportReport(3, 1, 2, [("a", "x")], [("b", "y"), ("c", "z")])
    assert report.summary() == "imported 3 new, 1 updated, 2 unchanged, 1 rejected, 2 warnings"


def test_seed_imports_once_then_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert import_seeds([SEEDS_DIR], db).summary() == (
        "imported 1 new, 0 updated, 0 unchanged, 0 rejected, 0 warnings")
    assert import_seeds([SEEDS_DIR], db).summary() == (
        "imported 0 new, 0 updated, 1 unchanged, 0 rejected, 0 warnings")
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert rows(db, "SELECT count(*) FROM article_versions") == [(0,)]


def test_schema_has_every_table_and_the_fts_tokenizer(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    names = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "article_versions", "images", "meta", "articles_fts"} <= names
    assert "gallery_items" not in names  # the captions live once, in the articles' text
    fts_sql = rows(db, "SELECT sql FROM sqlite_master WHERE name='articles_fts'")[0][0]
    assert "porter unicode61 remove_diacritics 2" in str(fts_sql)
    assert re.search(r"content=['\"]articles['\"]", str(fts_sql))  # external content
    assert "facets" in str(fts_sql)  # the filters' column
    columns = {r[1] for r in rows(db, "PRAGMA table_info(articles)")}
    assert {"id", "normalized_url", "url", "outlet", "domain", "section", "date", "title",
            "score", "comments", "word_count", "content_hash", "source_file",
            "imported_at"} <= columns
    assert {r[1] for r in rows(db, "PRAGMA table_info(images)")} == {"id", "data", "mime"}


def test_article_row_is_the_row_an_import_stores(tmp_path: Path) -> None:
    """The benchmark's baseline loads ``_article_row``'s rows: they must be the real ones."""
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    stored = dict(conn.execute("SELECT * FROM articles").fetchone())
    conn.close()
    article = seed_module.parse_seed(SEED_FILE)
    row = importer._article_row(str(SEED_FILE), article, article.content_hash, stored["id"],
                                stored["version"], stored["imported_at"])
    assert row == stored
    assert list(row) == list(importer._ARTICLE_COLUMNS)


def test_meta_records_schema_build_time_and_app_version(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    meta = {str(k): str(v) for k, v in rows(db, "SELECT key, value FROM meta")}
    assert meta["schema_version"] == "3"
    assert meta["app_version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", str(meta["built_at"]))


def test_normalised_url_is_unique(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    with pytest.raises(sqlite3.IntegrityError):
        conn = sqlite3.connect(db)
        try:
            conn.execute("INSERT INTO articles (normalized_url, url, domain, outlet, section, "
                         "title, word_count, content_hash, imported_at, version, warnings, "
                         "blocks, body_text, captions_text) SELECT normalized_url, url, domain, "
                         "outlet, section, title, word_count, content_hash, imported_at, "
                         "version, warnings, blocks, body_text, captions_text FROM articles")
        finally:
            conn.close()


def test_seed_gallery_items_keep_captions_and_credits(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    with Archive(db) as archive:
        article = archive.get(archive.ids_imported_since(None)[0]).article
    galleries = [b for b in article.blocks if isinstance(b, Gallery)]
    assert len(galleries) == 1
    items = galleries[0].items
    assert [i.n for i in items] == list(range(1, 29))
    assert {i.image_id for i in items} == {None}
    assert Counter(i.credit for i in items) == {"Reuters": 8, "Getty": 18, "AP": 1, None: 1}
    assert items[0].credit is None
    assert items[25].caption == "Iraqi pro-government forces"


def test_changed_text_updates_and_keeps_the_earlier_version(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    url = guardian("river-floods-town")
    write_seed(tmp_path / "one" / "a.txt", url, "The river flooded the town overnight.")
    write_seed(tmp_path / "two" / "a.txt", url, "The river burst its banks at dawn.")
    assert counts(import_seeds([tmp_path / "one"], db)) == (1, 0, 0, 0, 0)
    assert counts(import_seeds([tmp_path / "two"], db)) == (0, 1, 0, 0, 0)
    with Archive(db) as archive:
        article_id = archive.resolve(url)
        assert archive.get(article_id).versions == 2
        versions = archive.versions(article_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].article.body_text == "The river flooded the town overnight."
    assert versions[1].article.body_text == "The river burst its banks at dawn."
    assert versions[0].source_file == str(tmp_path / "one" / "a.txt")


def test_score_change_alone_is_a_new_version(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    url = guardian("river-floods-town")
    import_seeds([write_seed(tmp_path / "a.txt", url, "Same text.", score=1)], db)
    report = import_seeds([write_seed(tmp_path / "a.txt", url, "Same text.", score=2)], db)
    assert counts(report) == (0, 1, 0, 0, 0)
    assert rows(db, "SELECT score, version FROM articles") == [(2, 2)]
    assert rows(db, "SELECT score, version FROM article_versions") == [(1, 1)]


def test_updated_article_is_searched_by_its_new_text_only(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    url = guardian("river-floods-town")
    for i in range(5):  # a larger archive, so the update goes row by row into the index
        write_seed(tmp_path / "many" / f"{i}.txt", guardian(f"story-{i}"), f"Story {i} text.")
    write_seed(tmp_path / "many" / "a.txt", url, "The river overflowed its banks.")
    import_seeds([tmp_path / "many"], db)
    import_seeds([write_seed(tmp_path / "new" / "a.txt", url, "Heavy snowfall today.")], db)
    with Archive(db) as archive:
        assert [h.url for h in archive.search("snowfall")] == [url]
        assert archive.search("overflowed") == []
        assert len(archive.search("story")) == 5
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
    conn.close()


def test_duplicate_urls_in_one_import_become_versions_in_file_order(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    url = guardian("river-floods-town")
    write_seed(tmp_path / "in" / "a.txt", url, "First telling.")
    write_seed(tmp_path / "in" / "b.txt", url, "Second telling.")
    report = import_seeds([tmp_path / "in"], db)
    assert counts(report) == (1, 1, 0, 0, 1)
    assert report.warnings[0][0] == str(tmp_path / "in" / "b.txt")
    assert "same URL as" in report.warnings[0][1]
    with Archive(db) as archive:
        record = archive.get(archive.resolve(url))
        assert record.article.body_text == "Second telling."
        assert record.versions == 2
    again = import_seeds([tmp_path / "in"], db)
    assert counts(again) == (0, 0, 2, 0, 1)
    assert rows(db, "SELECT count(*) FROM article_versions") == [(1,)]


def test_same_url_different_spelling_is_one_article(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    write_seed(tmp_path / "a.txt", guardian("x-story"), "Text.")
    write_seed(tmp_path / "b.txt", guardian("x-story").replace("https://www.", "http://"),
               "Text.")
    report = import_seeds([tmp_path / "a.txt", tmp_path / "b.txt"], db)
    assert (report.new, report.unchanged) == (1, 1)


def test_import_never_deletes(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([write_seed(tmp_path / "a.txt", guardian("a-story"), "Alpha.")], db)
    import_seeds([write_seed(tmp_path / "b.txt", guardian("b-story"), "Beta.")], db)
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


def test_folder_with_bad_seeds_imports_the_good_and_lists_the_bad(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_seed(folder / "good.txt", guardian("good-story"), "Good text.")
    write_seed(folder / "sub" / "good2.txt", guardian("good-two"), "More good text.")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "nul.txt").write_bytes(b"http://x.com/a\n1\n2\nhello\x00world\n")
    write_seed(folder / "ftp.txt", "ftp://x.com/a", "Body.")
    (folder / "nobody.txt").write_bytes(b"http://x.com/a\n1\n2\n\n\n")
    with (folder / "big.txt").open("wb") as fh:
        fh.write(b"http://x.com/a\n1\n2\n")
        fh.write(b"word " * (11 * 1024 * 1024 // 5))
    report = import_seeds([folder], tmp_path / "a.db")
    assert (report.new, report.updated, report.unchanged) == (2, 0, 0)
    assert sorted(report.rejected) == [
        (str(folder / "big.txt"), "the file is larger than 10 MB"),
        (str(folder / "empty.txt"), "the file is empty"),
        (str(folder / "ftp.txt"), "line 1 is not an http(s) URL"),
        (str(folder / "nobody.txt"), "the file has no body text"),
        (str(folder / "nul.txt"), "the file is binary (it contains NUL bytes)"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_named_like_a_seed_is_rejected_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_seed(folder / "a.txt", guardian("a-story"), "Text.")
    os.mkfifo(folder / "pipe.txt")
    report = import_seeds([folder], tmp_path / "a.db")
    assert counts(report) == (1, 0, 0, 1, 0)
    assert report.rejected == [(str(folder / "pipe.txt"), "is not a file")]


def test_folders_are_searched_recursively_for_txt_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_seed(folder / "a" / "b" / "deep.txt", guardian("deep-story"), "Deep.")
    write_seed(folder / "notes.md", guardian("md-story"), "Not a seed.")
    report = import_seeds([folder], tmp_path / "a.db")
    assert counts(report) == (1, 0, 0, 0, 0)
    assert rows(tmp_path / "a.db", "SELECT source_file FROM articles") == [
        (str(folder / "a" / "b" / "deep.txt"),)]


def test_symlinks_do_not_lead_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_seed(outside / "secret.txt", guardian("secret-story"), "Outside text.")
    folder = tmp_path / "in"
    write_seed(folder / "own.txt", guardian("own-story"), "Own text.")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linkdir").symlink_to(outside, target_is_directory=True)
    (folder / "inner.txt").symlink_to(folder / "own.txt")
    report = import_seeds([folder], tmp_path / "a.db")
    assert report.new == 1
    assert report.rejected == [
        (str(folder / "link.txt"), "a symbolic link to a file outside the folder; not followed")
    ]
    assert rows(tmp_path / "a.db", "SELECT title FROM articles") == [("Own story",)]


def test_a_folder_without_seeds_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    report = import_seeds([tmp_path / "empty"], tmp_path / "a.db")
    assert counts(report) == (0, 0, 0, 0, 1)
    assert report.warnings == [(str(tmp_path / "empty"), "no *.txt seed files in this folder")]


def test_a_missing_path_is_rejected_and_the_rest_imported(tmp_path: Path) -> None:
    report = import_seeds([tmp_path / "nope", SEED_FILE], tmp_path / "a.db")
    assert report.rejected == [(str(tmp_path / "nope"), "no such file or folder")]
    assert report.new == 1


def test_the_same_file_given_twice_is_imported_once(tmp_path: Path) -> None:
    report = import_seeds([SEED_FILE, SEEDS_DIR], tmp_path / "a.db")
    assert counts(report) == (1, 0, 0, 0, 0)


def test_seed_warnings_are_reported(tmp_path: Path) -> None:
    seed = TEST_SEEDS_DIR / "reuters_no_counts.txt"
    report = import_seeds([seed], tmp_path / "a.db")
    assert report.new == 1
    assert report.warnings
    assert {path for path, _ in report.warnings} == {str(seed)}


def test_progress_counts_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(3):
        write_seed(folder / f"{i}.txt", guardian(f"story-{i}"), "Text.")
    (folder / "empty.txt").write_bytes(b"")
    calls: list[tuple[int, int]] = []
    import_seeds([folder], tmp_path / "a.db", progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_compact_leaves_a_single_file_with_a_sound_index(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEEDS_DIR, TEST_SEEDS_DIR], db, compact=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]
    assert rows(db, "PRAGMA journal_mode") == [("delete",)]
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
    conn.close()


def power_cut_at_articles_write(monkeypatch: pytest.MonkeyPatch, n: int) -> Callable[[], None]:
    """Make the ``n``-th write of article rows fail as a power cut would; returns the function
    that puts the real write back."""
    real_insert = importer._ArchiveWriter._insert
    calls = {"articles": 0}

    def failing_insert(self: Any, table: str, *args: Any, **kwargs: Any) -> None:
        if table == "articles":
            calls["articles"] += 1
            if calls["articles"] == n:
                raise RuntimeError("power cut")
        real_insert(self, table, *args, **kwargs)

    monkeypatch.setattr(importer._ArchiveWriter, "_insert", failing_insert)
    return lambda: monkeypatch.setattr(importer._ArchiveWriter, "_insert", real_insert)


def test_a_failed_batch_leaves_the_archive_as_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    folder = tmp_path / "in"
    for i in range(5):
        write_seed(folder / f"{i}.txt", guardian(f"story-{i}"), f"Story number {i}.")
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    restore = power_cut_at_articles_write(monkeypatch, 2)
    with pytest.raises(RuntimeError, match="power cut"):
        import_seeds([folder], db)
    assert rows(db, "SELECT source_file FROM articles ORDER BY id") == [
        (str(folder / "0.txt"),), (str(folder / "1.txt"),)]
    restore()
    report = import_seeds([folder], db)
    assert counts(report) == (3, 0, 2, 0, 0)
    with Archive(db) as archive:
        assert len(archive.search("story")) == 5


def test_a_failed_batch_of_a_new_archive_rolls_its_whole_transaction_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new archive indexed as it is written commits every 4 files, in batches of 2.
    db = tmp_path / "a.db"
    folder = tmp_path / "in"
    for i in range(7):
        write_seed(folder / f"{i}.txt", guardian(f"story-{i}"), f"Story number {i}.")
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(importer, "_FRESH_TRANSACTION_FILES", 4)
    restore = power_cut_at_articles_write(monkeypatch, 4)
    with pytest.raises(RuntimeError, match="power cut"):
        import_seeds([folder], db, workers=2)
    assert rows(db, "SELECT source_file FROM articles ORDER BY id") == [
        (str(folder / f"{i}.txt"),) for i in range(4)]
    restore()
    report = import_seeds([folder], db, workers=2)
    assert counts(report) == (3, 0, 4, 0, 0)
    with Archive(db) as archive:
        assert len(archive.search("story")) == 7


def test_unwritable_archive_is_an_archive_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ArchiveError, match="cannot create the archive's folder"):
        import_seeds([SEED_FILE], blocker / "a.db")


def test_a_folder_as_archive_is_an_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is a folder"):
        import_seeds([SEED_FILE], tmp_path)


def test_corrupt_archive_is_an_archive_error(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    db.write_bytes(b"this is not a database, just text " * 200)
    with pytest.raises(ArchiveError, match="not an SQLite archive"):
        import_seeds([SEED_FILE], db)


def test_another_sqlite_database_is_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="not a Broadsheet archive"):
        import_seeds([SEED_FILE], db)
    assert rows(db, "SELECT name FROM sqlite_master") == [("people",)]


def test_archive_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="newer Broadsheet"):
        import_seeds([SEED_FILE], db)


def test_an_archive_without_a_title_index_gets_one_on_the_next_import(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE articles_titles_fts")
    conn.execute("DELETE FROM meta WHERE key = 'title_index_built_at'")
    conn.commit()
    conn.close()
    assert counts(import_seeds([SEED_FILE], db)) == (0, 0, 1, 0, 0)
    with Archive(db) as archive:
        assert [h.title for h in archive.search_titles("mosul")] == [SEED_TITLE]
        meta = archive.metadata()
    assert meta["title_index_built_at"] == meta["built_at"]


def test_outlet_counts_follow_every_import_and_a_stale_table_is_ignored(
    tmp_path: Path,
) -> None:
    db = tmp_path / "a.db"
    sql = "SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY outlet"
    for source in (SEED_FILE, TEST_SEEDS_DIR):
        import_seeds([source], db)
        with Archive(db) as archive:
            assert [(g.name, g.count) for g in archive.outlets()] == rows(db, sql)
    assert len(rows(db, sql)) > 1
    assert rows(db, "SELECT outlet, count FROM outlet_counts ORDER BY outlet") == rows(db, sql)
    # Written since by an importer that does not keep the counts: they are not trusted.
    conn = sqlite3.connect(db)
    conn.execute("UPDATE outlet_counts SET count = 999")
    conn.execute("UPDATE meta SET value = '2030-01-01T00:00:00+00:00' WHERE key = 'built_at'")
    conn.commit()
    conn.close()
    with Archive(db) as archive:
        assert [(g.name, g.count) for g in archive.outlets()] == rows(db, sql)


def test_set_meta_records_keys_the_archive_reads(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    set_meta(db, bundled_built_at="2026-01-01T00:00:00+00:00")
    with Archive(db) as archive:
        assert archive.metadata()["bundled_built_at"] == "2026-01-01T00:00:00+00:00"


def test_set_meta_refuses_a_missing_archive(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive here"):
        set_meta(tmp_path / "none.db", x="1")
    assert not (tmp_path / "none.db").exists()


def test_reimport_of_unchanged_files_does_not_parse_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    seed = TEST_SEEDS_DIR / "reuters_no_counts.txt"
    first = import_seeds([SEED_FILE, seed], db)

    def no_parsing(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(importer, "parse_seed", no_parsing)
    monkeypatch.setattr(importer, "parse_seed_bytes", no_parsing)
    again = import_seeds([SEED_FILE, seed], db)
    assert counts(again) == (0, 0, 2, 0, len(first.warnings))
    assert again.warnings == first.warnings


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the importer record each seed it parses; returns the list it appends to."""
    parsed: list[str] = []
    real = seed_module.parse_seed_bytes

    def counting(data: bytes, source: str) -> Any:
        parsed.append(source)
        return real(data, source)

    monkeypatch.setattr(importer, "parse_seed_bytes", counting)
    return parsed


def test_a_changed_parser_parses_everything_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    parsed = count_parses(monkeypatch)
    monkeypatch.setattr(importer, "_parser_fingerprint", lambda: "another parser")
    assert counts(import_seeds([SEED_FILE], db)) == (0, 0, 1, 0, 0)
    assert parsed == [str(SEED_FILE)]


def test_edited_file_is_parsed_and_updated(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    seed = write_seed(tmp_path / "a.txt", guardian("a-story"), "Before.")
    import_seeds([seed], db)
    write_seed(seed, guardian("a-story"), "After.")
    assert counts(import_seeds([seed], db)) == (0, 1, 0, 0, 0)


def test_parallel_import_after_known_files_gives_the_same_archive_and_progress(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, body in enumerate(corpus_files(80)):
        header = f"{guardian(f'story-{i}')}\n{i}\n{i * 2}\n".encode()
        (folder / f"{i:03d}.txt").write_bytes(header + body.read_bytes())
    first_half = sorted(folder.glob("*.txt"))[:40]

    def second_import(workers: int) -> tuple[ImportReport, list[tuple[Any, ...]]]:
        db = tmp_path / f"{workers}.db"
        import_seeds(first_half, db)
        calls: list[tuple[int, int]] = []
        report = import_seeds(
            [folder], db, workers=workers, progress=lambda d, t: calls.append((d, t))
        )
        assert calls == [(done, 80) for done in range(81)]
        return report, rows(
            db, "SELECT id, normalized_url, content_hash, source_file FROM articles ORDER BY id"
        )

    one, two = second_import(1), second_import(2)
    assert counts(two[0]) == counts(one[0]) == (40, 0, 40, 0, 0)
    assert two[1] == one[1]


@pytest.mark.parametrize("fresh_batch", [5000, 7])
def test_parallel_parsing_gives_the_same_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_batch: int
) -> None:
    # With 7 files per batch, a URL's later file often comes in a later batch than its first.
    monkeypatch.setattr(importer, "_FRESH_TRANSACTION_FILES", fresh_batch)
    folder = tmp_path / "in"
    folder.mkdir()
    bodies = corpus_files(80)
    for i, body in enumerate(bodies):
        header = f"{guardian(f'story-{i % 70}')}\n{i}\n{i * 2}\n".encode()
        (folder / f"{i:03d}.txt").write_bytes(header + body.read_bytes())
    (folder / "zz_empty.txt").write_bytes(b"")
    one = import_seeds([folder], tmp_path / "one.db", workers=1)
    two = import_seeds([folder], tmp_path / "two.db", workers=2)
    assert counts(one) == (70, 10, 0, 1, 10)
    assert two == one
    sql = ("SELECT id, normalized_url, content_hash, version, source_file FROM articles "
           "ORDER BY id")
    assert rows(tmp_path / "two.db", sql) == rows(tmp_path / "one.db", sql)
    # One process builds the search indexes after the rows, workers' imports batch by batch.
    conn = sqlite3.connect(tmp_path / "two.db")
    for table in ("articles_fts", "articles_titles_fts"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES('integrity-check', 1)")
    conn.close()
    with Archive(tmp_path / "one.db") as a, Archive(tmp_path / "two.db") as b:
        for query in ("the", "said", "police", "government*", '"prime minister"'):
            assert a.search(query) == b.search(query)
            assert a.search_titles(query) == b.search_titles(query)
        assert a.search("the") != []


# --- known files by size and modification time (seed_stats) --------------------------------

HOUR_AGO_NS = (time.time_ns() // 10**9 - 3600) * 10**9


def settled_seed(path: Path, url: str, body: str, mtime_ns: int = HOUR_AGO_NS) -> Path:
    """A seed whose modification time is old enough to be trusted next time."""
    write_seed(path, url, body)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_a_file_with_its_recorded_size_and_time_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    folder = tmp_path / "in"
    settled_seed(folder / "a.txt", guardian("a-story"), "Alpha text.")
    warned = folder / "warned.txt"
    warned.write_bytes((TEST_SEEDS_DIR / "reuters_no_counts.txt").read_bytes())
    os.utime(warned, ns=(HOUR_AGO_NS, HOUR_AGO_NS))
    first = import_seeds([folder], db)
    assert counts(first) == (2, 0, 0, 0, 1)
    assert rows(db, "SELECT path, size, mtime_ns FROM seed_stats ORDER BY path") == [
        (os.path.realpath(folder / "a.txt"), (folder / "a.txt").stat().st_size, HOUR_AGO_NS),
        (os.path.realpath(warned), warned.stat().st_size, HOUR_AGO_NS),
    ]

    def no_reading(*args: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(importer, "_read_seed", no_reading)
    again = import_seeds([folder], db)
    assert counts(again) == (0, 0, 2, 0, 1)
    assert again.warnings == first.warnings


def test_a_file_rewritten_with_the_same_size_and_time_is_assumed_unchanged(
    tmp_path: Path,
) -> None:
    # The documented trade-off, as git's index and rsync make it.
    db = tmp_path / "a.db"
    seed = settled_seed(tmp_path / "a.txt", guardian("a-story"), "Alpha.")
    import_seeds([seed], db)
    settled_seed(seed, guardian("a-story"), "Omega.")
    assert counts(import_seeds([seed], db)) == (0, 0, 1, 0, 0)
    os.utime(seed, ns=(HOUR_AGO_NS + 1, HOUR_AGO_NS + 1))  # any other time: read again
    assert counts(import_seeds([seed], db)) == (0, 1, 0, 0, 0)
    with Archive(db) as archive:
        assert archive.get(1).article.body_text == "Omega."


def test_a_file_with_a_new_time_but_the_same_bytes_is_read_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    seed = settled_seed(tmp_path / "a.txt", guardian("a-story"), "Alpha.")
    import_seeds([seed], db)
    os.utime(seed, ns=(HOUR_AGO_NS + 10**9, HOUR_AGO_NS + 10**9))

    def no_parsing(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(importer, "parse_seed_bytes", no_parsing)
    assert counts(import_seeds([seed], db)) == (0, 0, 1, 0, 0)
    assert rows(db, "SELECT size, mtime_ns FROM seed_stats") == [
        (seed.stat().st_size, HOUR_AGO_NS + 10**9)]


def test_a_freshly_written_file_is_read_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written within the last two seconds: a rewrite in the same clock tick could keep its
    # time, so the time is not trusted (recorded as -1, which no file has).
    db = tmp_path / "a.db"
    seed = write_seed(tmp_path / "a.txt", guardian("a-story"), "Alpha.")
    import_seeds([seed], db)
    assert rows(db, "SELECT size, mtime_ns FROM seed_stats") == [(-1, -1)]
    read: list[str] = []
    real = importer._read_seed

    def counting(source: str) -> Any:
        read.append(source)
        return real(source)

    monkeypatch.setattr(importer, "_read_seed", counting)
    assert counts(import_seeds([seed], db)) == (0, 0, 1, 0, 0)
    assert read == [str(seed)]


def test_seed_stats_are_kept_by_resolved_path(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    real = tmp_path / "real"
    settled_seed(real / "a.txt", guardian("a-story"), "Alpha.")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    import_seeds([tmp_path / "link"], db)
    assert rows(db, "SELECT path FROM seed_stats") == [(os.path.realpath(real / "a.txt"),)]
    assert counts(import_seeds([real / "a.txt"], db)) == (0, 0, 1, 0, 0)


def test_a_changed_parser_forgets_the_recorded_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    seed = settled_seed(tmp_path / "a.txt", guardian("a-story"), "Alpha.")
    import_seeds([seed], db)
    assert rows(db, "SELECT count(*) FROM seed_stats") == [(1,)]
    monkeypatch.setattr(importer, "_parser_fingerprint", lambda: "another parser")
    parsed = count_parses(monkeypatch)
    assert counts(import_seeds([seed], db)) == (0, 0, 1, 0, 0)
    assert parsed == [str(seed)]


def _statements_of_a_reimport(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int
) -> list[str]:
    folder = tmp_path / f"in{files}"
    for i in range(files):
        settled_seed(folder / f"{i:03d}.txt", guardian(f"story-{i}"), f"Story {i}.")
    db = tmp_path / f"{files}.db"
    import_seeds([folder], db)
    statements: list[str] = []
    real = importer._connect

    def tracing(path: Path) -> sqlite3.Connection:
        conn = real(path)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(importer, "_connect", tracing)
    assert counts(import_seeds([folder], db)) == (0, 0, files, 0, 0)
    monkeypatch.setattr(importer, "_connect", real)
    return statements


def test_a_reimport_reads_the_recorded_files_in_one_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = _statements_of_a_reimport(tmp_path, monkeypatch, 70)
    more = _statements_of_a_reimport(tmp_path, monkeypatch, 140)
    assert few == more  # nothing per file
    assert [s for s in few if "seed_stats" in s and s.startswith("SELECT")] == [
        "SELECT s.path, s.size, s.mtime_ns, f.normalized_url, f.warnings "
        "FROM seed_stats s JOIN seed_files f ON f.digest = s.digest"]
    assert not [s for s in few if s.startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_reimport_of_known_files_loads_no_parser_pool_or_sqlite_utils(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for i in range(70):
        settled_seed(folder / f"{i:03d}.txt", guardian(f"story-{i}"), f"Story {i}.")
    db = tmp_path / "a.db"
    import_seeds([folder], db, workers=2)
    script = (
        "import sys\n"
        "from desktop.data.importer import import_seeds\n"
        f"report = import_seeds([{str(folder)!r}], {str(db)!r}, workers=2)\n"
        "print(report.summary())\n"
        "heavy = ('sqlite_utils', 'multiprocessing', 'concurrent.futures', 'desktop.data.seed',\n"
        "         'desktop.data.urls')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout.splitlines()
    assert out == ["imported 0 new, 0 updated, 70 unchanged, 0 rejected, 0 warnings", "[]"]


# --- storage: each text once, and the upgrade from schema 1 ---------------------------------

def test_blocks_are_stored_as_a_layout_into_the_searched_text(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    import_seeds([SEED_FILE], db)
    ((blocks, body, captions),) = rows(db, "SELECT blocks, body_text, captions_text FROM articles")
    with Archive(db) as archive:
        article = archive.get(1).article
    layout = json.loads(str(blocks))
    assert layout[:6] == [len(p.text) for p in article.paragraphs[:6]]
    assert layout[6][:3] == ["g", len("Mosul offensive"), 28]
    assert layout[10] == ["e", "video", len("Mosul battle: Civilians flee ahead of fighting"),
                          "admin"]
    assert (body, captions) == (article.body_text, article.captions_text)
    assert not any(p.text in str(blocks) for p in article.paragraphs)
    assert rows(db, "SELECT content_hash FROM articles") == [(article.content_hash,)]


def _v1_hash(article: Article) -> str:
    """Schema 1's content hash: the sorted JSON of title, score, comments and blocks."""
    payload = {"title": article.title, "score": article.score, "comments": article.comments,
               "blocks": blocks_to_json(article.blocks)}
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def downgrade_to_v2(db: Path) -> None:
    """Turn a schema-3 archive into the one schema 2 wrote from the same imports: no facets
    (in the articles or the search indexes), and every caption again in gallery_items."""
    with Archive(db) as archive:
        captions = [
            (article_id, k, item.n, item.caption, item.credit, item.image_id)
            for article_id in archive.ids_imported_since(None)
            for k, gallery in enumerate(
                b for b in archive.get(article_id).article.blocks if isinstance(b, Gallery))
            for item in gallery.items
        ]
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE articles_fts")
    conn.execute("DROP TABLE articles_titles_fts")
    conn.execute("ALTER TABLE articles DROP COLUMN facets")
    for table, columns in (("articles_fts", "title, body_text, captions_text"),
                           ("articles_titles_fts", "title")):
        conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='articles', "
                     "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        conn.execute(f"INSERT INTO {table}({table}) VALUES('rebuild')")
    conn.execute("CREATE TABLE gallery_items (article_id INTEGER, gallery INTEGER, n INTEGER, "
                 "caption TEXT, credit TEXT, image_id INTEGER)")
    conn.executemany("INSERT INTO gallery_items VALUES (?, ?, ?, ?, ?, ?)", captions)
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def downgrade_to_v1(db: Path) -> None:
    """Turn a schema-3 archive into the one schema 1 wrote from the same imports: as schema
    2 (``downgrade_to_v2``), with blocks as ``show --json`` JSON, schema-1 hashes, earlier
    versions without their text columns, no seed_stats."""
    downgrade_to_v2(db)
    with Archive(db) as archive:
        versions = {
            (article_id, v.version): v.article
            for article_id in archive.ids_imported_since(None)
            for v in archive.versions(article_id)
        }
    conn = sqlite3.connect(db)
    for (article_id, version), article in versions.items():
        values = [json.dumps(blocks_to_json(article.blocks), ensure_ascii=False),
                  _v1_hash(article), article_id, version]
        conn.execute("UPDATE articles SET blocks = ?, content_hash = ? "
                     "WHERE id = ? AND version = ?", values)
        conn.execute("UPDATE article_versions SET blocks = ?, content_hash = ? "
                     "WHERE article_id = ? AND version = ?", values)
    conn.execute("ALTER TABLE article_versions DROP COLUMN body_text")
    conn.execute("ALTER TABLE article_versions DROP COLUMN captions_text")
    conn.execute("DROP TABLE seed_stats")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def _everything(db: Path) -> list[Any]:
    with Archive(db) as archive:
        return [
            (archive.get(i), [dataclasses.replace(v, content_hash="") for v in
                              archive.versions(i)])
            for i in archive.ids_imported_since(None)
        ]


def _history_archive(tmp_path: Path) -> tuple[Path, list[Path]]:
    """An archive with the seed, the test seeds and an article of three versions."""
    db = tmp_path / "a.db"
    url = guardian("river-floods-town")
    tellings = [write_seed(tmp_path / f"v{i}" / "a.txt", url, text)
                for i, text in enumerate(["The river rose.", "The river burst.", "Dry again."])]
    sources = [SEEDS_DIR, TEST_SEEDS_DIR, *tellings]
    for source in sources:
        import_seeds([source], db)
    return db, sources


def test_a_schema_1_archive_is_read_and_upgraded_in_place_by_the_next_import(
    tmp_path: Path,
) -> None:
    db, sources = _history_archive(tmp_path)
    before = _everything(db)
    downgrade_to_v1(db)
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert _everything(db) == before  # read as it is
    with Archive(db) as archive:
        assert [h.title for h in archive.search("dry")] == ["River floods town"]
    report = import_seeds(sources, db)
    assert (report.new, report.updated) == (0, 0)
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    assert _everything(db) == before
    assert rows(db, "SELECT count(*) FROM article_versions") == [(2,)]
    assert rows(db, "SELECT count(*) FROM article_versions WHERE body_text IS NULL") == [(0,)]
    assert rows(db, "SELECT count(*) FROM articles WHERE blocks LIKE '[{%'") == [(0,)]
    with Archive(db) as archive:
        for article_id in archive.ids_imported_since(None):
            for version in archive.versions(article_id):
                assert version.content_hash == version.article.content_hash
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
    conn.close()
    # An old telling imported again is still known as an earlier version.
    assert counts(import_seeds([sources[2]], db)) == (0, 0, 1, 0, 0)


def test_a_schema_2_archive_loses_only_its_copy_of_the_captions_on_the_next_import(
    tmp_path: Path,
) -> None:
    db, sources = _history_archive(tmp_path)
    before = _everything(db)
    with Archive(db) as archive:
        hits_before = [h.title for h in archive.search("river", outlet="The Guardian")]
    assert hits_before
    downgrade_to_v2(db)
    assert rows(db, "SELECT count(*) FROM gallery_items") != [(0,)]
    assert _everything(db) == before  # read as it is
    with Archive(db) as archive:  # its filters checked on each match's row
        assert [h.title for h in archive.search("river", outlet="The Guardian")] == hits_before
    report = import_seeds(sources, db)
    assert (report.new, report.updated) == (0, 0)
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    names = {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "gallery_items" not in names
    assert _everything(db) == before
    conn = sqlite3.connect(db)
    for table in ("articles_fts", "articles_titles_fts"):
        conn.execute(f"INSERT INTO {table}({table}, rank) VALUES('integrity-check', 1)")
    conn.close()
    with Archive(db) as archive:  # now filtered inside the search index
        assert archive._full.facets and archive._titles.facets
        assert [h.title for h in archive.search("river", outlet="The Guardian")] == hits_before
        assert archive.search("river", outlet="BBC News") == []


def test_a_failed_upgrade_leaves_the_schema_1_archive_as_it_was(tmp_path: Path) -> None:
    db, _ = _history_archive(tmp_path)
    downgrade_to_v1(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE article_versions SET blocks = '[{\"type\": \"poem\"}]' "
                 "WHERE version = 2")
    conn.commit()
    conn.close()
    snapshot = rows(db, "SELECT * FROM articles ORDER BY id")
    with pytest.raises(ArchiveError, match="cannot upgrade the archive"):
        import_seeds([SEED_FILE], db)
    assert rows(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert "facets" not in {r[1] for r in rows(db, "PRAGMA table_info(articles)")}
    assert rows(db, "SELECT * FROM articles ORDER BY id") == snapshot
    assert "body_text" not in {r[1] for r in rows(db, "PRAGMA table_info(article_versions)")}
