"""The user's own archive: the first copy of the bundled one, and merges of newer bundled ones."""

from __future__ import annotations

import datetime as _dt
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.data import importer, userarchive
from desktop.data.archive import Archive
from desktop.data.article import Article
from desktop.data.importer import import_seeds, store_articles
from desktop.data.userarchive import MERGED_KEY, ensure_user_archive, merge_bundled
from desktop.errors import ArchiveError

A_URL = "https://example.com/news/world/2016/nov/01/river-flood-hits-town"
B_URL = "https://example.com/news/uk/2016/nov/02/storm-warning-issued"
C_URL = "https://example.com/news/uk/2016/nov/03/bridge-reopens-after-storm"
OWN_URL = "https://example.org/2016/11/04/a-seed-the-reader-imported"


def _seed(folder: Path, name: str, url: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{url}\n10\n2\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """The importer's clock, one second later on each reading; ``set_day(d)`` moves it to
    2026-01-d, so each build of the bundled archive gets its own ``built_at``."""
    now = [_dt.datetime(2026, 1, 1, tzinfo=_dt.UTC)]

    def tick() -> str:
        now[0] += _dt.timedelta(seconds=1)
        return now[0].isoformat(timespec="seconds")

    def set_day(day: int) -> None:
        now[0] = _dt.datetime(2026, 1, day, tzinfo=_dt.UTC)

    monkeypatch.setattr(importer, "_now", tick)
    return set_day


@pytest.fixture
def bundled(tmp_path: Path, clock: Callable[[int], None]) -> Path:
    """Release 1's bundled archive: articles A and B."""
    seeds = tmp_path / "release1"
    path = tmp_path / "install" / "archive.db"
    clock(1)
    import_seeds(
        [_seed(seeds, "a.txt", A_URL, "The river rose overnight."),
         _seed(seeds, "b.txt", B_URL, "Forecasters issued a storm warning.")],
        path,
    )
    return path


@pytest.fixture
def user(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "archive.db"


def _meta(path: Path) -> dict[str, str]:
    with Archive(path) as archive:
        return archive.metadata()


def _bodies(path: Path, url: str) -> list[str]:
    """The body of every version of the article at ``url``, oldest first."""
    with Archive(path) as archive:
        versions = archive.versions(archive.resolve(url))
        return [v.article.body_text for v in versions]


def _urls(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT normalized_url FROM articles")}
    finally:
        conn.close()


# -- the first copy --------------------------------------------------------------------------


def test_the_first_own_import_starts_from_a_copy_of_the_bundled_archive(
    bundled: Path, user: Path
) -> None:
    assert ensure_user_archive(bundled, user) == user
    assert _urls(user) == {A_URL, B_URL}
    assert _meta(user)[MERGED_KEY] == _meta(bundled)["built_at"]
    assert sorted(p.name for p in user.parent.iterdir()) == ["archive.db"]
    # The copy is a working archive: the reader's own seeds import into it.
    report = import_seeds([_seed(user.parent / "mine", "own.txt", OWN_URL, "Mine.")], user)
    assert (report.new, report.unchanged) == (1, 0)


def test_an_existing_user_archive_is_never_replaced(bundled: Path, user: Path) -> None:
    ensure_user_archive(bundled, user)
    import_seeds([_seed(user.parent / "mine", "own.txt", OWN_URL, "Mine.")], user)
    before = user.read_bytes()
    assert ensure_user_archive(bundled, user) == user
    assert user.read_bytes() == before


def test_right_after_the_copy_there_is_nothing_to_merge(bundled: Path, user: Path) -> None:
    ensure_user_archive(bundled, user)
    report = merge_bundled(bundled, user)
    assert report.merged is False
    assert report.summary() == "your archive is up to date with the bundled one"


def test_a_missing_bundled_archive_gives_a_clear_error(tmp_path: Path, user: Path) -> None:
    missing = tmp_path / "install" / "archive.db"
    with pytest.raises(ArchiveError) as info:
        ensure_user_archive(missing, user)
    assert str(info.value) == (
        f"{missing}: the archive that comes with Broadsheet is missing "
        "(reinstall Broadsheet to restore it)"
    )
    assert not user.exists()


def test_a_corrupt_bundled_archive_gives_a_clear_error(bundled: Path, user: Path) -> None:
    bundled.write_bytes(b"\x00garbage, not SQLite" * 500)
    for attempt in (lambda: ensure_user_archive(bundled, user),
                    lambda: merge_bundled(bundled, user)):
        with pytest.raises(ArchiveError) as info:
            attempt()
        message = str(info.value)
        assert message.startswith(f"{bundled}: the archive that comes with Broadsheet is damaged")
        assert message.endswith("(reinstall Broadsheet to restore it)")
        assert "\n" not in message
    assert not user.exists()


def test_a_bundled_archive_with_damaged_pages_is_refused(bundled: Path) -> None:
    data = bytearray(bundled.read_bytes())
    data[4096 * 3:4096 * 4] = b"\xab" * 4096
    bundled.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="the archive that comes with Broadsheet is damaged"):
        userarchive.check_bundled(bundled)


def test_a_copy_that_cannot_be_written_leaves_nothing_behind(bundled: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "profile"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(ArchiveError, match="cannot create your own archive"):
        ensure_user_archive(bundled, blocker / "archive.db")
    assert blocker.read_text() == "a file where the data folder should be"


# -- merging a newer bundled archive ---------------------------------------------------------


def test_merge_adds_new_and_updates_changed_articles_without_deleting(
    tmp_path: Path, bundled: Path, user: Path, clock: Callable[[int], None]
) -> None:
    ensure_user_archive(bundled, user)
    clock(5)
    import_seeds([_seed(tmp_path / "mine", "own.txt", OWN_URL, "Mine.")], user)

    # Release 2 rebuilds the bundled archive from scratch: B changed, C new, A dropped.
    release2 = tmp_path / "release2"
    bundled.unlink()
    clock(10)
    import_seeds(
        [_seed(release2, "b.txt", B_URL, "The storm warning was lifted."),
         _seed(release2, "c.txt", C_URL, "The bridge reopened.")],
        bundled,
    )
    calls: list[tuple[int, int]] = []
    report = merge_bundled(bundled, user, progress=lambda d, t: calls.append((d, t)))

    assert (report.merged, report.new, report.updated, report.unchanged) == (True, 1, 1, 0)
    assert report.summary() == "merged the bundled archive: 1 new, 1 updated, 0 unchanged"
    assert calls == [(0, 2), (2, 2)]
    assert _urls(user) == {A_URL, B_URL, C_URL, OWN_URL}
    assert _bodies(user, B_URL) == [
        "Forecasters issued a storm warning.", "The storm warning was lifted."
    ]
    assert _meta(user)[MERGED_KEY] == _meta(bundled)["built_at"] == report.bundled_built_at


def test_merge_runs_once_per_bundled_update(
    tmp_path: Path, bundled: Path, user: Path, clock: Callable[[int], None]
) -> None:
    ensure_user_archive(bundled, user)
    clock(10)
    import_seeds([_seed(tmp_path / "release2", "c.txt", C_URL, "The bridge reopened.")], bundled)
    assert merge_bundled(bundled, user).new == 1
    before = user.read_bytes()
    again = merge_bundled(bundled, user)
    assert again.merged is False
    assert user.read_bytes() == before


def test_merge_offers_only_articles_changed_since_the_last_merge(
    tmp_path: Path, bundled: Path, user: Path, clock: Callable[[int], None]
) -> None:
    ensure_user_archive(bundled, user)
    clock(10)  # release 2 imports into the same bundled archive: only B changes
    import_seeds([_seed(tmp_path / "r2", "b.txt", B_URL, "The warning was lifted.")], bundled)
    report = merge_bundled(bundled, user)
    # B's earlier version is offered too (and skipped); A was not touched, so not offered.
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)


def test_a_reader_who_skipped_a_release_gets_every_version(
    tmp_path: Path, bundled: Path, user: Path, clock: Callable[[int], None]
) -> None:
    ensure_user_archive(bundled, user)
    clock(10)
    import_seeds([_seed(tmp_path / "r2", "c.txt", C_URL, "The bridge is closed.")], bundled)
    clock(20)
    import_seeds([_seed(tmp_path / "r3", "c.txt", C_URL, "The bridge reopened.")], bundled)
    report = merge_bundled(bundled, user)
    assert (report.new, report.updated) == (1, 1)
    assert _bodies(user, C_URL) == ["The bridge is closed.", "The bridge reopened."]


def test_a_merge_cut_off_half_way_keeps_its_work_and_runs_again(
    tmp_path: Path, bundled: Path, user: Path, clock: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ensure_user_archive(bundled, user)
    merged_before = _meta(user)[MERGED_KEY]
    clock(10)
    import_seeds(
        [_seed(tmp_path / "r2", "c.txt", C_URL, "The bridge reopened."),
         _seed(tmp_path / "r2", "d.txt", C_URL.replace("bridge", "tunnel"), "Tunnel.")],
        bundled,
    )
    monkeypatch.setattr(userarchive, "MERGE_CHUNK", 1)
    calls = []

    def store_then_fail(
        articles: list[tuple[str, Article]], db_path: Path
    ) -> importer.ImportReport:
        calls.append(1)
        if len(calls) == 2:
            raise ArchiveError(str(user), "cannot write the archive: database or disk is full")
        return store_articles(articles, db_path)

    monkeypatch.setattr(importer, "store_articles", store_then_fail)
    with pytest.raises(ArchiveError, match="disk is full"):
        merge_bundled(bundled, user)
    assert C_URL in _urls(user)
    assert _meta(user)[MERGED_KEY] == merged_before

    monkeypatch.setattr(importer, "store_articles", store_articles)
    report = merge_bundled(bundled, user)
    assert (report.merged, report.new, report.unchanged) == (True, 1, 1)
    assert len(_urls(user)) == 4


def test_without_a_user_archive_there_is_nothing_to_merge(bundled: Path, user: Path) -> None:
    report = merge_bundled(bundled, user)
    assert report.merged is False
    assert not user.exists()


def test_starting_up_loads_neither_qt_nor_sqlite_utils() -> None:
    code = (
        "import sys, desktop.data.userarchive, desktop.data.userdata; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'sqlite_utils'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
