"""The reader's own data file: what it keeps, and the safety rules of issue 7."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import paths
from desktop.data import userdata
from desktop.data.userdata import (
    SCHEMA_VERSION,
    Setting,
    UserData,
    UserDataError,
    backup_path,
    migrate,
)

URL = "http://www.example.com/news/world/flood-hits-town-2016"
KEY = "https://example.com/news/world/flood-hits-town-2016"
OTHER = "https://example.com/news/uk/storm-warning"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def ud(data_dir: Path) -> Iterator[UserData]:
    store = UserData.open(data_dir)
    yield store
    store.close()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows}


# -- opening ---------------------------------------------------------------------------------


def test_open_creates_userdata_db_at_the_current_schema_version(data_dir: Path) -> None:
    with UserData.open(data_dir) as store:
        assert store.path == data_dir / "userdata.db"
        assert store.notice is None
    assert _user_version(data_dir / "userdata.db") == SCHEMA_VERSION == 2
    assert _tables(data_dir / "userdata.db") == {
        "bookmarks", "history", "positions", "notes", "settings", "saved_searches"
    }


def test_open_without_a_folder_uses_the_data_dir_override(tmp_path: Path) -> None:
    paths.set_data_dir(tmp_path / "override")
    try:
        with UserData.open() as store:
            assert store.path == tmp_path / "override" / "userdata.db"
    finally:
        paths.set_data_dir(None)


def test_open_without_override_uses_the_test_user_dir(user_dirs: Path) -> None:
    with UserData.open() as store:
        assert store.path == user_dirs / "userdata.db"


def test_a_fresh_file_takes_no_backup(data_dir: Path) -> None:
    UserData.open(data_dir).close()
    assert sorted(p.name for p in data_dir.iterdir()) == ["userdata.db"]


def test_everything_saved_is_there_after_reopening(data_dir: Path) -> None:
    with UserData.open(data_dir) as store:
        store.add_bookmark(URL, "Flood hits town")
        store.record_open(URL, "Flood hits town")
        store.set_position(URL, 0.25)
        store.set_note(URL, "Check the river levels.")
        store.save_search("Floods", "flood*", "The Independent", "News/World")
        store.set_setting(Setting.THEME, "dark")
    with UserData.open(data_dir) as store:
        assert store.is_bookmarked(URL)
        assert [h.url for h in store.recent()] == [KEY]
        assert store.position(URL) == 0.25
        assert store.note(URL) == "Check the river levels."
        assert [s.query for s in store.saved_searches()] == ["flood*"]
        assert store.setting(Setting.THEME) == "dark"


# -- bookmarks -------------------------------------------------------------------------------


def test_bookmark_is_keyed_by_the_normalised_url(ud: UserData) -> None:
    ud.add_bookmark(URL, "Flood hits town")
    assert ud.is_bookmarked(KEY)
    assert ud.is_bookmarked("https://example.com/news/world/flood-hits-town-2016?utm_source=x")
    assert not ud.is_bookmarked(OTHER)
    [mark] = ud.bookmarks()
    assert (mark.url, mark.title) == (KEY, "Flood hits town")


def test_bookmarks_list_newest_first_and_restarring_keeps_the_time(ud: UserData) -> None:
    ud.add_bookmark(URL, "Flood hits town")
    ud.add_bookmark(OTHER, "Storm warning")
    first_time = ud.bookmarks()[1].added_at
    ud.add_bookmark(URL, "Flood hits town (updated)")
    marks = ud.bookmarks()
    assert [(m.url, m.title) for m in marks] == [
        (OTHER, "Storm warning"),
        (KEY, "Flood hits town (updated)"),
    ]
    assert marks[1].added_at == first_time


def test_remove_bookmark_says_whether_there_was_one(ud: UserData) -> None:
    ud.add_bookmark(URL, "Flood hits town")
    assert ud.remove_bookmark(KEY) is True
    assert ud.remove_bookmark(KEY) is False
    assert not ud.is_bookmarked(URL)
    assert ud.bookmarks() == []


# -- history ---------------------------------------------------------------------------------


def test_recent_lists_each_article_once_latest_first(ud: UserData) -> None:
    ud.record_open(URL, "Flood hits town")
    ud.record_open(OTHER, "Storm warning")
    ud.record_open(URL, "Flood hits town")
    assert [(h.url, h.title) for h in ud.recent()] == [
        (KEY, "Flood hits town"),
        (OTHER, "Storm warning"),
    ]
    assert [h.url for h in ud.recent(limit=1)] == [KEY]
    assert ud.recent(limit=0) == []


# -- reading positions -----------------------------------------------------------------------


def test_position_is_remembered_and_clamped(ud: UserData) -> None:
    assert ud.position(URL) is None
    ud.set_position(URL, 0.4)
    assert ud.position(KEY) == 0.4
    ud.set_position(URL, 1.0000001)
    assert ud.position(URL) == 1.0
    ud.set_position(URL, -0.2)
    assert ud.position(URL) == 0.0


def test_position_rejects_nan(ud: UserData) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        ud.set_position(URL, float("nan"))


# -- notes -----------------------------------------------------------------------------------


def test_note_is_saved_replaced_and_blank_deletes_it(ud: UserData) -> None:
    assert ud.note(URL) == ""
    ud.set_note(URL, "First thought.")
    ud.set_note(KEY, "Second thought.\nWith a line <b>break</b>.")
    assert ud.note(URL) == "Second thought.\nWith a line <b>break</b>."
    assert [(n.url, n.text) for n in ud.notes()] == [
        (KEY, "Second thought.\nWith a line <b>break</b>.")
    ]
    ud.set_note(URL, "  \n ")
    assert ud.note(URL) == ""
    assert ud.notes() == []


# -- saved searches --------------------------------------------------------------------------


def test_saved_searches_are_listed_by_name_and_replaced_by_name(ud: UserData) -> None:
    ud.save_search("mosul", "mosul offensive")
    ud.save_search("Floods", "flood*", "The Independent", "News/World")
    ud.save_search("mosul", '"mosul offensive"', "BBC", None)
    assert [(s.name, s.query, s.outlet, s.section) for s in ud.saved_searches()] == [
        ("Floods", "flood*", "The Independent", "News/World"),
        ("mosul", '"mosul offensive"', "BBC", None),
    ]
    assert ud.delete_saved_search("Floods") is True
    assert ud.delete_saved_search("Floods") is False
    assert [s.name for s in ud.saved_searches()] == ["mosul"]


def test_a_saved_search_needs_a_name(ud: UserData) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        ud.save_search("   ", "flood")


# -- settings --------------------------------------------------------------------------------


def test_settings_keep_their_type(ud: UserData) -> None:
    geometry = b"\x01\xd9\xd0\xcb\x00\x03\x00\x00"
    ud.set_setting(Setting.WINDOW_GEOMETRY, geometry)
    ud.set_setting(Setting.SPLITTER_SIZES, [240, 760])
    ud.set_setting(Setting.ZOOM, 1.25)
    ud.set_setting(Setting.LAST_ARTICLE, KEY)
    ud.set_setting(Setting.LAST_ARTICLE, OTHER)
    assert ud.setting(Setting.WINDOW_GEOMETRY) == geometry
    assert ud.setting(Setting.SPLITTER_SIZES) == [240, 760]
    assert ud.setting("zoom") == 1.25
    assert ud.setting(Setting.LAST_ARTICLE) == OTHER
    assert ud.setting(Setting.THEME) is None
    assert ud.setting(Setting.THEME, "light") == "light"


# -- a damaged file --------------------------------------------------------------------------


def test_a_corrupt_file_is_set_aside_kept_and_a_fresh_one_works(data_dir: Path) -> None:
    data_dir.mkdir()
    garbage = b"this is not a database\x00\xff" * 200
    (data_dir / "userdata.db").write_bytes(garbage)

    with UserData.open(data_dir) as store:
        [kept] = [p for p in data_dir.iterdir() if p.name.startswith("userdata.db.corrupt-")]
        assert kept.read_bytes() == garbage
        assert store.notice is not None
        assert str(kept) in store.notice
        assert "damaged" in store.notice
        store.add_bookmark(URL, "Flood hits town")
        assert store.is_bookmarked(URL)
    assert _user_version(data_dir / "userdata.db") == SCHEMA_VERSION


def test_a_file_with_damaged_pages_is_set_aside(data_dir: Path) -> None:
    with UserData.open(data_dir) as store:
        for i in range(20):
            store.add_bookmark(f"https://example.com/story-{i}", "A title " * 150)
    path = data_dir / "userdata.db"
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\xab" * 4096  # page 3 of a file with 4 KiB pages
    path.write_bytes(bytes(data))

    with UserData.open(data_dir) as store:
        assert store.notice is not None
        assert store.bookmarks() == []
    [kept] = [p for p in data_dir.iterdir() if p.name.startswith("userdata.db.corrupt-")]
    assert kept.read_bytes() == bytes(data)


def test_a_file_that_cannot_be_opened_is_not_set_aside(data_dir: Path) -> None:
    (data_dir / "userdata.db").mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(UserDataError, match="cannot open your data") as info:
        UserData.open(data_dir)
    assert info.value.path == str(data_dir / "userdata.db")
    assert [p.name for p in data_dir.iterdir()] == ["userdata.db"]


def test_a_data_dir_that_is_a_file_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "profile"
    blocker.write_text("not a folder")
    with pytest.raises(UserDataError) as info:
        UserData.open(blocker)
    message = str(info.value)
    assert message.startswith(f"{blocker}: cannot create the folder for your data")
    assert "--data-dir" in message
    assert "\n" not in message


# -- migrations ------------------------------------------------------------------------------


def _make_v1_file(data_dir: Path) -> Path:
    """A file as the first release wrote it, holding one bookmark and one note."""
    data_dir.mkdir()
    path = data_dir / "userdata.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, target=1)
    conn.execute(
        "INSERT INTO bookmarks VALUES (?, 'Flood hits town', '2025-01-01T00:00:00+00:00')",
        (KEY,),
    )
    conn.execute("INSERT INTO notes VALUES (?, 'v1 note', '2025-01-01T00:00:00+00:00')", (KEY,))
    conn.close()
    return path


def test_migrating_a_v1_file_takes_a_backup_first(data_dir: Path) -> None:
    path = _make_v1_file(data_dir)
    with UserData.open(data_dir) as store:
        assert store.is_bookmarked(URL)
        assert store.note(URL) == "v1 note"
        store.save_search("Floods", "flood")
    backup = backup_path(path, 1)
    assert backup == data_dir / "userdata.db.bak-v1"
    assert _user_version(backup) == 1
    assert "saved_searches" not in _tables(backup)
    conn = sqlite3.connect(backup)
    assert conn.execute("SELECT url, text FROM notes").fetchall() == [(KEY, "v1 note")]
    conn.close()
    assert _user_version(path) == SCHEMA_VERSION


def test_a_failing_migration_leaves_the_v1_file_as_it_was(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _make_v1_file(data_dir)
    broken = (userdata.MIGRATIONS[0], "CREATE TABLE extra (x); CREATE TABLE bookmarks (x)")
    monkeypatch.setattr(userdata, "MIGRATIONS", broken)
    with pytest.raises(UserDataError, match="cannot update your data to this version"):
        UserData.open(data_dir)
    assert _user_version(path) == 1
    assert "extra" not in _tables(path)
    assert backup_path(path, 1).exists()
    monkeypatch.undo()
    with UserData.open(data_dir) as store:
        assert store.note(URL) == "v1 note"


def test_a_file_from_a_newer_broadsheet_is_refused_and_left_alone(data_dir: Path) -> None:
    UserData.open(data_dir).close()
    path = data_dir / "userdata.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(UserDataError, match="newer Broadsheet") as info:
        UserData.open(data_dir)
    assert "update Broadsheet" in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["userdata.db"]


# -- failing writes --------------------------------------------------------------------------
# We run as root in CI, where file modes do not stop writes; these force real SQLite errors
# on the open connection instead: SQLITE_FULL through max_page_count, SQLITE_READONLY through
# query_only.


def test_a_full_disk_raises_and_keeps_the_saved_note(data_dir: Path) -> None:
    with UserData.open(data_dir) as store:
        store.set_note(URL, "saved before")
        store.add_bookmark(URL, "Flood hits town")
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(UserDataError) as info:
            store.set_note(URL, "typed but not saved " * 5000)
        message = str(info.value)
        assert message.startswith(f"{data_dir / 'userdata.db'}: could not save the note")
        assert "free some disk space" in message
        assert store.note(URL) == "saved before"
        store.set_note(URL, "short")  # a write that fits still works
    with UserData.open(data_dir) as store:
        assert store.note(URL) == "short"
        assert store.is_bookmarked(URL)


def test_a_read_only_file_raises_and_keeps_earlier_data(data_dir: Path) -> None:
    with UserData.open(data_dir) as store:
        store.set_note(URL, "saved before")
        store.set_position(URL, 0.5)
        store._conn.execute("PRAGMA query_only = ON")
        with pytest.raises(UserDataError, match="could not save the note"):
            store.set_note(URL, "typed but not saved")
        with pytest.raises(UserDataError, match="could not save the reading position"):
            store.set_position(URL, 0.9)
        with pytest.raises(UserDataError, match="could not save the bookmark"):
            store.add_bookmark(URL, "Flood hits town")
        assert store.note(URL) == "saved before"
        assert store.position(URL) == 0.5
    with UserData.open(data_dir) as store:
        assert store.note(URL) == "saved before"
        assert store.bookmarks() == []


# -- keyed by URL, not by archive id ---------------------------------------------------------

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
BBC = SEEDS / "bbc_trump_team.txt"
GUARDIAN = SEEDS / "guardian_tillerson.txt"
NYT = SEEDS / "nytimes_billy_bush.txt"


def test_a_rebuilt_archive_with_other_ids_keeps_bookmarks_and_notes(
    tmp_path: Path, data_dir: Path
) -> None:
    from desktop.data.archive import Archive
    from desktop.data.importer import import_seeds

    first, rebuilt = tmp_path / "first.db", tmp_path / "rebuilt.db"
    import_seeds([BBC, GUARDIAN], first)
    import_seeds([GUARDIAN, NYT], rebuilt)  # BBC is gone, the Guardian article renumbered

    with Archive(first) as archive, UserData.open(data_dir) as store:
        for ref in (BBC, GUARDIAN):
            record = archive.get(archive.resolve(_seed_url(ref)))
            store.add_bookmark(record.article.url, record.article.title)
            store.set_note(record.article.url, f"note on {record.article.outlet}")
        old_id = archive.resolve(_seed_url(GUARDIAN))

    with Archive(rebuilt) as archive, UserData.open(data_dir) as store:
        new_id = archive.resolve(_seed_url(GUARDIAN))
        assert new_id != old_id
        assert not store.is_bookmarked(archive.get(old_id).article.url)  # now the NYT article
        guardian = archive.get(new_id).article
        assert store.is_bookmarked(guardian.url)
        assert store.is_bookmarked(guardian.normalized_url)
        assert store.note(guardian.url) == f"note on {guardian.outlet}"
        # The BBC article is not in the rebuilt archive; its bookmark and note are kept.
        assert len(store.bookmarks()) == 2
        assert store.note(_seed_url(BBC)) == "note on BBC News"


def _seed_url(seed: Path) -> str:
    from desktop.data.seed import parse_seed

    return parse_seed(seed).url
