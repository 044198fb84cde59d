"""The reader's lists as the window shows them: tree rows for bookmarks and saved searches,
and the Go › Recently read menu.

Reads ``UserData`` (keyed by normalised URL) and resolves each URL in the open ``Archive``,
so an archive rebuilt with other ids still finds the article; an entry whose article is not in
this archive is kept and shown greyed with its saved title. No SQL and no markup here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu

from desktop.data.archive import Archive
from desktop.data.userdata import SavedSearch, UserData
from desktop.errors import BroadsheetError
from desktop.ui.models import UserEntry, section_label

RECENT_LIMIT = 15
NOT_HERE = "Not in this archive"


def find_article(archive: Archive, url: str) -> int | None:
    """The id of the article at ``url`` in ``archive``, or None when it is not there."""
    try:
        return archive.resolve(url)
    except BroadsheetError:
        return None


def bookmark_entries(userdata: UserData, archive: Archive) -> list[UserEntry]:
    """Every bookmark, the latest first, with its article in ``archive`` when it is there."""
    entries = []
    for bookmark in userdata.bookmarks():
        article_id = find_article(archive, bookmark.url)
        where = bookmark.url if article_id is not None else f"{NOT_HERE}: {bookmark.url}"
        entries.append(UserEntry(bookmark.title, bookmark.url, f"{bookmark.title}\n{where}",
                                 article_id))
    return entries


def search_description(search: SavedSearch) -> str:
    """"query" in outlet › section, as a tooltip says it."""
    where = [x for x in (search.outlet, section_label(search.section or "")) if x]
    scope = " › ".join(where) if search.outlet else "all outlets"
    return f"“{search.query}” in {scope}"


def saved_search_entries(userdata: UserData) -> list[UserEntry]:
    """Every saved search, by name."""
    return [UserEntry(s.name, s.name, search_description(s)) for s in userdata.saved_searches()]


def fill_recent_menu(
    menu: QMenu, userdata: UserData, archive: Archive, open_article: Callable[[int], object]
) -> None:
    """Fill Go › Recently read with the latest articles; absent ones are shown disabled."""
    menu.clear()
    try:
        recent = userdata.recent(RECENT_LIMIT)
    except BroadsheetError as exc:
        menu.addAction(f"Cannot read your history: {exc.reason}").setEnabled(False)
        return
    if not recent:
        menu.addAction("Nothing read yet").setEnabled(False)
        return
    for entry in recent:
        article_id = find_article(archive, entry.url)
        # "&" would become a mnemonic marker in a menu item.
        action = menu.addAction(entry.title.replace("&", "&&"))
        action.setToolTip(entry.url if article_id is not None else f"{NOT_HERE}: {entry.url}")
        action.setEnabled(article_id is not None)
        if article_id is not None:
            action.triggered.connect(lambda _=False, i=article_id: open_article(i))
