"""Reading the archive: groups, summaries, articles, versions, images, search, interrupt."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import paths
from desktop.data.archive import (
    Archive,
    ArticleSummary,
    GroupCount,
    QueryInterruptedError,
    SummaryOrder,
    snippet_parts,
)
from desktop.data.article import Article, Embed, Gallery, GalleryItem, Paragraph
from desktop.data.importer import store_articles
from desktop.data.search import facet_tokens
from desktop.data.urls import normalize_url
from desktop.errors import ArchiveError, ArticleNotFoundError
from tests.conftest import SEED_FILE

SEED_URL = SEED_FILE.read_text(encoding="utf-8").splitlines()[0]


def make_article(
    url: str,
    title: str,
    text: str,
    *,
    outlet: str = "The Guardian",
    section: tuple[str, ...] = ("World",),
    date: str | None = None,
    score: int | None = 1,
    comments: int | None = 1,
    captions: tuple[str, ...] = (),
) -> Article:
    blocks: tuple[Paragraph | Gallery, ...] = (Paragraph(text),)
    if captions:
        items = tuple(GalleryItem(n, c, "Reuters") for n, c in enumerate(captions, start=1))
        blocks += (Gallery("Photos", len(items), items),)
    return Article(
        url=url, normalized_url=normalize_url(url), domain="example.com", outlet=outlet,
        section=section, date=date, title=title, score=score, comments=comments,
        blocks=blocks,
    )


ARTICLES = [
    make_article("https://g.com/world/a", "Bravo river floods", "Water rose in the valley.",
                 score=5, comments=50, date="2016-10-01"),
    make_article("https://g.com/world/b", "alpha storm", "The river floods again today.",
                 score=50, comments=5, date="2016-10-03"),
    make_article("https://g.com/world/c", "Charlie market", "Prices fell.",
                 score=None, comments=None, date=None),
    make_article("https://g.com/world/europe/d", "Delta elections", "Voters queued.",
                 section=("World", "Europe"), captions=("Crowds near the floods",)),
    make_article("https://g.com/worldwide/e", "Echo", "Floods in another section.",
                 section=("Worldwide",)),
    make_article("https://g.com/f", "Foxtrot front page", "No section here.", section=()),
    make_article("https://b.com/news/g", "Golf", "Floods hit the coast.", outlet="BBC News",
                 section=("News",)),
]


@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.db"
    store_articles(((f"{i}.txt", a) for i, a in enumerate(ARTICLES)), path)
    return path


@pytest.fixture
def small(small_path: Path) -> Iterator[Archive]:
    archive = Archive(small_path)
    yield archive
    archive.close()


def ids_of(archive: Archive, *urls: str) -> list[int]:
    return [archive.resolve(u) for u in urls]


def test_missing_file_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError) as info:
        Archive(tmp_path / "none.db")
    assert str(info.value) == (
        f"{tmp_path / 'none.db'}: no archive here "
        f"(build one with `broadsheet import SEED_FOLDER --db {tmp_path / 'none.db'}`)"
    )


def test_corrupt_file_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database " * 100)
    with pytest.raises(ArchiveError, match="not an archive"):
        Archive(path)


def test_other_sqlite_database_is_an_archive_error(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="is not a Broadsheet archive"):
        Archive(path)


def test_archive_from_a_newer_broadsheet_is_refused(tmp_path: Path, small_path: Path) -> None:
    path = tmp_path / "new.db"
    path.write_bytes(small_path.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match=r"was made by a newer Broadsheet \(schema 4\)"):
        Archive(path)


def test_archive_is_opened_read_only(small: Archive) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        small._conn.execute("DELETE FROM articles")


def test_bundled_archive_is_read_even_while_locked(
    small_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "archive.db"
    bundled.write_bytes(small_path.read_bytes())
    monkeypatch.setattr(paths, "bundled_archive", lambda: bundled)
    writer = sqlite3.connect(bundled, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with Archive(bundled) as archive:  # immutable=1: no locking at all
            assert archive.article_count() == len(ARTICLES)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_count_and_metadata(small: Archive) -> None:
    assert small.article_count() == 7
    meta = small.metadata()
    assert meta["schema_version"] == "3"
    assert set(meta) >= {"schema_version", "built_at", "app_version"}


def test_outlets_are_sorted_with_counts(small: Archive) -> None:
    assert small.outlets() == [GroupCount("BBC News", 1), GroupCount("The Guardian", 6)]


def test_sections_are_paths_with_empty_for_none(small: Archive) -> None:
    assert small.sections("The Guardian") == [
        GroupCount("", 1), GroupCount("World", 3), GroupCount("World/Europe", 1),
        GroupCount("Worldwide", 1),
    ]
    assert small.sections("Nobody") == []


def test_summaries_in_each_order(small: Archive) -> None:
    def titles(order: SummaryOrder) -> list[str]:
        return [s.title for s in small.summaries_in("The Guardian", "World", order)]

    assert titles("title") == ["alpha storm", "Bravo river floods", "Charlie market"]
    assert titles("score") == ["alpha storm", "Bravo river floods", "Charlie market"]
    assert titles("comments") == ["Bravo river floods", "alpha storm", "Charlie market"]
    assert titles("date") == ["alpha storm", "Bravo river floods", "Charlie market"]


def test_ids_in_lists_what_summaries_in_lists_in_each_order(small: Archive) -> None:
    for order in ("title", "score", "comments", "date"):
        expected = [s.id for s in small.summaries_in("The Guardian", "World", order)]
        assert small.ids_in("The Guardian", "World", order) == expected, order
    assert small.ids_in("The Guardian", "Nowhere") == []
    with pytest.raises(ValueError):
        small.ids_in("The Guardian", "World", "colour")  # type: ignore[arg-type]


def test_summary_carries_the_list_columns(small: Archive) -> None:
    (summary,) = small.summaries(ids_of(small, "https://g.com/world/europe/d"))
    assert summary == ArticleSummary(
        summary.id, "Delta elections", "The Guardian", ("World", "Europe"), None, 1, 1)


def test_summaries_keep_the_given_order_and_skip_unknown_ids(small: Archive) -> None:
    a, b, c = ids_of(small, "https://g.com/world/a", "https://g.com/world/b",
                     "https://g.com/world/c")
    assert [s.id for s in small.summaries([c, 999_999, a, b])] == [c, a, b]
    assert small.summaries([]) == []


def test_resolve_accepts_ids_and_any_spelling_of_the_url(small: Archive) -> None:
    article_id = small.resolve("https://g.com/world/a")
    assert small.resolve(str(article_id)) == article_id
    assert small.resolve(article_id) == article_id
    assert small.resolve(" https://g.com/world/a ") == article_id


def test_resolve_unknown_raises_not_found(small: Archive) -> None:
    for ref in ["999999", "https://nowhere.example/x", "", "💥"]:
        with pytest.raises(ArticleNotFoundError):
            small.resolve(ref)


def test_get_returns_the_whole_article(small: Archive) -> None:
    record = small.get(small.resolve("https://g.com/world/europe/d"))
    assert record.article == dataclasses.replace(ARTICLES[3], source_file="3.txt")
    assert record.versions == 1


def test_get_unknown_id_raises_not_found(small: Archive) -> None:
    with pytest.raises(ArticleNotFoundError, match="no article with id 424242"):
        small.get(424242)


def test_seed_article_in_the_session_archive(archive: Archive) -> None:
    record = archive.get(archive.resolve(SEED_URL))
    a = record.article
    assert a.title == ("Mosul offensive latest Isis escape route cut off new front launched "
                       "shiite militia Hashed al-Shaabi")
    assert (a.outlet, a.section, a.score, a.comments) == (
        "The Independent", ("News", "World", "Middle East"), 154, 15)
    assert [type(b).__name__ for b in a.blocks] == (
        ["Paragraph"] * 6 + ["Gallery"] + ["Paragraph"] * 3 + ["Embed"] + ["Paragraph"] * 3)
    embed = a.blocks[10]
    assert isinstance(embed, Embed)
    assert (embed.title, embed.by) == ("Mosul battle: Civilians flee ahead of fighting", "admin")


def test_versions_list_earlier_and_current(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    first = make_article("https://g.com/world/v", "Vee", "First text.")
    second = make_article("https://g.com/world/v", "Vee", "Second text.")
    store_articles([("1.txt", first)], path)
    store_articles([("2.txt", second)], path)
    with Archive(path) as archive:
        versions = archive.versions(archive.resolve("https://g.com/world/v"))
    assert [(v.version, v.source_file, v.article.body_text) for v in versions] == [
        (1, "1.txt", "First text."), (2, "2.txt", "Second text.")]
    assert versions[0].superseded_at == versions[1].imported_at
    assert versions[1].superseded_at is None
    assert versions[0].content_hash == first.content_hash


def test_ids_imported_since(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store_articles([("1.txt", ARTICLES[0]), ("2.txt", ARTICLES[1])], path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE articles SET imported_at = '2020-01-01T00:00:00+00:00' WHERE id = 1")
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.ids_imported_since(None) == [1, 2]
        assert archive.ids_imported_since("2021-01-01T00:00:00+00:00") == [2]
        assert archive.ids_imported_since("2020-01-01T00:00:00+00:00") == [1, 2]
        assert archive.ids_imported_since("2999-01-01T00:00:00+00:00") == []


def test_image_bytes_or_none(tmp_path: Path, small_path: Path) -> None:
    path = tmp_path / "img.db"
    path.write_bytes(small_path.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO images (id, data, mime) VALUES (7, ?, 'image/png')",
                 [b"\x89PNG data"])
    conn.commit()
    conn.close()
    with Archive(path) as archive:
        assert archive.image(7) == b"\x89PNG data"
        assert archive.image(8) is None


def test_search_ranks_title_matches_first(small: Archive) -> None:
    hits = small.search("floods")
    assert hits[0].title == "Bravo river floods"
    assert {h.title for h in hits} == {
        "Bravo river floods", "alpha storm", "Delta elections", "Echo", "Golf"}


def test_search_ands_words_and_matches_phrases(small: Archive) -> None:
    assert [h.title for h in small.search("river valley")] == ["Bravo river floods"]
    assert [h.title for h in small.search('"floods again"')] == ["alpha storm"]
    assert small.search('"again floods"') == []


def test_search_prefix(small: Archive) -> None:
    assert [h.title for h in small.search("elect*")] == ["Delta elections"]
    (hit,) = small.search("vot*")
    assert [text for text, matched in hit.snippet_parts if matched] == ["Voters"]


def test_search_finds_captions(small: Archive) -> None:
    assert [h.title for h in small.search("crowds")] == ["Delta elections"]


def test_search_filters_by_outlet_and_section_tree(small: Archive) -> None:
    assert [h.title for h in small.search("floods", outlet="BBC News")] == ["Golf"]
    world = {h.title for h in small.search("floods", section="World")}
    assert world == {"Bravo river floods", "alpha storm", "Delta elections"}
    assert [h.title for h in small.search("floods", section="World/Europe")] == [
        "Delta elections"]


def test_a_filter_keeps_the_order_of_the_unfiltered_search(small: Archive) -> None:
    everything = [h.title for h in small.search("floods")]
    assert len(everything) == 5
    guardian = [h.title for h in small.search("floods", outlet="The Guardian")]
    assert guardian == [t for t in everything if t != "Golf"]
    assert [h.title for h in small.search_titles("floods", outlet="The Guardian")] == [
        "Bravo river floods"]
    assert small.search_titles("floods", outlet="BBC News") == []


def test_seed_text_cannot_pose_as_an_outlet_or_section(tmp_path: Path) -> None:
    path = tmp_path / "spoof.db"
    forged = facet_tokens("BBC News", "News")
    store_articles([("a.txt", make_article("https://g.com/x", f"Floods {forged}",
                                           f"Floods {forged}", captions=(forged,)))], path)
    with Archive(path) as archive:
        assert [h.title for h in archive.search("floods")] == [f"Floods {forged}"]
        assert archive.search("floods", outlet="BBC News") == []
        assert archive.search("floods", section="News") == []
        assert archive.search_titles("floods", outlet="BBC News") == []


def test_search_limit(small: Archive) -> None:
    assert len(small.search("floods", limit=2)) == 2
    assert small.search("floods", limit=0) == []


def test_search_snippet_marks_the_matched_words(small: Archive) -> None:
    (hit,) = small.search("valley")
    assert hit.snippet_parts == (("Water rose in the ", False), ("valley", True), (".", False))
    assert hit.snippet == "Water rose in the valley."


def test_search_hit_carries_url_outlet_and_section(small: Archive) -> None:
    (hit,) = small.search("voters")
    assert (hit.url, hit.outlet, hit.section) == (
        "https://g.com/world/europe/d", "The Guardian", ("World", "Europe"))


@pytest.mark.parametrize(
    "query", ['"', "AND", "*", "(", "NEAR", "", "🙂", "x" * 10_000, '"floods', "floods)"]
)
def test_search_never_fails_on_odd_input(small: Archive, query: str) -> None:
    small.search(query)


def test_search_ranks_exactly_like_the_plain_bm25_query(small_path: Path, small: Archive) -> None:
    conn = sqlite3.connect(small_path)
    naive = [r[0] for r in conn.execute(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"floods\"' "
        "ORDER BY bm25(articles_fts, 10.0, 1.0, 2.0), rowid")]
    conn.close()
    assert [h.id for h in small.search("floods")] == naive


def test_search_titles_matches_titles_only(small: Archive) -> None:
    assert [h.title for h in small.search_titles("floods")] == ["Bravo river floods"]
    assert small.search_titles("valley") == []
    assert [h.title for h in small.search_titles("elect*", outlet="The Guardian")] == [
        "Delta elections"]
    assert small.search_titles('" AND (') == []


def test_search_titles_marks_the_title(small: Archive) -> None:
    (hit,) = small.search_titles("charlie")
    assert hit.snippet_parts == (("Charlie", True), (" market", False))


def _title_hits(path: Path, query: str) -> list[tuple[str, tuple[tuple[str, bool], ...]]]:
    with Archive(path) as archive:
        return [(h.title, h.snippet_parts) for h in archive.search_titles(query)]


def test_search_titles_follows_updated_titles(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store_articles([(f"{i}.txt", a) for i, a in enumerate(ARTICLES)], path)
    renamed = dataclasses.replace(ARTICLES[0], title="Bravo river recedes")
    store_articles([("new.txt", renamed)], path)
    assert _title_hits(path, "floods") == []
    assert _title_hits(path, "recedes") == [
        ("Bravo river recedes", (("Bravo river ", False), ("recedes", True)))]


def test_search_titles_without_a_current_title_index_reads_the_full_index(
    tmp_path: Path, small_path: Path
) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(small_path.read_bytes())
    expected = _title_hits(path, "floods")
    conn = sqlite3.connect(path)
    # As an importer that does not know the title index would leave it: rows changed since.
    conn.execute("UPDATE articles SET title = 'Bravo river dries' WHERE title LIKE 'Bravo%'")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    conn.execute("UPDATE meta SET value = '2999-01-01T00:00:00+00:00' WHERE key = 'built_at'")
    conn.commit()
    assert _title_hits(path, "dries") == [
        ("Bravo river dries", (("Bravo river ", False), ("dries", True)))]
    conn.execute("UPDATE articles SET title = 'Bravo river floods' WHERE title LIKE 'Bravo%'")
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    conn.execute("DROP TABLE articles_titles_fts")
    conn.commit()
    conn.close()
    assert _title_hits(path, "floods") == expected


def test_snippet_parts_drop_stray_markers() -> None:
    assert snippet_parts("a\ue000b\ue001c") == (("a", False), ("b", True), ("c", False))
    assert snippet_parts("\ue001x\ue001") == (("x", False),)
    assert snippet_parts("") == ()


def test_a_snippet_across_captions_reads_as_one_line() -> None:
    parts = snippet_parts("Storm Angus\nWaves crash \ue000near\ue001 the\r\nharbour")
    assert parts == (("Storm Angus Waves crash ", False), ("near", True), (" the harbour", False))


def test_reopen_gives_an_independent_connection(small: Archive) -> None:
    other = small.reopen()
    try:
        other.close()
        assert small.article_count() == 7
    finally:
        other.close()


def test_interrupt_from_another_thread_cancels_a_query(small: Archive) -> None:
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 1000000000) SELECT count(*) FROM n")
    started = threading.Event()

    def interrupt_when_started() -> None:
        started.wait()
        while True:  # interrupt() before the query starts is a no-op: repeat until it lands
            small.interrupt()
            if done.wait(0.01):
                return

    done = threading.Event()
    thread = threading.Thread(target=interrupt_when_started)
    thread.start()
    try:
        started.set()
        with pytest.raises(QueryInterruptedError):
            small._rows(endless)
    finally:
        done.set()
        thread.join()
    assert small.article_count() == 7
