"""Reading the archive: read-only queries on stdlib ``sqlite3``.

No Qt imports and no ``sqlite_utils`` (``importer.py`` alone writes the archive). ``Archive``
hands out ids and immutable records; the window's models keep ids and fetch summaries a page
at a time. The records read before the window's first paint (outlets, summaries, hits) are
``NamedTuple``s, not dataclasses: a frozen dataclass costs the start about 1 ms to make its
methods, the ``dataclasses`` module 2 ms more, a ``NamedTuple`` a fifth of that.

Threads: one ``Archive`` serves one thread at a time, except ``interrupt()``, which another
thread calls to cancel a running query. A worker thread opens its own connection with
``reopen()`` (cheap: a read-only open of the same file).
"""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from desktop import paths
from desktop.data.search import FACETS_COLUMN, facet_filter, has_prefix, to_fts_query
from desktop.errors import ArchiveError, ArticleNotFoundError, BroadsheetError

if TYPE_CHECKING:
    # Loaded when the first article is read, not with the archive: the window opens its
    # archive before its first paint, which shows no article (``article`` and the ``hashlib``
    # it loads cost about 15 ms of the start).
    from desktop.data.article import ArchivedArticle, Article, ArticleVersion, Block

# The archive layout this code reads and the importer writes; an archive from a newer
# Broadsheet (a higher number) is refused rather than misread. Schema 2 stores each text once
# (``article.StoredBlocks``); schema 3 drops the ``gallery_items`` table, a second copy of
# the captions that nothing read. This module still reads schema 1, whose ``blocks`` column
# holds the ``show --json`` blocks, until the next import upgrades the file.
SCHEMA_VERSION = 3
# A search index of titles alone, far smaller than the full one, for the first results while
# the user types. Archives made before it have none; the importer adds it and records in
# ``meta`` under TITLE_INDEX_KEY the same time as ``built_at``. A different time means an
# importer that does not know the index wrote the archive since, so it is not used.
TITLE_INDEX_TABLE = "articles_titles_fts"
TITLE_INDEX_KEY = "title_index_built_at"
# The number of articles of each outlet, written by the importer with every stamp (meta
# OUTLET_COUNTS_KEY equal to built_at), so the tree's first rows need no pass over the archive.
OUTLET_COUNTS_TABLE = "outlet_counts"
OUTLET_COUNTS_KEY = "outlet_counts_built_at"

SummaryOrder = Literal["title", "score", "comments", "date"]

# snippet() wraps matched words in these private-use characters; parsing them gives
# snippet_parts, so no markup ever passes through seed text.
_MARK_START = "\ue000"
_MARK_END = "\ue001"
_SNIPPET_TOKENS = 16
# bm25 weights for title, body text, captions: a word in the title counts most.
_BM25_WEIGHTS = "10.0, 1.0, 2.0"


class _Index(NamedTuple):
    """A search index: its table, how it ranks and what it shows of a hit.

    ``short_lists``: its lists of matches are short (titles), so the page of hits is found in
    one pass over the matches; in the full index a lookup per hit costs less than a pass over
    the matches of a common word. ``facets``: it has the facets column (schema 3), so outlet
    and section filters are part of the match; else they are checked on each match's row.
    """

    table: str
    rank: str
    snippet: str
    short_lists: bool
    facets: bool


def _full_index(facets: bool) -> _Index:
    # The facets column weighs nothing: a filter never changes how hits rank.
    weights = _BM25_WEIGHTS + (", 0.0" if facets else "")
    return _Index(
        "articles_fts",
        f"bm25(articles_fts, {weights})",
        f"snippet(articles_fts, -1, '{_MARK_START}', '{_MARK_END}', '…', {_SNIPPET_TOKENS})",
        short_lists=False,
        facets=facets,
    )


def _title_index(facets: bool) -> _Index:
    return _Index(
        TITLE_INDEX_TABLE,
        f"bm25({TITLE_INDEX_TABLE}{', 1.0, 0.0' if facets else ''})",
        f"highlight({TITLE_INDEX_TABLE}, 0, '{_MARK_START}', '{_MARK_END}')",
        short_lists=True,
        facets=facets,
    )

_SUMMARY_COLUMNS = "id, title, outlet, section, date, score, comments"
_ORDER_BY: dict[str, str] = {
    "title": "title COLLATE NOCASE, id",
    "score": "score DESC, id",
    "comments": "comments DESC, id",
    "date": "date DESC, id",
}
_ARTICLE_COLUMNS = (
    "url, normalized_url, domain, outlet, section, date, title, score, comments, blocks, "
    "body_text, captions_text, source_file, warnings, content_hash, imported_at"
)
# Earlier versions in a schema-1 archive have no text columns: their blocks hold the text.
_V1_VERSION_COLUMNS = _ARTICLE_COLUMNS.replace("body_text, captions_text", "NULL, NULL")


class QueryInterruptedError(BroadsheetError):
    """A query that ``Archive.interrupt()`` cancelled before it finished."""


class GroupCount(NamedTuple):
    """An outlet or section and how many articles it holds."""

    name: str
    # The field hides tuple.count on these records, which nothing calls.
    count: int  # type: ignore[assignment]


class ArticleSummary(NamedTuple):
    """What a list row shows of an article."""

    id: int
    title: str
    outlet: str
    section: tuple[str, ...]
    date: str | None
    score: int | None
    comments: int | None


class SearchHit(NamedTuple):
    """One ranked search result; ``snippet_parts`` pairs text with whether it matched."""

    id: int
    url: str
    title: str
    outlet: str
    section: tuple[str, ...]
    snippet_parts: tuple[tuple[str, bool], ...]

    @property
    def snippet(self) -> str:
        """The snippet as plain text."""
        return "".join(text for text, _ in self.snippet_parts)


def _section(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")) if path else ()


def snippet_parts(marked: str) -> tuple[tuple[str, bool], ...]:
    """Split ``snippet()`` output into (text, matched) runs; stray markers in seed text vanish.

    A snippet may span paragraphs or captions: its line breaks become spaces, so it reads as
    one line in the results list and on a terminal.
    """
    parts: list[tuple[str, bool]] = []
    matched = False
    text: list[str] = []
    for char in " ".join(marked.splitlines()):
        if char in (_MARK_START, _MARK_END):
            if text:
                parts.append(("".join(text), matched))
                text = []
            matched = char == _MARK_START
        else:
            text.append(char)
    if text:
        parts.append(("".join(text), matched))
    return tuple(parts)


def _uri(path: Path) -> str:
    """The read-only URI for ``path``; the bundled archive is opened immutable (no locking)."""
    quoted = urllib.parse.quote(str(path.resolve()))
    params = "mode=ro"
    if path.resolve() == paths.bundled_archive().resolve():
        params += "&immutable=1"
    return f"file:{quoted}?{params}"


class Archive:
    """A read-only, open archive file.

    Raises:
        ArchiveError: the file is missing, corrupt or not a Broadsheet archive.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise ArchiveError(
                str(self.path), "no archive here",
                f"build one with `broadsheet import SEED_FOLDER --db {self.path}`",
            )
        try:
            self._conn = sqlite3.connect(_uri(self.path), uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ArchiveError(str(self.path), f"cannot open the archive: {exc}") from exc
        try:
            self._check()
        except BaseException:
            self._conn.close()
            raise

    def _check(self) -> None:
        try:
            tables = {r[0] for r in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                str(self.path), "not an archive (corrupt, or another kind of file)",
                "rebuild it with `broadsheet import`",
            ) from exc
        if not {"meta", "articles", "articles_fts"} <= tables:
            raise ArchiveError(
                str(self.path), "is not a Broadsheet archive", "choose another --db"
            )
        meta = self.metadata()
        version = meta.get("schema_version", "")
        if not version.isdigit() or int(version) > SCHEMA_VERSION:
            raise ArchiveError(
                str(self.path), f"was made by a newer Broadsheet (schema {version or '?'})",
                "update Broadsheet or choose another --db",
            )
        self._title_index = (
            TITLE_INDEX_TABLE in tables
            and meta.get(TITLE_INDEX_KEY) is not None
            and meta.get(TITLE_INDEX_KEY) == meta.get("built_at")
        )
        self._outlet_counts = (
            OUTLET_COUNTS_TABLE in tables
            and meta.get(OUTLET_COUNTS_KEY) is not None
            and meta.get(OUTLET_COUNTS_KEY) == meta.get("built_at")
        )
        self._full = _full_index(self._has_facets("articles_fts"))
        self._titles = _title_index(self._title_index and self._has_facets(TITLE_INDEX_TABLE))

    def _has_facets(self, table: str) -> bool:
        columns = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
        return FACETS_COLUMN in columns

    def reopen(self) -> Archive:
        """A second, independent connection to the same file (for a worker thread)."""
        return Archive(self.path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def interrupt(self) -> None:
        """Cancel the query running on this archive; safe to call from another thread."""
        self._conn.interrupt()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise QueryInterruptedError(str(self.path), "the query was cancelled") from exc
            raise self._error(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: sqlite3.Error) -> ArchiveError:
        return ArchiveError(
            str(self.path), f"cannot read the archive: {exc}",
            "rebuild it with `broadsheet import`",
        )

    # counts and groups

    def article_count(self) -> int:
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def metadata(self) -> dict[str, str]:
        """schema_version, built_at and app_version (and any other key the importer keeps)."""
        return {str(k): str(v) for k, v in self._rows("SELECT key, value FROM meta")}

    def outlets(self) -> list[GroupCount]:
        """Every outlet with its number of articles, sorted by name."""
        if self._outlet_counts:
            sql = f"SELECT outlet, count FROM {OUTLET_COUNTS_TABLE} ORDER BY outlet"
        else:  # an archive from before the counts: one pass over the outlet index
            sql = "SELECT outlet, count(*) FROM articles GROUP BY outlet ORDER BY outlet"
        rows = self._rows(sql)
        return [GroupCount(r[0], r[1]) for r in rows]

    def sections(self, outlet: str) -> list[GroupCount]:
        """The section paths of ``outlet`` (``"News/World"``, ``""`` for none), sorted."""
        rows = self._rows(
            "SELECT section, count(*) FROM articles WHERE outlet = ? "
            "GROUP BY section ORDER BY section", [outlet])
        return [GroupCount(r[0], r[1]) for r in rows]

    # summaries

    def summaries_in(
        self, outlet: str, section: str, order: SummaryOrder = "title"
    ) -> list[ArticleSummary]:
        """The articles of exactly this outlet and section path, in ``order``."""
        if order not in _ORDER_BY:
            raise ValueError(f"unknown order {order!r}")
        rows = self._rows(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles WHERE outlet = ? AND section = ? "
            f"ORDER BY {_ORDER_BY[order]}", [outlet, section])
        return [_summary(r) for r in rows]

    def ids_in(self, outlet: str, section: str, order: SummaryOrder = "title") -> list[int]:
        """The ids ``summaries_in`` would list, in the same order: one pass over an index
        (each order has one covering outlet, section and the sort key), no row read."""
        if order not in _ORDER_BY:
            raise ValueError(f"unknown order {order!r}")
        rows = self._rows(
            f"SELECT id FROM articles WHERE outlet = ? AND section = ? "
            f"ORDER BY {_ORDER_BY[order]}", [outlet, section])
        return [int(r[0]) for r in rows]

    def summaries(self, ids: Iterable[int]) -> list[ArticleSummary]:
        """Summaries of ``ids`` in the given order; ids not in the archive are left out."""
        wanted = list(ids)
        found: dict[int, ArticleSummary] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._rows(
                f"SELECT {_SUMMARY_COLUMNS} FROM articles WHERE id IN ({marks})", chunk)
            found.update((r[0], _summary(r)) for r in rows)
        return [found[i] for i in wanted if i in found]

    # one article

    def resolve(self, ref: str | int) -> int:
        """The id of the article ``ref`` names: an id, or a URL (normalised before lookup).

        Raises:
            ArticleNotFoundError: no article has that id or URL.
        """
        text = str(ref).strip()
        if text.isascii() and text.isdigit():
            rows = self._rows("SELECT id FROM articles WHERE id = ?", [int(text)])
        else:
            # Imported here: the importer reads this module's constants and needs no URLs.
            from desktop.data.urls import normalize_url

            rows = self._rows(
                "SELECT id FROM articles WHERE normalized_url = ? OR url = ? LIMIT 1",
                [normalize_url(text), text])
        if not rows:
            raise ArticleNotFoundError(
                str(self.path), f"no article with id or URL {text!r}",
                "find one with `broadsheet search`",
            )
        return int(rows[0][0])

    def get(self, article_id: int) -> ArchivedArticle:
        """The current version of an article.

        Raises:
            ArticleNotFoundError: no article has that id.
        """
        return self._current(article_id)[0]

    def _current(self, article_id: int) -> tuple[ArchivedArticle, str]:
        """``get(article_id)`` and the content hash stored with it."""
        rows = self._rows(
            f"SELECT id, version, {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",
            [article_id])
        if not rows:
            raise ArticleNotFoundError(
                str(self.path), f"no article with id {article_id}",
                "find one with `broadsheet search`",
            )
        from desktop.data.article import ArchivedArticle

        row = rows[0]
        article = self._article(row[2:])
        return ArchivedArticle(row[0], article, row[1], row[-1]), str(row[-2])

    def versions(self, article_id: int) -> list[ArticleVersion]:
        """Every version of an article, oldest first; the last one is the current article.

        Each carries the content hash the import stored for it.
        """
        current, current_hash = self._current(article_id)
        # Asked each time: an import may upgrade a schema-1 archive while it is open.
        version_columns = {r[1] for r in self._rows("PRAGMA table_info(article_versions)")}
        columns = (_ARTICLE_COLUMNS if "body_text" in version_columns
                   else _V1_VERSION_COLUMNS)
        rows = self._rows(
            f"SELECT version, superseded_at, {columns} FROM article_versions "
            "WHERE article_id = ? ORDER BY version", [article_id])
        from desktop.data.article import ArticleVersion

        earlier = []
        for version, superseded_at, *values in rows:
            article = self._article(tuple(values))
            content_hash, imported_at = values[-2:]
            earlier.append(ArticleVersion(
                version, imported_at, superseded_at, content_hash, article.source_file, article))
        a = current.article
        last = ArticleVersion(
            current.versions, current.imported_at, None, current_hash, a.source_file, a)
        return [*earlier, last]

    def _article(self, row: tuple[Any, ...]) -> Article:
        """An Article from the columns listed in ``_ARTICLE_COLUMNS``, in that order.

        Raises:
            ArchiveError: the stored blocks do not read back (a damaged archive).
        """
        try:
            return _article(row)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise ArchiveError(
                str(self.path), f"cannot read an article of the archive: {exc}",
                "rebuild it with `broadsheet import`",
            ) from exc

    def ids_imported_since(self, when: str | None) -> list[int]:
        """Ids of the articles whose current version was imported at or after ``when``
        (an ISO time as in ``metadata()["built_at"]``; every article when None), by id."""
        if when is None:
            rows = self._rows("SELECT id FROM articles ORDER BY id")
        else:
            rows = self._rows(
                "SELECT id FROM articles WHERE imported_at >= ? ORDER BY id", [when])
        return [int(r[0]) for r in rows]

    def image(self, image_id: int) -> bytes | None:
        rows = self._rows("SELECT data FROM images WHERE id = ?", [image_id])
        return bytes(rows[0][0]) if rows else None

    # search

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        outlet: str | None = None,
        section: str | None = None,
    ) -> list[SearchHit]:
        """Articles matching ``query`` in title, body or captions, best first (bm25).

        ``section`` matches that section path and everything below it. Any text at all is a
        valid query; text with no searchable word gives no hits.

        Raises:
            QueryInterruptedError: ``interrupt()`` cancelled the search.
        """
        match = to_fts_query(query)
        if match is None or limit <= 0:
            return []
        return self._search(self._full, match, limit, outlet, section)

    def search_titles(
        self,
        query: str,
        *,
        limit: int = 50,
        outlet: str | None = None,
        section: str | None = None,
    ) -> list[SearchHit]:
        """Like ``search`` but in titles only: far fewer matches to rank, so it answers first.

        Title matches are also what ``search`` ranks highest, so the window can show these
        while typing and replace them with ``search``'s full page when it arrives. The
        snippet is the title with its matched words marked.

        It asks the archive's small index of titles, whose lists of matches are a fraction of
        the full index's for a common word; an archive without one (or with one an older
        importer left behind) is searched in the title column of the full index instead.
        """
        match = to_fts_query(query)
        if match is None or limit <= 0:
            return []
        if self._title_index:
            return self._search(self._titles, match, limit, outlet, section)
        return self._search(self._full, f"{{title}} : ({match})", limit, outlet, section)

    def _search(
        self, index: _Index, match: str, limit: int, outlet: str | None, section: str | None
    ) -> list[SearchHit]:
        """Rank first, then make snippets for the page only: snippet() on every match of a
        common word would cost more than the ranking itself."""
        ids = self._ranked_ids(index, match, limit, outlet, section)
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        fts = index.table
        # "+rowid" keeps the id list from the index, which then makes one pass over the
        # matches: cheaper than a lookup per hit for short lists (titles), and for prefix
        # terms, whose list FTS5 merges anew from every word with the prefix on each lookup.
        one_pass = index.short_lists or has_prefix(match)
        rowid = f"+{fts}.rowid" if one_pass else f"{fts}.rowid"
        rows = self._rows(
            f"SELECT a.id, a.url, a.title, a.outlet, a.section, {index.snippet} "
            f"FROM {fts} JOIN articles a ON a.id = {fts}.rowid "
            f"WHERE {fts} MATCH ? AND {rowid} IN ({marks})",
            [match, *ids],
        )
        hits = {
            r[0]: SearchHit(r[0], r[1], r[2], r[3], _section(r[4]), snippet_parts(r[5]))
            for r in rows
        }
        return [hits[i] for i in ids if i in hits]

    def _ranked_ids(
        self, index: _Index, match: str, limit: int, outlet: str | None, section: str | None
    ) -> list[int]:
        fts = index.table
        filters = facet_filter(outlet, section) if index.facets else None
        if filters is not None:
            # FTS5 intersects the match with the filter's own short lists.
            rows = self._rows(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? "
                f"ORDER BY {index.rank}, rowid LIMIT ?",
                [f"({match}) AND {filters}", limit],
            )
            return [int(r[0]) for r in rows]
        where = [f"{fts} MATCH ?"]
        params: list[Any] = [match]
        if outlet is not None:
            where.append("a.outlet = ?")
            params.append(outlet)
        if section:
            where.append("(a.section = ? OR substr(a.section, 1, ?) = ?)")
            params += [section, len(section) + 1, section + "/"]
        join = f"JOIN articles a ON a.id = {fts}.rowid " if len(where) > 1 else ""
        rows = self._rows(
            f"SELECT {fts}.rowid FROM {fts} {join}WHERE {' AND '.join(where)} "
            f"ORDER BY {index.rank}, {fts}.rowid LIMIT ?",
            [*params, limit],
        )
        return [int(r[0]) for r in rows]


def _summary(row: tuple[Any, ...]) -> ArticleSummary:
    return ArticleSummary(row[0], row[1], row[2], _section(row[3]), row[4], row[5], row[6])


def _blocks(blocks: str, body_text: str | None, captions_text: str | None) -> tuple[Block, ...]:
    """Stored blocks of either schema: a layout into the two texts (schema 2), or the
    ``show --json`` blocks (schema 1: a list of objects). Told apart by the row, not the
    archive: an import may upgrade the file while it is open here."""
    from desktop.data.article import blocks_from_json, blocks_from_storage

    if blocks.startswith("[{"):
        return blocks_from_json(json.loads(blocks))
    if body_text is None or captions_text is None:
        if blocks == "[]":  # no blocks: the same in both schemas
            return ()
        raise ValueError("an article's text is missing")
    return blocks_from_storage(blocks, body_text, captions_text)


def _article(row: tuple[Any, ...]) -> Article:
    """An Article from the columns listed in ``_ARTICLE_COLUMNS``, in that order."""
    from desktop.data.article import Article

    (url, normalized_url, domain, outlet, section, date, title, score, comments, blocks,
     body_text, captions_text, source_file, warnings, _content_hash, _imported_at) = row
    return Article(
        url=url,
        normalized_url=normalized_url,
        domain=domain,
        outlet=outlet,
        section=_section(section),
        date=date,
        title=title,
        score=score,
        comments=comments,
        blocks=_blocks(blocks, body_text, captions_text),
        source_file=source_file,
        warnings=tuple(json.loads(warnings)),
    )
