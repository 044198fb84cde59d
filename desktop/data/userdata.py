"""The reader's own data: bookmarks, history, reading positions, notes, saved searches, settings.

No Qt imports and no sqlite_utils: stdlib ``sqlite3`` on one per-user file, ``userdata.db``,
under ``paths.user_data_dir()`` (never inside the installed app). The window calls these
methods; nothing here knows about widgets.

Safety rules (issue 7):

- Everything is keyed by the article's normalised URL (``urls.normalize_url``), never by an
  archive id, so it survives a rebuilt archive that renumbers articles. Entries whose article
  has disappeared are kept.
- The schema version is ``PRAGMA user_version``; ``MIGRATIONS`` run in one transaction, after a
  backup copy ``userdata.db.bak-v<old>`` is taken with ``Connection.backup``.
- ``PRAGMA quick_check`` at open: a corrupt file is renamed to ``userdata.db.corrupt-<time>``
  (never deleted), a fresh file is created and ``UserData.notice`` tells the reader where the
  old one is.
- Every write runs in its own transaction. A write that fails (disk full, read-only folder)
  raises ``UserDataError`` and leaves what was saved before untouched, so the window can keep
  the unsaved text on screen.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from desktop import paths
from desktop.errors import BroadsheetError

FILE_NAME = "userdata.db"

JsonValue: TypeAlias = str | int | float | bool | None | list[Any] | dict[str, Any]
SettingValue: TypeAlias = JsonValue | bytes

# SQLite primary result codes that mean "this file is damaged", as opposed to "cannot open it
# now" (locked, no permission), which must never cause the file to be set aside.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class UserDataError(BroadsheetError):
    """The reader's own data file could not be opened or written."""


class Setting(StrEnum):
    """Keys of the settings the window restores at start."""

    LAST_ARTICLE = "last_article"
    WINDOW_GEOMETRY = "window_geometry"
    WINDOW_STATE = "window_state"
    SPLITTER_SIZES = "splitter_sizes"
    ZOOM = "zoom"
    THEME = "theme"
    # Whether the OS asked for a dark colour scheme when the window last asked it.
    SYSTEM_DARK = "system_dark"
    # The bundled archive that passed its integrity check (``userarchive.bundled_fingerprint``).
    BUNDLED_CHECKED = "bundled_checked"


class Bookmark(NamedTuple):
    """A starred article: its normalised URL, the title when starred, and when (UTC ISO)."""

    url: str
    title: str
    added_at: str


class HistoryEntry(NamedTuple):
    """A recently read article: normalised URL, title when opened, last opened (UTC ISO)."""

    url: str
    title: str
    opened_at: str


class Note(NamedTuple):
    """The reader's note on an article (plain text) and when it was last saved (UTC ISO)."""

    url: str
    text: str
    updated_at: str


class SavedSearch(NamedTuple):
    """A search the reader saved as a tree node: its name, query text and filters."""

    name: str
    query: str
    outlet: str | None
    section: str | None
    saved_at: str


# MIGRATIONS[k] takes the schema from version k to k + 1. Append only; never edit a released
# step: a reader's file may be at any earlier version.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookmarks (
        url TEXT PRIMARY KEY, title TEXT NOT NULL, added_at TEXT NOT NULL);
    CREATE TABLE history (
        url TEXT PRIMARY KEY, title TEXT NOT NULL, opened_at TEXT NOT NULL);
    CREATE INDEX history_opened_at ON history (opened_at);
    CREATE TABLE positions (
        url TEXT PRIMARY KEY, fraction REAL NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE notes (
        url TEXT PRIMARY KEY, text TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value);
    """,
    """
    CREATE TABLE saved_searches (
        name TEXT PRIMARY KEY, query TEXT NOT NULL, outlet TEXT, section TEXT,
        saved_at TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


def _url_key(url: str) -> str:
    """The key of an article's rows: its normalised URL."""
    # URL rules load when the first row is read or written, not when the window starts.
    from desktop.data.urls import normalize_url

    return normalize_url(url)


def _hint_for(exc: Exception) -> str:
    """What the reader can do about a failed read or write."""
    text = str(exc).lower()
    if "full" in text:
        return "free some disk space and try again"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "check that you may write to that folder, or start Broadsheet with --data-dir"
    if "locked" in text or "busy" in text:
        return "another program is using the file; close it and try again"
    return "check the disk, or start Broadsheet with --data-dir to use another folder"


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are opened explicitly."""
    return sqlite3.connect(path, isolation_level=None, timeout=5.0)


def _check_integrity(conn: sqlite3.Connection) -> bool:
    """True when ``PRAGMA quick_check`` finds nothing wrong; raises for a non-corruption error."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if _is_corruption(exc):
            return False
        raise
    return rows == [("ok",)]


def _set_aside(path: Path) -> Path:
    """Rename a damaged file to ``<name>.corrupt-<time>``; return the new path.

    SQLite itself has already dealt with any leftover ``-journal``/``-wal`` of the file when
    ``quick_check`` ran, so only the file is moved.
    """
    import datetime as _dt

    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.rename(target)
    return target


def backup_path(path: Path, version: int) -> Path:
    """Where the copy taken before migrating a file from ``version`` is kept."""
    return path.with_name(f"{path.name}.bak-v{version}")


def _backup(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the open database to ``target`` with SQLite's online backup (a consistent copy)."""
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def migrate(conn: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> int:
    """Bring the file to schema ``target``; return the version it had.

    A file that already holds data (version > 0) is first copied to ``backup_path``. All steps
    run in one transaction: a failing step leaves the file exactly as it was. ``conn`` must be
    in autocommit mode (``isolation_level=None``), as ``UserData`` connections are.
    """
    old = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if old >= target:
        return old
    if old > 0:
        _backup(conn, backup_path(path, old))
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(old, target):
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return old


class UserData:
    """The reader's own data in one SQLite file. Create with ``UserData.open()``.

    Every method that takes a URL normalises it first, so an article's ``url`` and its
    ``normalized_url`` name the same entry. Methods raise ``UserDataError`` when the file cannot
    be read or written.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, notice: str | None = None) -> None:
        self.path = path
        self._conn = conn
        #: A message for the reader about something done at open (a damaged file set aside).
        self.notice = notice

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None) -> UserData:
        """Open (creating, checking and migrating) ``userdata.db`` in ``data_dir``.

        Args:
            data_dir: the folder; ``paths.user_data_dir()`` (which ``--data-dir`` overrides)
                when None.

        Raises:
            UserDataError: the folder or file cannot be created or opened, or the file was
                written by a newer Broadsheet.
        """
        folder = Path(data_dir) if data_dir is not None else paths.user_data_dir()
        path = folder / FILE_NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserDataError(
                str(folder), f"cannot create the folder for your data: {exc.strerror}",
                "start Broadsheet with --data-dir to use another folder",
            ) from exc
        try:
            conn, notice = cls._open_checked(path)
        except sqlite3.Error as exc:
            reason = f"cannot open your data: {exc}"
            raise UserDataError(str(path), reason, _hint_for(exc)) from exc
        except OSError as exc:
            raise UserDataError(
                str(path), f"cannot set the damaged file aside: {exc.strerror}",
                "check that you may write to that folder",
            ) from exc
        try:
            cls._migrate_checked(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, notice)

    @staticmethod
    def _open_checked(path: Path) -> tuple[sqlite3.Connection, str | None]:
        """Connect to ``path``; a damaged file is set aside and a fresh one created."""
        conn = _connect(path)
        if _check_integrity(conn):
            return conn, None
        conn.close()
        moved = _set_aside(path)
        notice = (
            f"Your saved data ({path}) was damaged and could not be read. It has been kept as "
            f"{moved}, and Broadsheet started with empty bookmarks and notes."
        )
        return _connect(path), notice

    @staticmethod
    def _migrate_checked(conn: sqlite3.Connection, path: Path) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise UserDataError(
                str(path),
                f"was saved by a newer Broadsheet (data version {version}, this one "
                f"reads up to {SCHEMA_VERSION})",
                "update Broadsheet, or start it with --data-dir to use another folder",
            )
        try:
            migrate(conn, path)
        except (sqlite3.Error, OSError) as exc:
            raise UserDataError(
                str(path), f"cannot update your data to this version: {exc}", _hint_for(exc)
            ) from exc

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> UserData:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading and writing ----------------------------------------------------------------

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; any SQLite error rolls back and becomes ``UserDataError``."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._error(what, exc) from exc
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._error(what, exc) from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _error(self, what: str, exc: sqlite3.Error) -> UserDataError:
        return UserDataError(str(self.path), f"could not save {what}: {exc}", _hint_for(exc))

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise UserDataError(
                str(self.path), f"could not read your data: {exc}", _hint_for(exc)
            ) from exc

    def _write(self, what: str, sql: str, params: tuple[Any, ...]) -> int:
        """Run one statement in its own transaction; return the number of rows changed."""
        with self._transaction(what) as conn:
            return conn.execute(sql, params).rowcount

    # -- bookmarks --------------------------------------------------------------------------

    def add_bookmark(self, url: str, title: str) -> None:
        """Star an article; starring it again refreshes the title but keeps the time starred."""
        self._write(
            "the bookmark",
            "INSERT INTO bookmarks (url, title, added_at) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET title = excluded.title",
            (_url_key(url), title, _now()),
        )

    def remove_bookmark(self, url: str) -> bool:
        """Unstar an article; False when it was not starred."""
        changed = self._write(
            "the bookmark", "DELETE FROM bookmarks WHERE url = ?", (_url_key(url),)
        )
        return changed > 0

    def is_bookmarked(self, url: str) -> bool:
        return bool(self._rows("SELECT 1 FROM bookmarks WHERE url = ?", (_url_key(url),)))

    def bookmarks(self) -> list[Bookmark]:
        """Every bookmark, the most recently starred first."""
        rows = self._rows(
            "SELECT url, title, added_at FROM bookmarks ORDER BY added_at DESC, rowid DESC"
        )
        return [Bookmark(*row) for row in rows]

    # -- history ----------------------------------------------------------------------------

    def record_open(self, url: str, title: str) -> None:
        """Note that the reader opened an article now (one entry per article, latest time)."""
        self._write(
            "the reading history",
            "INSERT INTO history (url, title, opened_at) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET title = excluded.title, "
            "opened_at = excluded.opened_at",
            (_url_key(url), title, _now()),
        )

    def recent(self, limit: int = 20) -> list[HistoryEntry]:
        """The ``limit`` most recently opened articles, the latest first."""
        rows = self._rows(
            "SELECT url, title, opened_at FROM history ORDER BY opened_at DESC, rowid DESC "
            "LIMIT ?",
            (max(0, limit),),
        )
        return [HistoryEntry(*row) for row in rows]

    # -- reading positions ------------------------------------------------------------------

    def set_position(self, url: str, fraction: float) -> None:
        """Remember how far down an article the reader is (0 top, 1 end; clamped).

        Raises:
            ValueError: ``fraction`` is not a number (NaN).
        """
        if math.isnan(fraction):
            raise ValueError("reading position must be a number between 0 and 1")
        value = min(1.0, max(0.0, float(fraction)))
        self._write(
            "the reading position",
            "INSERT INTO positions (url, fraction, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET fraction = excluded.fraction, "
            "updated_at = excluded.updated_at",
            (_url_key(url), value, _now()),
        )

    def position(self, url: str) -> float | None:
        """Where the reader stopped in an article, or None if never recorded."""
        rows = self._rows("SELECT fraction FROM positions WHERE url = ?", (_url_key(url),))
        return float(rows[0][0]) if rows else None

    # -- notes ------------------------------------------------------------------------------

    def set_note(self, url: str, text: str) -> None:
        """Save the note on an article in one transaction; a blank note deletes it."""
        key = _url_key(url)
        if not text.strip():
            self._write("the note", "DELETE FROM notes WHERE url = ?", (key,))
            return
        self._write(
            "the note",
            "INSERT INTO notes (url, text, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET text = excluded.text, "
            "updated_at = excluded.updated_at",
            (key, text, _now()),
        )

    def note(self, url: str) -> str:
        """The note on an article; "" when there is none."""
        rows = self._rows("SELECT text FROM notes WHERE url = ?", (_url_key(url),))
        return str(rows[0][0]) if rows else ""

    def notes(self) -> list[Note]:
        """Every note, the most recently saved first."""
        rows = self._rows(
            "SELECT url, text, updated_at FROM notes ORDER BY updated_at DESC, rowid DESC"
        )
        return [Note(*row) for row in rows]

    # -- saved searches ---------------------------------------------------------------------

    def save_search(
        self, name: str, query: str, outlet: str | None = None, section: str | None = None
    ) -> None:
        """Save a search under ``name``, replacing one saved under the same name.

        Raises:
            ValueError: ``name`` is blank.
        """
        if not name.strip():
            raise ValueError("a saved search needs a name")
        self._write(
            "the saved search",
            "INSERT OR REPLACE INTO saved_searches (name, query, outlet, section, saved_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name.strip(), query, outlet, section, _now()),
        )

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name (case-insensitive)."""
        rows = self._rows(
            "SELECT name, query, outlet, section, saved_at FROM saved_searches "
            "ORDER BY name COLLATE NOCASE, name"
        )
        return [SavedSearch(*row) for row in rows]

    def delete_saved_search(self, name: str) -> bool:
        """Delete a saved search; False when there was none of that name."""
        changed = self._write(
            "the saved search", "DELETE FROM saved_searches WHERE name = ?", (name.strip(),)
        )
        return changed > 0

    # -- settings ---------------------------------------------------------------------------

    def set_setting(self, key: str, value: SettingValue) -> None:
        """Store a setting: bytes as they are (window geometry), anything else as JSON."""
        stored: bytes | str = value if isinstance(value, bytes) else json.dumps(value)
        self._write(
            f"the setting {key!r}",
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(key), stored),
        )

    def setting(self, key: str, default: SettingValue = None) -> SettingValue:
        """A stored setting, or ``default`` when it was never set or cannot be read back."""
        rows = self._rows("SELECT value FROM settings WHERE key = ?", (str(key),))
        if not rows:
            return default
        stored = rows[0][0]
        if isinstance(stored, bytes):
            return stored
        try:
            value: SettingValue = json.loads(stored)
        except (TypeError, ValueError):
            return default
        return value

