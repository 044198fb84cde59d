"""The import step: seed files into a SQLite archive. The only module that imports sqlite_utils.

No Qt imports: the CLI and the window's import dialog both call ``import_seeds`` and get an
``ImportReport`` back; progress goes through a plain ``progress(done, total)`` callback.
Reading the archive is ``archive.py``'s job, not this module's.

Rules kept here:
- Idempotent and incremental: an article is keyed by its normalised URL. The same URL with the
  same content hash is unchanged; the same URL with new content replaces the row and the earlier
  version is kept in full in ``article_versions``. An import never deletes an article.
- Files are imported one after another in a fixed order (the order given, each folder sorted),
  so duplicate URLs within one import give the same archive every time: the later file becomes
  the newer version.
- Rows are written in batches inside transactions (of one batch, or of several in a new
  archive): a crash leaves the archive as it was before the transaction. The search indexes
  (the full one, and a small one of titles alone for the first results while typing) are
  updated row by row inside each batch, except in a bulk load parsed in this process: that
  builds them after the rows, which costs less in all (an ``fts_stale`` flag in ``meta``
  makes the next import finish the job if this one dies first). When workers parse, this
  process would only wait for them, so it indexes each batch while they parse the next.
- Each text is stored once (schema 2): ``body_text`` and ``captions_text`` are what the search
  index reads, and ``blocks`` is a small layout pointing into them (``article.StoredBlocks``).
  An archive of schema 1 is upgraded in place, in one transaction, by the next import.
- A new archive is written without a disk sync per batch (nothing in it can be lost yet) and
  gets its list indexes after the rows; its last commit syncs it all.
- A file whose exact bytes were imported before (``seed_files``, keyed by SHA-256) is counted
  unchanged without being parsed again. A file whose resolved path, size and modification
  time (in ns) are those ``seed_stats`` recorded when it was last read is counted unchanged
  without even being read, as git's index and rsync do: **a file rewritten with the same size
  and the same modification time is assumed unchanged.** A time is recorded only when it was
  at least ``_STAT_SETTLE_NS`` old when the file was read, so a file written again within the
  same clock tick is still read next time. Both tables are emptied whenever the parser
  changes.
- Import late: a re-import that reads no file loads neither the parser, nor
  ``multiprocessing``, nor ``sqlite_utils`` (creating tables and compacting need it).
- With ``workers`` > 1, files are read, hashed and parsed in forked processes, and articles
  reach this process as ready rows, which it writes while they parse the next files.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as _dt
import functools
import hashlib
import itertools
import json
import operator
import os
import signal
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from desktop import __version__
from desktop.data.archive import (
    OUTLET_COUNTS_KEY,
    OUTLET_COUNTS_TABLE,
    SCHEMA_VERSION,
    TITLE_INDEX_KEY,
    TITLE_INDEX_TABLE,
)
from desktop.data.article import Article, blocks_from_json, hash_content, store_blocks
from desktop.data.search import FACETS_COLUMN, facet_tokens
from desktop.errors import ArchiveError, SeedError

if TYPE_CHECKING:
    import concurrent.futures

    import sqlite_utils

FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "body_text", "captions_text", FACETS_COLUMN)
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
# The search indexes and the columns each holds: everything, and titles alone (a small
# index that answers the first results while the user types). Both hold the facets (outlet
# and section tokens) that search filters match.
_FTS_INDEXES = {FTS_TABLE: FTS_COLUMNS, TITLE_INDEX_TABLE: ("title", FACETS_COLUMN)}
BATCH_SIZE = 500
# A new archive indexed as it is written (parse workers) takes longer transactions, of several
# batches: the end of each transaction writes the search index's new words out as one more
# segment for FTS5 to merge later, and a new archive has nothing to lose to a longer
# transaction. The batches stay small, so the writer keeps taking parsed files (and the
# workers keep parsing) between them.
_FRESH_TRANSACTION_FILES = 5000
# Fewer seeds to parse than this are parsed in-process: starting workers would cost more.
_MIN_PARALLEL = 64
# Files per task handed to a parse worker.
_CHUNK = 16
# An import of at least this many files per article already archived rebuilds the search
# index after the rows (faster in bulk); a smaller one updates it row by row in each batch.
_REBUILD_RATIO = 1.0
# Bytes of terms the search index gathers in memory before writing them out (FTS5 option
# 'hashsize'), during a bulk build.
_FTS_BULK_HASHSIZE = 64 * 1024 * 1024
# A file's size and modification time are trusted next time only when the time was at
# least this old when the file was read: a rewrite within one tick of a coarse file-system
# clock (2 s on FAT) keeps the time, and perhaps the size.
_STAT_SETTLE_NS = 2_000_000_000
# Opening a seed to read its bytes (binary on Windows too, where os.open reads text).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
# The sources of the code that turns seed bytes into an article (beside this module).
_PARSER_SOURCES = ("seed.py", "urls.py", "article.py")

Progress = Callable[[int, int], None]

_ARTICLE_COLUMNS: dict[str, type] = {
    "id": int,
    "normalized_url": str,
    "url": str,
    "domain": str,
    "outlet": str,
    "section": str,
    "date": str,
    "title": str,
    "score": int,
    "comments": int,
    "word_count": int,
    "content_hash": str,
    "source_file": str,
    "imported_at": str,
    "version": int,
    "warnings": str,
    "blocks": str,
    "body_text": str,
    "captions_text": str,
    FACETS_COLUMN: str,  # search.facet_tokens(outlet, section), for the search indexes
}
_NOT_NULL = {
    "normalized_url", "url", "domain", "outlet", "section", "title", "word_count",
    "content_hash", "imported_at", "version", "warnings", "blocks", "body_text", "captions_text",
}
# An earlier version keeps every article column (its text too: the blocks point into it),
# plus when it was replaced; it is not searched, so it needs no facets.
_VERSION_COLUMNS = [c for c in _ARTICLE_COLUMNS if c not in ("id", FACETS_COLUMN)]
# The columns of an article's row that its parse gives, in the order ``_Item.row`` holds
# them; the writer puts its own three first (``_ROW_COLUMNS``), the order rows are written in.
_WRITER_COLUMNS = ("id", "version", "imported_at")
_PARSED_COLUMNS = tuple(c for c in _ARTICLE_COLUMNS if c not in _WRITER_COLUMNS)
_ROW_COLUMNS = (*_WRITER_COLUMNS, *_PARSED_COLUMNS)
_HASH_AT = _PARSED_COLUMNS.index("content_hash")
# A row's values for each search index (rowid first), and for an earlier version (id first).
_FTS_VALUES = {
    table: operator.itemgetter(*(_ROW_COLUMNS.index(c) for c in ("id", *columns)))
    for table, columns in _FTS_INDEXES.items()
}
_VERSION_VALUES = operator.itemgetter(*(_ROW_COLUMNS.index(c) for c in ("id", *_VERSION_COLUMNS)))
_VERSION_ROW_COLUMNS = ("article_id", *_VERSION_COLUMNS, "superseded_at")
_SEED_COLUMNS = ("digest", "normalized_url", "warnings")

# Keyset-friendly: the tree groups by outlet and section and lists a section in four orders.
_INDEXES = {
    "idx_articles_title": "outlet, section, title COLLATE NOCASE, id",
    "idx_articles_score": "outlet, section, score DESC, id",
    "idx_articles_comments": "outlet, section, comments DESC, id",
    "idx_articles_date": "outlet, section, date DESC, id",
    # Merging a newer bundled archive asks for the articles imported since its last merge.
    "idx_articles_imported_at": "imported_at",
}


@dataclass
class ImportReport:
    """What one import did: counts, every rejected file with its reason, every warning."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """The CLI summary line."""
        return (
            f"imported {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected, {len(self.warnings)} warnings"
        )


def import_seeds(
    paths: Iterable[str | os.PathLike[str]],
    db_path: str | os.PathLike[str],
    *,
    compact: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
) -> ImportReport:
    """Import seed files and folders (recursive ``*.txt``) into the archive at ``db_path``.

    A bad seed never stops the import: it is listed in ``ImportReport.rejected``. With
    ``workers`` > 1, seeds are parsed in that many forked processes (for the command line; a
    program with threads keeps 1). The result is the same either way. A file with the size
    and modification time it had when an earlier import read it is taken as unchanged
    without being read (see the module docstring).

    Raises:
        ArchiveError: the archive cannot be created, written or is not a Broadsheet archive.
    """
    report = ImportReport()
    files = _collect(paths, report)

    def batches(writer: _ArchiveWriter) -> Iterator[list[_Item]]:
        return _file_batches(files, writer, report, progress, workers)

    # Workers are forked (see _preparer); os.fork exists where that start method does.
    return _run(batches, Path(db_path), len(files), compact, report,
                index_as_you_go=workers > 1 and hasattr(os, "fork"))


def store_articles(
    articles: Iterable[tuple[str, Article]],
    db_path: str | os.PathLike[str],
    *,
    compact: bool = False,
) -> ImportReport:
    """Store already-parsed articles, each with its source file, exactly as an import would."""
    items = [_parsed_item(source, article) for source, article in articles]

    def batches(writer: _ArchiveWriter) -> Iterator[list[_Item]]:
        return (items[i:i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE))

    return _run(batches, Path(db_path), len(items), compact, ImportReport())


def set_meta(db_path: str | os.PathLike[str], **values: str) -> None:
    """Record keys in the archive's ``meta`` table (``Archive.metadata()`` reads them).

    Raises:
        ArchiveError: the archive cannot be written or is not a Broadsheet archive.
    """
    path = Path(db_path)
    if not path.is_file():
        raise ArchiveError(str(path), "no archive here", "check the path")
    writer = _ArchiveWriter(path, 0)
    try:
        with writer.atomic():
            writer.set_meta(**values)
    except sqlite3.Error as exc:
        raise _archive_error(path, exc) from exc
    finally:
        writer.close()


def parse_seed(path: Path) -> Article:
    """``seed.parse_seed``; the parser is imported when a file first needs parsing."""
    from desktop.data import seed

    return seed.parse_seed(path)


def parse_seed_bytes(data: bytes, source: str) -> Article:
    """``seed.parse_seed_bytes``; the parser is imported when a file first needs parsing."""
    from desktop.data import seed

    return seed.parse_seed_bytes(data, source)


# --- finding and parsing files ------------------------------------------------------------

# A seed file to import: its path as given or found (what reports and ``source_file`` say)
# and its resolved path (the same file reached twice is imported once; ``seed_stats`` key).
_File = tuple[str, str]


def collect_seed_files(
    paths: Iterable[str | os.PathLike[str]], report: ImportReport
) -> list[Path]:
    """The files to import, in import order; a missing path or an escaping symlink is rejected."""
    return [Path(source) for source, _ in _collect(paths, report)]


def _collect(paths: Iterable[str | os.PathLike[str]], report: ImportReport) -> list[_File]:
    """``collect_seed_files`` as path strings, each with its resolved path."""
    files: list[_File] = []
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _folder_seeds(path, report)
            if not found:
                report.warnings.append((str(path), "no *.txt seed files in this folder"))
        elif path.exists() or path.is_symlink():
            found = [(str(path), os.path.realpath(path))]
        else:
            report.rejected.append((str(path), "no such file or folder"))
            continue
        for file in found:
            if file[1] not in seen:
                seen.add(file[1])
                files.append(file)
    return files


def _folder_seeds(folder: Path, report: ImportReport) -> list[_File]:
    """Every ``*.txt`` under ``folder``, sorted (a folder's files, then its subfolders), each
    with its real path; symlinks never lead out of the folder, and symlinked folders are not
    entered."""
    root = os.path.realpath(folder)
    found: list[_File] = []

    def visit(path: str, real: str) -> None:
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            return  # as os.walk: an unreadable folder is left out
        folders = []
        prefix = real if real.endswith(os.sep) else real + os.sep
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    folders.append(entry)
            elif entry.name.endswith(".txt"):
                key = prefix + entry.name  # os.path.join, at a fraction of the cost
                if entry.is_symlink():
                    key = os.path.realpath(entry.path)
                    if not Path(key).is_relative_to(root):
                        report.rejected.append(
                            (entry.path,
                             "a symbolic link to a file outside the folder; not followed")
                        )
                        continue
                found.append((entry.path, key))
        for entry in folders:
            visit(entry.path, os.path.join(real, entry.name))

    visit(str(folder), root)
    return found


class _Item(NamedTuple):
    """One seed to store: its parsed article as the values of ``_PARSED_COLUMNS``, or None
    when it was imported before (then ``url`` and ``warnings`` come from that import).

    Built where the seed was parsed, in a worker when there are workers: tuples cost less
    to send between processes, and to write, than dicts in dataclasses did (the writer ran
    6% fewer instructions an article, the worker 2%).
    ``digest`` is the SHA-256 of the bytes read (None when the file was not read, or not as
    a regular file), ``key`` the resolved path and ``stat`` its (size, modification time)
    before the read; None when they are too fresh to trust next time.
    """

    source: str
    url: str
    warnings: tuple[str, ...]
    row: tuple[Any, ...] | None
    digest: bytes | None = None
    key: str = ""
    stat: tuple[int, int] | None = None


def _parsed_item(
    source: str,
    article: Article,
    digest: bytes | None = None,
    key: str = "",
    seen: tuple[int, int] | None = None,
) -> _Item:
    row = _article_values(source, article)
    return _Item(source, article.normalized_url, article.warnings, row, digest, key, seen)


def _read_seed(source: str) -> tuple[bytes, tuple[int, int] | None] | None:
    """The bytes of a regular file small enough to import, with its (size, modification
    time) when they are old enough to trust next time; None to let ``parse_seed`` say why
    not (never blocking on a pipe or device named like a seed)."""
    from desktop.data.seed import MAX_SEED_BYTES

    try:
        info = os.stat(source)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SEED_BYTES:
            return None
        # Taken before the read: a write after it changes the time that is recorded.
        settled = time.time_ns() - info.st_mtime_ns >= _STAT_SETTLE_NS
        # os.read, not open(): the file object costs more than the read of a small file.
        fd = os.open(source, _READ_FLAGS)
        try:
            parts = [os.read(fd, info.st_size + 1)]
            while parts[-1]:  # until the end, wherever that is now
                parts.append(os.read(fd, 1 << 16))
        finally:
            os.close(fd)
        data = b"".join(parts) if len(parts) > 2 else parts[0]
    except (OSError, ValueError):
        return None
    settled = settled and len(data) == info.st_size
    return data, ((info.st_size, info.st_mtime_ns) if settled else None)


# A ``seed_stats`` row as looked up: size, modification time, the URL and warnings (a JSON
# list) of the seed read then.
_Stat = tuple[int, int, str, str]


def _warnings(stored: str) -> tuple[str, ...]:
    """Warnings stored as a JSON list (nearly always empty)."""
    return () if stored == "[]" else tuple(json.loads(stored))


def _stat_known(file: _File, stats: dict[str, _Stat]) -> _Item | None:
    """The file as an unchanged item, unread, when its size and modification time are the
    ones recorded when it was last read; else None."""
    known = stats.get(file[1])
    if known is None:
        return None
    try:
        info = os.stat(file[0])
    except (OSError, ValueError):
        return None
    if (info.st_size, info.st_mtime_ns) != known[:2] or not stat.S_ISREG(info.st_mode):
        return None
    return _Item(file[0], known[2], _warnings(known[3]), None)


class _SeedCache:
    """The seed files imported before, looked up by the SHA-256 of their bytes.

    In this process it asks the writer's connection, between batches. Forked parse workers
    get a copy with every row in memory instead (``in_memory``): a worker reading the file
    while the writer holds it locked would wait for the batch to be written.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._rows: dict[bytes, tuple[str, str]] | None = None

    def in_memory(self) -> _SeedCache:
        """A copy that holds every row and never touches the database (itself if it is one)."""
        if self._rows is not None:
            return self
        copy = _SeedCache(self._conn)
        copy._rows = {
            bytes(digest): (str(url), str(warnings))
            for digest, url, warnings in self._conn.execute(
                "SELECT digest, normalized_url, warnings FROM seed_files")
        }
        return copy

    def get(self, digest: bytes) -> tuple[str, tuple[str, ...]] | None:
        """The normalised URL and the warnings of the seed with this digest, or None."""
        if self._rows is not None:
            found = self._rows.get(digest)
        else:
            row = self._conn.execute(
                "SELECT normalized_url, warnings FROM seed_files WHERE digest = ?", [digest]
            ).fetchone()
            found = None if row is None else (str(row[0]), str(row[1]))
        return None if found is None else (found[0], _warnings(found[1]))


def _prepare(file: _File, cache: _SeedCache) -> _Item | str:
    """One seed file as an item to store, or the reason it is rejected.

    A file whose exact bytes were imported before is not parsed again. Returns instead of
    raising, because it runs in worker processes too.
    """
    source, key = file
    read = _read_seed(source)
    try:
        if read is None:
            return _parsed_item(source, parse_seed(Path(source)))  # which says why, or parses
        data, seen = read
        digest = hashlib.sha256(data).digest()
        return _cached_item(file, digest, seen, cache) or _parsed_item(
            source, parse_seed_bytes(data, source), digest, key, seen
        )
    except SeedError as exc:
        return exc.reason


def _cached_item(
    file: _File, digest: bytes, seen: tuple[int, int] | None, cache: _SeedCache
) -> _Item | None:
    """The seed as an unchanged item when bytes with this digest were imported before."""
    known = cache.get(digest)
    if known is None:
        return None
    return _Item(file[0], known[0], known[1], None, digest, file[1], seen)


def _known_file(file: _File, cache: _SeedCache) -> _Item | None:
    """The file as an unchanged item when its exact bytes were imported before, else None."""
    read = _read_seed(file[0])
    if read is None:
        return None
    return _cached_item(file, hashlib.sha256(read[0]).digest(), read[1], cache)


_worker_cache: _SeedCache | None = None


def _start_worker(cache: _SeedCache) -> None:
    """Set up a parse worker: it ignores Ctrl+C (the main process stops the import and says
    so, once) and looks seeds up in ``cache``."""
    global _worker_cache
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_cache = cache


def _prepare_chunk(files: Sequence[_File]) -> list[_Item | str]:
    """``_prepare`` over a few files in a worker: one task per chunk keeps the cost of
    passing tasks and results between processes small next to the parsing."""
    assert _worker_cache is not None, "_start_worker sets up every worker"
    return [_prepare(file, _worker_cache) for file in files]


def _bounded_map(
    pool: concurrent.futures.Executor, files: Sequence[_File], chunk: int, window: int
) -> Iterator[_Item | str]:
    """``_prepare`` over ``files`` in order, in chunks, never more than ``window`` chunks
    ahead of the caller (so a slow writer never piles parsed articles up in memory)."""
    chunks = (files[i:i + chunk] for i in range(0, len(files), chunk))
    pending: collections.deque[concurrent.futures.Future[list[_Item | str]]] = (
        collections.deque()
    )
    for part in itertools.islice(chunks, window):
        pending.append(pool.submit(_prepare_chunk, part))
    while pending:
        results = pending.popleft().result()
        for part in itertools.islice(chunks, 1):
            pending.append(pool.submit(_prepare_chunk, part))
        yield from results


@contextlib.contextmanager
def _preparer(
    workers: int, cache: _SeedCache, count: int
) -> Iterator[Callable[[Sequence[_File]], Iterator[_Item | str]]]:
    """A function preparing files in order: in ``workers`` forked processes when that is
    worth it and possible (this process then writes while they read, hash and parse), else
    in this process.

    Only fork is used: it needs no re-entry into the program (frozen bundles included). Callers
    with threads (the window) keep ``workers=1``. ``multiprocessing`` is imported only then.
    """
    if workers <= 1 or count < _MIN_PARALLEL:
        yield lambda files: (_prepare(file, cache) for file in files)
        return
    pools: list[concurrent.futures.ProcessPoolExecutor] = []

    def prepare(files: Sequence[_File]) -> Iterator[_Item | str]:
        # Files imported before only need reading and hashing, cheaper here than starting
        # workers. From the first file that needs parsing on, workers take the rest.
        start = 0
        for file in files:
            item = _known_file(file, cache)
            if item is None:
                break
            yield item
            start += 1
        if start == len(files):
            return
        import concurrent.futures
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            yield from (_prepare(file, cache) for file in files[start:])
            return
        pools.append(concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker, initargs=(cache.in_memory(),),
        ))
        # Enough chunks ahead to keep the workers parsing while this process writes a batch:
        # with only 4 per worker (and batches of 5000), each worker sat idle for 1.6 s of its
        # 13 s in a 10,000-seed import on 2 cores.
        window = max(4 * workers, BATCH_SIZE // _CHUNK)
        yield from _bounded_map(pools[0], files[start:], _CHUNK, window)

    try:
        yield prepare
    finally:
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)


def _file_batches(
    files: Sequence[_File],
    writer: _ArchiveWriter,
    report: ImportReport,
    progress: Progress | None,
    workers: int,
) -> Iterator[list[_Item]]:
    """The files as batches of items, in order; rejected files go into the report instead.

    Files whose size and time match ``seed_stats`` are known without being read (the table
    is read in one query); the rest are read, hashed and, when new, parsed. Progress moves
    file by file, for files already imported as much as for new ones.
    """
    total = len(files)
    if progress is not None:
        progress(0, total)
    stats = writer.seed_stats(None if total >= _MIN_PARALLEL else [key for _, key in files])
    known = [_stat_known(file, stats) for file in files] if stats else [None] * total
    todo = [file for file, item in zip(files, known, strict=True) if item is None]
    cache = _SeedCache(writer.conn)
    if len(todo) >= _MIN_PARALLEL:
        cache = cache.in_memory()  # one query instead of one per file
    size = writer.batch_size()
    with _preparer(workers, cache, len(todo)) as prepare:
        prepared = prepare(todo)
        batch: list[_Item] = []
        for done, (file, item) in enumerate(zip(files, known, strict=True), start=1):
            result = item if item is not None else next(prepared)
            if isinstance(result, str):
                report.rejected.append((file[0], result))
            else:
                batch.append(result)
            if progress is not None:
                progress(done, total)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


# --- writing ------------------------------------------------------------------------------

def _run(
    batches: Callable[[_ArchiveWriter], Iterator[list[_Item]]],
    db_path: Path,
    expected: int,
    compact: bool,
    report: ImportReport,
    *,
    index_as_you_go: bool = False,
) -> ImportReport:
    writer = _ArchiveWriter(db_path, expected, index_as_you_go)
    try:
        for batch in batches(writer):
            writer.write_batch(batch, report)
        writer.commit()
        writer.finish(compact)
    except sqlite3.Error as exc:
        raise _archive_error(db_path, exc) from exc
    finally:
        writer.close()
    return report


def _archive_error(db_path: Path, exc: sqlite3.Error) -> ArchiveError:
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and "locked" in text:
        return ArchiveError(
            str(db_path), "the archive is busy", "close other programs using it and try again"
        )
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in text:
        return ArchiveError(
            str(db_path), "not an SQLite archive (corrupt, or another kind of file)",
            "choose another --db",
        )
    return ArchiveError(
        str(db_path), f"cannot write the archive: {text}",
        "check the disk and that the file is writable, or choose another --db",
    )


def _connect(db_path: Path) -> sqlite3.Connection:
    """Open (or create) the archive for writing; ArchiveError when that is impossible."""
    if db_path.is_dir():
        raise ArchiveError(str(db_path), "is a folder, not an archive file", "give a file name")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            str(db_path), f"cannot create the archive's folder: {exc.strerror or exc}",
            "choose another --db",
        ) from exc
    try:
        return sqlite3.connect(db_path, timeout=10)
    except sqlite3.Error as exc:
        raise ArchiveError(
            str(db_path), f"cannot open the archive for writing: {exc}", "choose another --db"
        ) from exc


def _parser_fingerprint() -> str:
    """Identifies the code that turns seed bytes into an article: the app version, plus the
    parser's source when it is readable (it is not inside a frozen bundle). Read from the
    files, not the modules: the parser is not imported until a file needs parsing."""
    digest = hashlib.sha256(__version__.encode())
    here = Path(__file__).parent
    for name in _PARSER_SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            pass
    return digest.hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _json_list(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values else "[]"


def _article_values(source: str, article: Article) -> tuple[Any, ...]:
    """The article's values of ``_PARSED_COLUMNS``, in that order."""
    section = article.section_path
    # The article serialised its blocks once (stored_blocks) for the hash and for this.
    stored = article.stored_blocks
    return (
        article.normalized_url, article.url, article.domain, article.outlet, section,
        article.date, article.title, article.score, article.comments, article.word_count,
        article.content_hash, source, _json_list(article.warnings), stored.layout,
        stored.body_text, stored.captions_text, _facets(article.outlet, section),
    )


@functools.lru_cache(maxsize=1024)
def _facets(outlet: str, section: str) -> str:
    """``search.facet_tokens``, cached: a corpus has few outlets and sections, and each of
    their tokens is a hash."""
    return facet_tokens(outlet, section)


def _article_row(
    source: str,
    article: Article,
    content_hash: str,
    article_id: int,
    version: int,
    imported_at: str,
) -> dict[str, Any]:
    """The whole ``articles`` row as a dict (the benchmark's baseline loads these)."""
    row = dict(zip(_ROW_COLUMNS, (article_id, version, imported_at,
                                  *_article_values(source, article)), strict=True))
    row["content_hash"] = content_hash
    return {c: row[c] for c in _ARTICLE_COLUMNS}


def _seed_row(item: _Item) -> tuple[Any, ...]:
    """The item's ``seed_files`` row (``_SEED_COLUMNS``)."""
    return item.digest, item.url, _json_list(item.warnings)


@dataclass
class _Known:
    """One archived URL: its id, current version number and the content hash of every version."""

    id: int
    version: int
    hashes: set[str] = field(default_factory=set)


@dataclass
class _Batch:
    """The changes one batch writes in its transaction."""

    # url -> new current row (``_ROW_COLUMNS``)
    rows: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # earlier versions not in the archive (``_VERSION_ROW_COLUMNS``)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    replaced_ids: list[int] = field(default_factory=list)  # db rows to copy to versions
    seeds: list[tuple[Any, ...]] = field(default_factory=list)  # seed_files rows
    stats: list[tuple[str, int, int, bytes]] = field(default_factory=list)  # seed_stats rows


class _ArchiveWriter:
    """One write connection to the archive for the length of an import.

    It talks plain ``sqlite3``; ``db`` (sqlite-utils on the same connection) is imported on
    first use, to create tables and to compact, so an import that only finds every file
    unchanged never loads it.
    """

    def __init__(self, db_path: Path, expected: int, index_as_you_go: bool = False) -> None:
        """``index_as_you_go``: update the search indexes in each batch even in a bulk load
        (when workers parse, the time would otherwise be spent waiting for them)."""
        self.db_path = db_path
        new_file = not db_path.exists() or db_path.stat().st_size == 0
        self.conn = _connect(db_path)
        self._db: sqlite_utils.Database | None = None
        if new_file:
            # A new archive has nothing to lose to a power cut yet, so its batches skip the
            # disk syncs (a crash of the program still rolls a batch back); finish() commits
            # last with the default FULL, which makes the whole file durable.
            self.conn.execute("PRAGMA synchronous = OFF")
        self.imported_at = _now()
        self.changed = False
        self.seen: dict[str, str] = {}  # url -> first source file in this import
        try:
            self._ensure_schema()
            existing = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            stale = self._meta("fts_stale") == "1"
        except sqlite3.Error as exc:
            self.close()
            raise _archive_error(db_path, exc) from exc
        except ArchiveError:
            self.close()
            raise
        bulk = expected >= existing * _REBUILD_RATIO
        self.rebuild_fts = stale or (bulk and not index_as_you_go)
        self.fresh_index = existing == 0 and not self.rebuild_fts
        # An archive empty before this import holds only the URLs it wrote since: a batch
        # looks up only those of its URLs (on a bulk load, looking up all of them, each new
        # one a search of the growing index, took 2% of this process's instructions).
        self._written: set[str] | None = set() if existing == 0 else None
        # Files per transaction, and how many went into the open one.
        self._transaction_files = _FRESH_TRANSACTION_FILES if self.fresh_index else BATCH_SIZE
        self._files_in_transaction = 0
        if self.fresh_index:
            with self.atomic():
                self._set_hashsize()

    def batch_size(self) -> int:
        """Files per batch."""
        return min(BATCH_SIZE, self._transaction_files)

    def _set_hashsize(self) -> None:
        """FTS5 writes its in-memory terms out whenever they pass 'hashsize' (1 MB by
        default), then merges what it wrote; a bulk build with a larger buffer writes far
        fewer, larger segments and merges much less. The setting is kept in the archive."""
        for table in _FTS_INDEXES:
            self.conn.execute(
                f"INSERT INTO {table}({table}, rank) VALUES('hashsize', {_FTS_BULK_HASHSIZE})"
            )

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils on this connection (imported here: about 0.1 s)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction, committed at the end or rolled back on any exception (as
        sqlite-utils' ``atomic``, without loading it)."""
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # schema

    def _ensure_schema(self) -> None:
        tables = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = SCHEMA_VERSION
        if "meta" in tables:
            version = self._check_version()
        elif tables:
            raise ArchiveError(
                str(self.db_path), "is an SQLite database but not a Broadsheet archive",
                "choose another --db",
            )
        # A new archive gets the list indexes after its rows (one sort each instead of an
        # insert into each per row); an archive whose first import died before that gets
        # them now.
        self.indexes_pending = "meta" not in tables
        with self.atomic():
            if self.indexes_pending:
                self._create_schema()
            else:
                if version < 2:
                    self._upgrade_from_v1()
                if version < 3:
                    self._upgrade_from_v2()
                elif not set(_FTS_INDEXES) <= tables:
                    # A search index went missing: made anew at the end of this import.
                    self._create_search_indexes()
                    self.set_meta(fts_stale="1")
                self._create_indexes()
            self._ensure_seed_cache(tables)

    def _create_indexes(self) -> None:
        for name, columns in _INDEXES.items():
            self.conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON articles ({columns})")

    def _ensure_seed_cache(self, tables: set[str]) -> None:
        """The tables of seed files read before, emptied when the parser has changed.

        ``seed_files``: by the SHA-256 of their bytes, the URL and warnings they gave (a
        file read again is not parsed). ``seed_stats``: by resolved path, the size and
        modification time the file had when read, and its digest (a file with the same two
        is not read at all).
        """
        if "seed_files" not in tables:
            self.db.create_table(
                "seed_files", {"digest": bytes, "normalized_url": str, "warnings": str},
                pk="digest", not_null={"normalized_url", "warnings"},
            )
        if "seed_stats" not in tables:
            # Small rows looked up by path alone: keyed by it, with no second index.
            self.conn.execute(
                "CREATE TABLE seed_stats (path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
                "mtime_ns INTEGER NOT NULL, digest BLOB NOT NULL) WITHOUT ROWID"
            )
        fingerprint = _parser_fingerprint()
        if self._meta("parser_fingerprint") != fingerprint:
            self.conn.execute("DELETE FROM seed_files")
            self.conn.execute("DELETE FROM seed_stats")
            self.set_meta(parser_fingerprint=fingerprint)

    def seed_stats(self, keys: Sequence[str] | None) -> dict[str, _Stat]:
        """``seed_stats`` joined with ``seed_files``: every row (``keys`` None, one query),
        or those of ``keys`` (a small import into a large archive)."""
        sql = ("SELECT s.path, s.size, s.mtime_ns, f.normalized_url, f.warnings "
               "FROM seed_stats s JOIN seed_files f ON f.digest = s.digest")
        if keys is None:
            rows = self.conn.execute(sql).fetchall()
        else:
            rows = []
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows += self.conn.execute(
                    f"{sql} WHERE s.path IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
        return {path: (size, mtime, url, warnings) for path, size, mtime, url, warnings in rows}

    def _check_version(self) -> int:
        found = self._meta("schema_version")
        if found is None or not found.isdigit():
            raise ArchiveError(
                str(self.db_path), "is not a Broadsheet archive (no schema version)",
                "choose another --db",
            )
        if int(found) > SCHEMA_VERSION:
            raise ArchiveError(
                str(self.db_path), f"was made by a newer Broadsheet (schema {found})",
                "update Broadsheet or choose another --db",
            )
        return int(found)

    def _create_schema(self) -> None:
        db = self.db
        db.create_table("meta", {"key": str, "value": str}, pk="key")
        db.create_table("images", {"id": int, "data": bytes, "mime": str}, pk="id",
                        not_null={"data", "mime"})
        db.create_table("articles", _ARTICLE_COLUMNS, pk="id", not_null=_NOT_NULL)
        db.table("articles").create_index(["normalized_url"], unique=True)
        version_columns: dict[str, Any] = {"article_id": int}
        version_columns |= {c: _ARTICLE_COLUMNS[c] for c in _VERSION_COLUMNS}
        version_columns["superseded_at"] = str
        db.create_table(
            "article_versions", version_columns, pk=("article_id", "version"),
            foreign_keys=[("article_id", "articles", "id")],
        )
        self._create_search_indexes()
        self.set_meta(schema_version=str(SCHEMA_VERSION), fts_stale="0")
        self._stamp()

    def _upgrade_from_v1(self) -> None:
        """Schema 1 to 2, inside the caller's transaction: blocks become layouts pointing
        into ``body_text``/``captions_text`` (which earlier versions gain), and content hashes
        are those of ``Article.content_hash`` now. Nothing is lost: every block of every
        version is rewritten from its schema-1 JSON and reads back the same.

        The space freed is reused by later imports; ``--compact`` gives it back to the disk.

        Raises:
            ArchiveError: a row's blocks cannot be read (the transaction is rolled back).
        """
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(article_versions)")}
        for name in ("body_text", "captions_text"):
            if name not in columns:
                self.conn.execute(f"ALTER TABLE article_versions ADD COLUMN {name} TEXT")
        text_changed = self._upgrade_rows("articles")
        self._upgrade_rows("article_versions")
        # The search index reads body_text and captions_text; they come out the same from
        # the same blocks, but if an archive held other text the index is rebuilt from it.
        self.set_meta(schema_version="2", **({"fts_stale": "1"} if text_changed else {}))

    def _upgrade_from_v2(self) -> None:
        """Schema 2 to 3, inside the caller's transaction.

        Articles gain their ``facets`` and both search indexes a column for them; the
        indexes are built again at the end of this import. ``gallery_items`` goes: it held
        every caption a second time (the blocks' layout and ``captions_text`` hold them all,
        credits included) and nothing read it.
        """
        self.conn.execute(f"ALTER TABLE articles ADD COLUMN {FACETS_COLUMN} TEXT")
        self.conn.create_function("facet_tokens", 2, facet_tokens, deterministic=True)
        self.conn.execute(
            f"UPDATE articles SET {FACETS_COLUMN} = facet_tokens(outlet, coalesce(section, ''))"
        )
        for table in (FTS_TABLE, TITLE_INDEX_TABLE, "gallery_items"):
            self.conn.execute(f"DROP TABLE IF EXISTS {table}")
        self._create_search_indexes()
        self.set_meta(schema_version="3", fts_stale="1")

    def _upgrade_rows(self, table: str) -> bool:
        """Rewrite ``table``'s blocks and hashes from schema 1; whether any stored text
        differed from the blocks'."""
        changed = False
        last = 0
        while True:
            rows = self.conn.execute(
                f"SELECT rowid, title, score, comments, blocks, body_text, captions_text "
                f"FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1000", [last]
            ).fetchall()
            if not rows:
                return changed
            updates = []
            for rowid, title, score, comments, blocks, body, captions in rows:
                try:
                    stored = store_blocks(blocks_from_json(json.loads(blocks)))
                except (ValueError, KeyError, TypeError) as exc:
                    raise ArchiveError(
                        str(self.db_path),
                        f"cannot upgrade the archive: row {rowid} of {table} is damaged "
                        f"({exc})",
                        "import the seeds into a new archive with --db",
                    ) from exc
                if body is not None and (body, captions) != (
                    stored.body_text, stored.captions_text
                ):
                    changed = True
                updates.append((
                    stored.layout, hash_content(title, score, comments, stored),
                    stored.body_text, stored.captions_text, rowid,
                ))
            self.conn.executemany(
                f"UPDATE {table} SET blocks = ?, content_hash = ?, body_text = ?, "
                "captions_text = ? WHERE rowid = ?", updates,
            )
            last = rows[-1][0]

    def _create_search_indexes(self) -> None:
        """Both search indexes, empty: external content (they read the text from
        ``articles``), filled by ``'rebuild'`` or row by row."""
        for table, columns in _FTS_INDEXES.items():
            self.conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(columns)}, "
                f"content='articles', content_rowid='id', tokenize='{FTS_TOKENIZE}')"
            )


    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, **values: str) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
        )

    def _stamp(self) -> None:
        """Record when the archive was last written, and that the title index and the outlet
        counts (counted again here) are as new."""
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {OUTLET_COUNTS_TABLE} "
            "(outlet TEXT PRIMARY KEY, count INTEGER NOT NULL)"
        )
        self.conn.execute(f"DELETE FROM {OUTLET_COUNTS_TABLE}")
        self.conn.execute(
            f"INSERT INTO {OUTLET_COUNTS_TABLE} (outlet, count) "
            "SELECT outlet, count(*) FROM articles GROUP BY outlet"
        )
        now = _now()
        self.set_meta(built_at=now, app_version=__version__,
                      **{TITLE_INDEX_KEY: now, OUTLET_COUNTS_KEY: now})

    def _rebuild_fts(self, table: str) -> None:
        """Build the search index ``table`` anew from the rows."""
        self.conn.execute(f"INSERT INTO {table}({table}) VALUES('rebuild')")

    # batches

    def write_batch(self, items: list[_Item], report: ImportReport) -> None:
        """Write one batch of items, counting into ``report``.

        The batch goes into the open transaction, or a new one; that is committed once it
        holds ``_transaction_files`` files, else by ``commit()``. On any error it is rolled
        back, with the batches before this one in it.
        """
        self._files_in_transaction += len(items)
        batch = _Batch()
        parsed: list[_Item] = []
        for item in items:
            report.warnings.extend((item.source, w) for w in item.warnings)
            self._note_duplicate(item, report)
            if item.digest is not None and item.key:
                size, mtime_ns = item.stat or (-1, -1)  # -1: never matches, read next time
                batch.stats.append((item.key, size, mtime_ns, item.digest))
            if item.row is None:
                report.unchanged += 1
            else:
                parsed.append(item)
        if batch.stats or parsed:  # else every file was known without reading it
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN")
            try:
                self._add_parsed(batch, parsed, report)
                if batch.seeds:
                    self._insert("seed_files", _SEED_COLUMNS, batch.seeds, replace=True)
                if batch.stats:
                    self.conn.executemany(
                        "INSERT OR REPLACE INTO seed_stats (path, size, mtime_ns, digest) "
                        "VALUES (?, ?, ?, ?)", batch.stats,
                    )
                if batch.rows:
                    self._write(batch)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self._files_in_transaction = 0
                raise
        if self._files_in_transaction >= self._transaction_files:
            self.commit()

    def commit(self) -> None:
        """Commit the batches written since the last commit."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._files_in_transaction = 0

    def _add_parsed(self, batch: _Batch, items: list[_Item], report: ImportReport) -> None:
        """Sort parsed items into new, updated and unchanged articles of ``batch``."""
        if not items:
            return
        urls = {i.url for i in items}
        if self._written is not None:
            urls &= self._written
        known = self._known(urls)
        next_id = self._next_id()
        for item in items:
            row = item.row
            assert row is not None, "only parsed items come here"
            if item.digest is not None:
                batch.seeds.append(_seed_row(item))
            state = known.get(item.url)
            content_hash = row[_HASH_AT]
            if state is not None and content_hash in state.hashes:
                # This text is archived already (as the current or an earlier version).
                report.unchanged += 1
                continue
            if state is None:
                state = known[item.url] = _Known(next_id, 0)
                next_id += 1
                report.new += 1
            else:
                self._supersede(batch, item.url, state)
                report.updated += 1
            state.version += 1
            state.hashes.add(content_hash)
            batch.rows[item.url] = (state.id, state.version, self.imported_at, *row)

    def _note_duplicate(self, item: _Item, report: ImportReport) -> None:
        first = self.seen.setdefault(item.url, item.source)
        if first != item.source:
            report.warnings.append(
                (item.source, f"same URL as {first} earlier in this import; "
                              "kept as a later version if its text differs")
            )

    def _supersede(self, batch: _Batch, url: str, state: _Known) -> None:
        """Keep the current version of ``url``'s article before a newer one replaces it."""
        pending = batch.rows.get(url)
        if pending is not None:
            batch.versions.append((*_VERSION_VALUES(pending), self.imported_at))
        else:
            batch.replaced_ids.append(state.id)

    def _known(self, urls: set[str]) -> dict[str, _Known]:
        if not urls:
            return {}
        marks = ",".join("?" * len(urls))
        params = sorted(urls)
        known = {
            url: _Known(article_id, version, {content_hash})
            for url, article_id, version, content_hash in self.conn.execute(
                "SELECT normalized_url, id, version, content_hash FROM articles "
                f"WHERE normalized_url IN ({marks})", params)
        }
        for url, content_hash in self.conn.execute(
            "SELECT a.normalized_url, v.content_hash FROM article_versions v "
            f"JOIN articles a ON a.id = v.article_id WHERE a.normalized_url IN ({marks})",
            params,
        ):
            known[url].hashes.add(content_hash)
        return known

    def _next_id(self) -> int:
        return int(
            self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
        )

    def _write(self, batch: _Batch) -> None:
        conn = self.conn
        if not self.changed and self.rebuild_fts:
            self.set_meta(fts_stale="1")
        self.changed = True
        if batch.replaced_ids:
            self._keep_versions(batch.replaced_ids)
        if batch.versions:
            self._insert("article_versions", _VERSION_ROW_COLUMNS, batch.versions)
        rows = batch.rows.values()
        # Only a row that takes the place of an archived one is written with REPLACE: such a
        # statement makes the search indexes write out the words they hold in memory (FTS5
        # does so at each statement savepoint), and a new archive's batches would each leave
        # a segment to merge (ten times as many, and 8% more instructions for this process).
        replaced = set(batch.replaced_ids)
        self._insert("articles", _ROW_COLUMNS, [r for r in rows if r[0] not in replaced])
        if replaced:
            self._insert("articles", _ROW_COLUMNS, [r for r in rows if r[0] in replaced],
                         replace=True)
        if self._written is not None:
            self._written.update(batch.rows)
        if not self.rebuild_fts:
            for table, columns in _FTS_INDEXES.items():
                conn.executemany(
                    f"INSERT INTO {table} (rowid, {', '.join(columns)}) "
                    f"VALUES (?{', ?' * len(columns)})",
                    map(_FTS_VALUES[table], rows),
                )

    def _insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        replace: bool = False,
    ) -> None:
        """Bulk insert rows, each the values of ``columns`` in order.

        One prepared ``executemany``: sqlite-utils' ``insert_all`` inspects every value and
        costs more than the write itself on a bulk load.
        """
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        sql = (f"{verb} INTO {table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")
        self.conn.executemany(sql, rows)

    def _keep_versions(self, ids: list[int]) -> None:
        """Copy the archived rows ``ids`` to ``article_versions`` and drop them from the index."""
        marks = ",".join("?" * len(ids))
        cols = ", ".join(_VERSION_COLUMNS)
        self.conn.execute(
            f"INSERT INTO article_versions (article_id, {cols}, superseded_at) "
            f"SELECT id, {cols}, ? FROM articles WHERE id IN ({marks})",
            [self.imported_at, *ids],
        )
        if not self.rebuild_fts:
            for table, columns in _FTS_INDEXES.items():
                names = ", ".join(columns)
                self.conn.execute(
                    f"INSERT INTO {table} ({table}, rowid, {names}) "
                    f"SELECT 'delete', id, {names} FROM articles WHERE id IN ({marks})",
                    ids,
                )

    # the end

    def finish(self, compact: bool) -> None:
        """Build the indexes if the rows came first, stamp the archive, compact when asked."""
        stale = self._meta("fts_stale") == "1"
        if self.changed or stale or compact or self.indexes_pending:
            self.conn.execute("PRAGMA synchronous = FULL")
            with self.atomic():
                if self.indexes_pending:
                    self._create_indexes()
                if stale:
                    self._set_hashsize()
                    for table in _FTS_INDEXES:
                        self._rebuild_fts(table)
                    self.set_meta(fts_stale="0")
                self._stamp()
        if compact:
            self.db.table("articles").optimize()
            self.db.disable_wal()
            self.db.vacuum()
