"""The user's own archive: made from the bundled one, and kept up to date with it.

No Qt imports and no ``sqlite_utils``. The user's archive (``paths.user_archive()``) starts as
a copy of the bundled archive on the first own import (``ensure_user_archive``). When an app
update brings a newer bundled archive, ``merge_bundled`` merges its new and changed articles
into the user's archive under the import rules (nothing deleted, earlier versions kept,
unchanged text skipped) by handing them to the importer's own ``store_articles``: there is no
second importer here, and ``importer`` (with sqlite_utils) is loaded only when a merge or the
first copy runs. Reads go through ``Archive``; the one write outside ``store_articles`` (which
bundled archive was merged) is the importer's ``set_meta``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.data.archive import Archive
from desktop.data.article import Article
from desktop.errors import ArchiveError

# The bundled archive's built_at that the user's archive last took in (its meta table).
MERGED_KEY = "bundled_built_at"
# Articles handed to the importer per call: each call is its own transactions, so a merge that
# is cut off keeps what it finished and the next start carries on from there.
MERGE_CHUNK = 200

Progress = Callable[[int, int], None]

_REINSTALL = "reinstall Broadsheet to restore it"


@dataclass(frozen=True)
class MergeReport:
    """What a merge of the bundled archive did.

    ``new`` counts articles the user's archive did not have; ``updated`` counts newer versions
    stored for articles it had (the earlier ones are kept); ``unchanged`` counts versions it
    already held. ``merged`` is False when there was nothing newer to merge.
    """

    merged: bool
    bundled_built_at: str | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        """One line for the status bar."""
        if not self.merged:
            return "your archive is up to date with the bundled one"
        return (
            f"merged the bundled archive: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


def _ro_uri(path: Path, *, immutable: bool) -> str:
    params = "mode=ro&immutable=1" if immutable else "mode=ro"
    return f"file:{urllib.parse.quote(str(path.resolve()))}?{params}"


def check_bundled(bundled: Path) -> None:
    """Check the bundled archive with ``PRAGMA quick_check``.

    Raises:
        ArchiveError: it is missing, damaged or not an SQLite file.
    """
    if not bundled.is_file():
        raise ArchiveError(str(bundled), "the archive that comes with Broadsheet is missing",
                           _REINSTALL)
    try:
        conn = sqlite3.connect(_ro_uri(bundled, immutable=True), uri=True)
    except sqlite3.Error as exc:
        raise ArchiveError(str(bundled), f"cannot open the bundled archive: {exc}",
                           _REINSTALL) from exc
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        rows = [(str(exc),)]
    finally:
        conn.close()
    if rows != [("ok",)]:
        raise ArchiveError(
            str(bundled), f"the archive that comes with Broadsheet is damaged ({rows[0][0]})",
            _REINSTALL,
        )


def bundled_fingerprint(bundled: Path) -> str:
    """Names this copy of the bundled archive (its size and modification time): a newer
    install, or a file changed on disk, gives another, so it is checked again."""
    info = bundled.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def ensure_user_archive(bundled: Path, user: Path) -> Path:
    """The user's archive, made as a copy of the bundled one when it does not exist yet.

    The copy is taken with SQLite's backup API into a temporary file that is renamed into
    place, so a crash never leaves a half-copied archive at ``user``. It records which bundled
    archive it came from, so the next ``merge_bundled`` has nothing to do.

    Raises:
        ArchiveError: the bundled archive is missing or damaged, or the copy cannot be written.
    """
    if user.exists():
        return user
    check_bundled(bundled)
    built_at = _bundled_built_at(bundled)
    partial = user.with_name(user.name + ".part")
    try:
        user.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        _copy(bundled, partial)
        if built_at is not None:
            _record_merged(partial, built_at)
        os.replace(partial, user)
    except (OSError, sqlite3.Error, ArchiveError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        reason = _reason(exc)
        raise ArchiveError(
            str(user), f"cannot create your own archive: {reason}",
            "free some disk space or check that the folder is writable, or pass --db",
        ) from exc
    return user


def _reason(exc: OSError | sqlite3.Error | ArchiveError) -> str:
    """What went wrong, without the file name a message adds anyway."""
    if isinstance(exc, ArchiveError):
        return exc.reason
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _copy(source: Path, target: Path) -> None:
    """Copy an archive with SQLite's online backup: a consistent copy, not raw bytes."""
    src = sqlite3.connect(_ro_uri(source, immutable=True), uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def merge_bundled(bundled: Path, user: Path, progress: Progress | None = None) -> MergeReport:
    """Merge the bundled archive's new and changed articles into the user's archive.

    Runs once per bundled update: the bundled ``built_at`` is recorded in the user's archive
    and a bundled archive no newer than that is skipped. Every version the bundled archive
    holds of a changed article is offered, oldest first, so the user's archive gains the
    whole history; versions it already has are skipped by the importer.

    Args:
        progress: called as ``progress(done, total)`` over the articles to merge.

    Raises:
        ArchiveError: either archive is missing, damaged or cannot be written.
    """
    check_bundled(bundled)
    built_at = _bundled_built_at(bundled)
    if not user.exists():
        return MergeReport(merged=False, bundled_built_at=built_at)
    last = _merged(user)
    if built_at is None or (last is not None and built_at <= last):
        return MergeReport(merged=False, bundled_built_at=built_at)
    # Imported here, not at the top: sqlite_utils costs ~100 ms, and most starts merge nothing.
    from desktop.data import importer

    new = updated = unchanged = 0
    with Archive(bundled) as source:
        # An import stamps its rows before it stamps built_at, within the same second at
        # most, so "imported since" may offer a few articles again; they come back unchanged.
        ids = source.ids_imported_since(last)
        if progress is not None:
            progress(0, len(ids))
        for done, chunk in _chunks(ids):
            report = importer.store_articles(_versions(source, chunk), user)
            new, updated = new + report.new, updated + report.updated
            unchanged += report.unchanged
            if progress is not None:
                progress(done, len(ids))
    _record_merged(user, built_at)
    return MergeReport(True, built_at, new, updated, unchanged)


def _chunks(ids: Sequence[int]) -> Iterator[tuple[int, Sequence[int]]]:
    """``ids`` in slices of ``MERGE_CHUNK``, each with how many are done after it."""
    for start in range(0, len(ids), MERGE_CHUNK):
        chunk = ids[start:start + MERGE_CHUNK]
        yield start + len(chunk), chunk


def _versions(source: Archive, ids: Sequence[int]) -> list[tuple[str, Article]]:
    """Every version of each article, oldest first, with its seed file as the source."""
    items: list[tuple[str, Article]] = []
    for article_id in ids:
        for version in source.versions(article_id):
            label = version.source_file or f"{source.path}#{article_id}"
            items.append((label, version.article))
    return items


def _bundled_built_at(bundled: Path) -> str | None:
    with Archive(bundled) as archive:
        return archive.metadata().get("built_at")


def _merged(user: Path) -> str | None:
    """The bundled ``built_at`` last merged into the user's archive, or None."""
    with Archive(user) as archive:
        return archive.metadata().get(MERGED_KEY)


def _record_merged(user: Path, built_at: str) -> None:
    """Record in the user's archive that the bundled archive of ``built_at`` is merged.

    Raises:
        ArchiveError: the user's archive cannot be written.
    """
    from desktop.data import importer  # sqlite_utils: only when there is something to write

    importer.set_meta(user, **{MERGED_KEY: built_at})
