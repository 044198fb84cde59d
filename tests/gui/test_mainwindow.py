"""The main window as a reader uses it: tree, search, reader, find, history, themes, safety."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFontInfo,
    QGuiApplication,
    QIcon,
    QImage,
    QKeySequence,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QToolBar
from pytestqt.qtbot import QtBot

from desktop import textdoc
from desktop.data.archive import Archive
from desktop.data.article import Furniture
from desktop.data.importer import import_seeds
from desktop.data.userdata import Setting, UserData
from desktop.typography import PALETTES, READING_WIDTH_EM
from desktop.ui.actions import GLYPH, ICON_SIZES, STAR_FILL
from desktop.ui.mainwindow import (
    GALLERY_TAB,
    READER_TAB,
    RESULTS_PAGE,
    TREE_PAGE,
    ArticleTreeView,
    MainWindow,
    ResultsView,
)
from desktop.ui.models import Role
from desktop.ui.reader import ReaderView

# The offscreen platform says this on every show(); harmless (PLATFORM-NOTES.md).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

GUARDIAN_URL = (
    "https://www.theguardian.com/us-news/2016/dec/11/"
    "rex-tillerson-director-bahamas-us-russian-oil-firm-leak"
)
GUARDIAN_TITLE = "Rex Tillerson director Bahamas US-Russian oil firm leak"
MOSUL_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)
HOSTILE_URL = "https://example.org/2016/11/02/markup-in-a-scraped-body"
HOSTILE_LINES = (
    '<img src="file:///etc/passwd">',
    '<a href="file:///">x</a>',
    '<img src="/dev/zero">',
    "<link rel=\"stylesheet\" href=\"file:///etc/passwd\">",
)
LAST_WORD = "zanzibarfinale"
ODD_QUERIES = ['"', "AND", "*", "(", "NEAR(", "", " ", "x" * 5000, "-", "a OR", "'", "\\", "\x00"]


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any message box fails the test instead of blocking it."""
    shown: list[str] = []

    def fail(box: QMessageBox) -> int:
        shown.append(box.text())
        raise AssertionError(f"unexpected message box: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", fail)
    return shown


@pytest.fixture(scope="module")
def hostile_archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hostile markup in every paragraph, and a 1 MB paragraph."""
    folder = tmp_path_factory.mktemp("hostile")
    body = "\n\n".join(HOSTILE_LINES)
    (folder / "hostile.txt").write_text(f"{HOSTILE_URL}\n3\n1\n{body}\n", encoding="utf-8")
    words = ("lorem ipsum dolor sit amet " * 40_000)[:1_000_000]
    (folder / "huge.txt").write_text(
        f"https://example.org/2016/11/03/huge-paragraph\n1\n1\n{words} {LAST_WORD}\n",
        encoding="utf-8",
    )
    db = folder / "hostile.db"
    import_seeds(sorted(folder.glob("*.txt")), db)
    return db


@pytest.fixture
def hostile_window(qtbot: QtBot, hostile_archive_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(Archive(hostile_archive_path), theme="light")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.search_bar.shutdown()
    win.archive.close()


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        window.search_bar.search_now(text)


def word_prefix_count(text: str, word: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}\w*", text, re.IGNORECASE))


def links_and_images(doc: QTextDocument) -> tuple[list[str], list[str]]:
    """Every link target and image source in ``doc``, in document order."""
    links: list[str] = []
    images: list[str] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                images.append(fmt.toImageFormat().name())
            elif fmt.isAnchor() and fmt.anchorHref() and fmt.anchorHref() not in links:
                links.append(fmt.anchorHref())
            it += 1
        block = block.next()
    return links, images


def shown_titles(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


# -- window ----------------------------------------------------------------------------------


def test_title_names_the_archive_and_status_bar_counts_articles(
    window: MainWindow, archive: Archive
) -> None:
    assert archive.path.name in window.windowTitle()
    assert window.count_label.text() == f"{archive.article_count()} articles"


def test_selecting_an_article_in_the_tree_opens_it(window: MainWindow) -> None:
    model = window.tree_model
    outlets = [model.index(r, 0) for r in range(model.rowCount())]
    outlet = next(i for i in outlets if i.data() == "The Guardian")
    window.tree.expand(outlet)
    section = model.index(0, 0, outlet)
    window.tree.expand(section)
    article = model.index(0, 0, section)
    window.tree.setCurrentIndex(article)
    assert window.current is not None
    assert window.current.article.title == GUARDIAN_TITLE
    assert window.reader.toPlainText().startswith(GUARDIAN_TITLE)


def test_opening_by_reference_selects_the_article_in_the_tree(
    window: MainWindow, archive: Archive
) -> None:
    assert window.open_reference(GUARDIAN_URL)
    assert window.tree.currentIndex().data() == GUARDIAN_TITLE
    assert window.tree.currentIndex().parent().data() == "US News"


def test_sorting_the_tree_keeps_the_open_article_selected(window: MainWindow) -> None:
    window.open_reference(GUARDIAN_URL)
    window.sort_combo.setCurrentIndex(window.sort_combo.findText("Score"))
    assert window.tree_model.order == "score"
    assert window.tree.currentIndex().data() == GUARDIAN_TITLE


@pytest.fixture
def long_section_archive(tmp_path: Path) -> Iterator[Archive]:
    """40 articles in one Guardian section, then another outlet below it in the tree."""
    folder = tmp_path / "long"
    folder.mkdir()
    for i in range(40):
        (folder / f"g{i:02}.txt").write_text(
            f"https://www.theguardian.com/us-news/2016/dec/{i % 28 + 1:02}/story-number-{i}\n"
            f"{i}\n{i}\nBody text of story {i}.\n",
            encoding="utf-8",
        )
    (folder / "z.txt").write_text(
        "https://example.org/2016/11/02/after\n1\n1\nThe outlet below.\n", encoding="utf-8"
    )
    import_seeds(sorted(folder.glob("*.txt")), tmp_path / "long.db")
    archive = Archive(tmp_path / "long.db")
    yield archive
    archive.close()


def test_scrolling_a_long_section_in_mid_tree_loads_all_its_pages(
    qtbot: QtBot, long_section_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import models

    monkeypatch.setattr(models, "PAGE", 5)
    monkeypatch.setattr(models, "REVEAL", 5)
    win = MainWindow(long_section_archive, theme="light")
    qtbot.addWidget(win)
    win.resize(900, 400)
    win.show()
    model = win.tree_model
    outlet = model.index(0, 0)
    assert outlet.data() == "The Guardian" and model.index(1, 0).data() == "example.org"
    win.tree.expand(outlet)
    section = model.index(0, 0, outlet)
    win.tree.expand(section)
    assert model.rowCount(section) < 40

    def scrolled_to_the_end() -> bool:
        win.tree.scrollTo(model.index(model.rowCount(section) - 1, 0, section))
        return model.rowCount(section) == 40

    qtbot.waitUntil(scrolled_to_the_end, timeout=5000)
    win.search_bar.shutdown()


# -- search ----------------------------------------------------------------------------------


def test_typing_a_query_lists_hits_once_typing_pauses(qtbot: QtBot, window: MainWindow) -> None:
    queries: list[str] = []
    window.search_bar.search_finished.connect(lambda _g, q, _hits: queries.append(q))
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        qtbot.keyClicks(window.search_bar.field, "bahamas")
    assert queries == ["bahamas"]  # one query after the pause, not one per key
    assert shown_titles(window) == [GUARDIAN_TITLE]
    assert window.side.currentIndex() == RESULTS_PAGE
    assert window.results_label.text() == "1 result for “bahamas”"
    snippet = window.results_model.index(0, 0).data(Role.SNIPPET_PARTS)
    assert any(matched and text.lower() == "bahamas" for text, matched in snippet)


def test_down_arrow_in_the_search_field_opens_the_first_hit(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.commands.search.trigger()
    assert window.search_bar.field.hasFocus()
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        qtbot.keyClicks(window.search_bar.field, "bahamas")
    qtbot.keyClick(window.search_bar.field, Qt.Key.Key_Down)
    assert window.results_view.hasFocus()
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE


def test_results_appearing_never_open_an_article_by_themselves(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.tree.setFocus()
    qtbot.waitUntil(window.tree.hasFocus, timeout=1000)
    search(qtbot, window, "trump")
    assert window.side.currentIndex() == RESULTS_PAGE
    assert window.current is None
    assert window.search_bar.field.hasFocus()


def test_clearing_the_search_field_goes_back_to_the_tree(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "tillerson")
    with qtbot.waitSignal(window.search_bar.search_cleared, timeout=5000):
        window.search_bar.search_now("")
    assert window.side.currentIndex() == TREE_PAGE
    assert window.results_model.rowCount() == 0


def test_a_superseded_search_never_shows_its_results(qtbot: QtBot, window: MainWindow) -> None:
    finished: list[str] = []
    window.search_bar.search_finished.connect(lambda _g, q, _hits: finished.append(q))
    window.search_bar.search_now("mosul")
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        window.search_bar.search_now("bahamas")
    window.search_bar.shutdown()  # wait for every worker, then deliver what is queued
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    assert finished == ["bahamas"]
    assert shown_titles(window) == [GUARDIAN_TITLE]


def test_filters_limit_the_search_to_an_outlet(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, "trump")
    outlets = {window.results_model.hit(r).outlet for r in range(window.results_model.rowCount())}
    assert len(outlets) > 1
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        window.search_bar.outlet_combo.setCurrentIndex(
            window.search_bar.outlet_combo.findText("Reuters")
        )
    hits = [window.results_model.hit(r) for r in range(window.results_model.rowCount())]
    assert hits and {h.outlet for h in hits} == {"Reuters"}


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda q: repr(q[:12]))
def test_the_search_field_never_raises_on_odd_input(
    qtbot: QtBot, window: MainWindow, query: str, no_message_boxes: list[str]
) -> None:
    failures: list[str] = []
    window.search_bar.search_failed.connect(failures.append)
    bar = window.search_bar
    expected = bar.search_finished if query.strip() else bar.search_cleared
    with qtbot.waitSignal(expected, timeout=5000):
        bar.search_now(query)
    assert failures == []
    assert no_message_boxes == []


def test_opening_a_search_hit_marks_the_words_and_steps_through_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "tillerson")
    row = shown_titles(window).index(GUARDIAN_TITLE)
    window.results_view.setCurrentIndex(window.results_model.index(row, 0))
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    # Every "Tillerson…" word is marked, except inside the source URL.
    text = window.reader.toPlainText().replace(window.current.article.url, "")
    n = word_prefix_count(text, "tillerson")
    assert n >= 3
    assert window.find_bar.isVisible()
    assert window.find_bar.count_label.text() == f"1 of {n}"
    first = window.reader.toPlainText().lower().index("tillerson")  # in the title
    assert window.reader.textCursor().position() == first
    window.find_bar.next_button.click()
    assert window.find_bar.count_label.text() == f"2 of {n}"
    window.find_bar.previous_button.click()
    assert window.find_bar.count_label.text() == f"1 of {n}"
    hl = QColor(PALETTES["light"].highlight).name()
    assert hl in window.reader.toHtml()


# -- reader ----------------------------------------------------------------------------------


def test_find_in_article_highlights_every_match_with_k_of_n(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_reference(MOSUL_URL)
    window.commands.find.trigger()
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.field, "mosul")
    n = window.reader.toPlainText().lower().count("mosul")
    assert n > 5
    assert window.find_bar.count_label.text() == f"1 of {n}"
    assert len(window.reader.extraSelections()) == n
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert window.find_bar.count_label.text() == f"2 of {n}"
    window.commands.find_previous.trigger()
    window.commands.find_previous.trigger()
    assert window.find_bar.count_label.text() == f"{n} of {n}"
    qtbot.keyClicks(window.find_bar.field, "qqq")
    assert window.find_bar.count_label.text() == "No matches"
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    assert window.reader.extraSelections() == []


def test_find_stays_open_across_articles_and_themes(qtbot: QtBot, window: MainWindow) -> None:
    window.open_reference(MOSUL_URL)
    window.commands.find.trigger()
    qtbot.keyClicks(window.find_bar.field, "isis")
    n = window.reader.toPlainText().lower().count("isis")
    assert window.find_bar.count_label.text() == f"1 of {n}"
    window.commands.theme_dark.trigger()
    assert window.find_bar.count_label.text() == f"1 of {n}"
    window.open_reference(GUARDIAN_URL)
    assert window.find_bar.isVisible()
    assert "isis" not in window.reader.toPlainText().lower()
    assert window.find_bar.count_label.text() == "No matches"


def test_back_and_forward_move_through_opened_articles(
    window: MainWindow, archive: Archive
) -> None:
    a, b, c = (archive.resolve(u) for u in (GUARDIAN_URL, MOSUL_URL, HOSTILE_URL))
    assert not window.commands.back.isEnabled()
    for article_id in (a, b, c):
        window.open_article(article_id)
    window.commands.back.trigger()
    assert window.current is not None and window.current.id == b
    window.commands.back.trigger()
    assert window.current.id == a
    assert not window.commands.back.isEnabled()
    window.commands.forward.trigger()
    assert window.current.id == b
    window.open_article(a)  # a new article drops the forward history
    assert not window.commands.forward.isEnabled()
    window.commands.back.trigger()
    assert window.current.id == b


def test_theme_switch_changes_the_article_colours_and_the_palette(window: MainWindow) -> None:
    window.open_reference(MOSUL_URL)
    light, dark = PALETTES["light"], PALETTES["dark"]
    assert light.text in window.reader.toHtml()
    window.commands.theme_dark.trigger()
    assert window.theme() == "dark"
    html = window.reader.toHtml()
    assert dark.text in html and light.text not in html
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert window.reader.palette().color(QPalette.ColorRole.Base) == QColor(dark.background)
    window.commands.theme_light.trigger()
    assert light.text in window.reader.toHtml()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 160


def test_system_theme_follows_the_os_colour_scheme(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import mainwindow

    window.open_reference(MOSUL_URL)
    monkeypatch.setattr(mainwindow, "system_is_dark", lambda: True)
    window.commands.theme_system.trigger()
    assert window.theme() == "dark"
    assert PALETTES["dark"].text in window.reader.toHtml()
    monkeypatch.setattr(mainwindow, "system_is_dark", lambda: False)
    window._on_color_scheme_changed(Qt.ColorScheme.Light)
    assert PALETTES["light"].text in window.reader.toHtml()


def test_a_start_follows_the_remembered_os_scheme_then_asks_the_os(
    qtbot: QtBot, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import mainwindow

    asked: list[bool] = []

    def os_is_light() -> bool:
        asked.append(False)
        return False

    monkeypatch.setattr(mainwindow, "system_is_dark", os_is_light)
    userdata = UserData.open(tmp_path / "data")
    userdata.set_setting(Setting.SYSTEM_DARK, True)
    palette = QApplication.palette()
    win = MainWindow(archive, theme="system", userdata=userdata)
    qtbot.addWidget(win)
    try:
        # Dark from the start, as the OS was last time, without asking it before the paint.
        assert win.theme() == "dark" and not asked
        assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor("#232427")
        win.check_system_scheme()  # the app does this once the window is painted
        assert asked == [False]
        assert win.theme() == "light"
        assert QApplication.palette().color(QPalette.ColorRole.Window) != QColor("#232427")
        assert userdata.setting(Setting.SYSTEM_DARK) is False
    finally:
        win.search_bar.shutdown()
        QApplication.setPalette(palette)
        userdata.close()


def test_the_first_start_of_all_asks_the_os_and_remembers_it(
    qtbot: QtBot, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import mainwindow

    monkeypatch.setattr(mainwindow, "system_is_dark", lambda: False)
    userdata = UserData.open(tmp_path / "data")
    win = MainWindow(archive, theme="system", userdata=userdata)
    qtbot.addWidget(win)
    try:
        assert win.theme() == "light"
        assert userdata.setting(Setting.SYSTEM_DARK) is False
    finally:
        win.search_bar.shutdown()
        userdata.close()


def test_toolbar_icons_are_drawn_at_every_size(window: MainWindow) -> None:
    a = window.commands
    for action in (a.back, a.forward, a.bookmark, a.export_pdf):
        sizes = {(s.width(), s.height()) for s in action.icon().availableSizes()}
        assert sizes == {(n, n) for n in ICON_SIZES}
    # The back arrow's middle is the glyph grey; the star is hollow until it is checked.
    back = a.back.icon().pixmap(24, 24).toImage()
    assert back.pixelColor(12, 12) == QColor(GLYPH)
    star = a.bookmark.icon()
    hollow = star.pixmap(24, 24, QIcon.Mode.Normal, QIcon.State.Off).toImage()
    filled = star.pixmap(24, 24, QIcon.Mode.Normal, QIcon.State.On).toImage()
    assert hollow.pixelColor(12, 13).alpha() == 0
    assert filled.pixelColor(12, 13) == QColor(STAR_FILL)


@pytest.mark.parametrize("view_class", [ArticleTreeView, ResultsView])
def test_a_right_click_on_a_list_asks_for_its_context_menu_where_it_was(
    qtbot: QtBot, view_class: type[ArticleTreeView | ResultsView]
) -> None:
    view = view_class()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    at = QPoint(40, 30)
    with qtbot.waitSignal(view.customContextMenuRequested) as asked:
        QApplication.sendEvent(view.viewport(),
                               QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at,
                                                 view.viewport().mapToGlobal(at)))
    assert asked.args == [at]


def test_page_furniture_shows_only_when_asked(window: MainWindow, archive: Archive) -> None:
    window.open_reference(GUARDIAN_URL)
    furniture = [
        b.text for b in archive.get(archive.resolve(GUARDIAN_URL)).article.blocks
        if isinstance(b, Furniture)
    ]
    assert furniture
    assert furniture[0] not in window.reader.toPlainText()
    window.commands.show_furniture.trigger()
    assert furniture[0] in window.reader.toPlainText()
    window.commands.show_furniture.trigger()
    assert furniture[0] not in window.reader.toPlainText()


def test_text_column_is_a_readable_measure_centred_in_the_reader(window: MainWindow) -> None:
    window.open_reference(MOSUL_URL)
    reader = window.reader
    em = QFontInfo(reader.document().defaultFont()).pixelSize()
    assert reader.viewport().width() > READING_WIDTH_EM * em + 100
    assert reader.text_column_width() == pytest.approx(READING_WIDTH_EM * em, abs=2)
    fmt = reader.document().rootFrame().frameFormat()
    assert fmt.leftMargin() == fmt.rightMargin() > 48


def test_zoom_in_out_and_reset_change_the_text_size(window: MainWindow) -> None:
    window.open_reference(MOSUL_URL)
    size = window.reader.document().defaultFont().pointSizeF()
    window.commands.zoom_in.trigger()
    window.commands.zoom_in.trigger()
    assert window.reader.document().defaultFont().pointSizeF() == size + 2
    window.commands.zoom_out.trigger()
    assert window.reader.document().defaultFont().pointSizeF() == size + 1
    window.open_reference(GUARDIAN_URL)  # zoom stays for the next article
    assert window.reader.document().defaultFont().pointSizeF() == size + 1
    window.commands.zoom_reset.trigger()
    assert window.reader.document().defaultFont().pointSizeF() == size


def test_gallery_links_show_that_photo_and_show_in_article_comes_back(
    window: MainWindow,
) -> None:
    window.open_reference(MOSUL_URL)
    window.reader.anchorClicked.emit(QUrl("broadsheet:gallery/0/3"))
    assert window.tabs.currentIndex() == GALLERY_TAB
    grid = window.gallery.list_view()
    assert grid.currentIndex().row() == 2
    window.gallery.show_in_article.emit(0)
    assert window.tabs.currentIndex() == READER_TAB
    assert window.reader.verticalScrollBar().value() > 0


def test_source_link_opens_the_browser_only_after_confirmation(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    answers: list[str] = []

    def refuse(url: str) -> bool:
        answers.append(url)
        return False

    monkeypatch.setattr(window, "confirm_leave_offline", refuse)
    window.open_reference(MOSUL_URL)
    window.reader.anchorClicked.emit(QUrl("broadsheet:source"))
    assert answers == [MOSUL_URL] and opened == []
    monkeypatch.setattr(window, "confirm_leave_offline", lambda url: True)
    window.reader.anchorClicked.emit(QUrl("broadsheet:source"))
    assert opened == [MOSUL_URL]


def test_other_links_in_the_reader_are_ignored(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window.open_reference(MOSUL_URL)
    for link in ("file:///etc/passwd", "https://example.org/", "broadsheet:gallery/x/1"):
        window.reader.anchorClicked.emit(QUrl(link))
    assert opened == []
    assert window.tabs.currentIndex() == READER_TAB
    assert window.current is not None and window.current.article.url == MOSUL_URL


def test_copy_citation_copies_title_outlet_date_and_url(window: MainWindow) -> None:
    window.open_reference(GUARDIAN_URL)
    window.commands.copy_citation.trigger()
    assert QGuiApplication.clipboard().text() == (
        f"“{GUARDIAN_TITLE}”, The Guardian, 11 December 2016. {GUARDIAN_URL}?utm_source=feed"
    )


def test_export_pdf_offers_the_open_article_then_the_search_results(
    qtbot: QtBot, window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui import export

    asked: list[tuple[list[int], str]] = []
    monkeypatch.setattr(
        export, "export_articles_dialog",
        lambda parent, arch, ids, title, notes=None: asked.append((list(ids), title)),
    )
    toolbar_actions = [a for tb in window.findChildren(QToolBar) for a in tb.actions()]
    assert window.commands.export_pdf in toolbar_actions
    search(qtbot, window, "trump")
    window.commands.export_pdf.trigger()
    assert asked == [(window.results_model.article_ids(), "trump")]
    window.open_reference(GUARDIAN_URL)
    window.commands.export_pdf.trigger()
    assert asked[-1] == ([archive.resolve(GUARDIAN_URL)], GUARDIAN_TITLE)


def test_opening_another_archive_replaces_tree_search_and_title(
    window: MainWindow, hostile_archive_path: Path
) -> None:
    window.open_reference(GUARDIAN_URL)
    assert window.open_archive_file(hostile_archive_path)
    try:
        assert window.current is None
        assert hostile_archive_path.name in window.windowTitle()
        assert window.count_label.text() == "2 articles"
        assert window.tree_model.outlet_names() == ["example.org"]
        assert not window.commands.back.isEnabled()
        assert window.search_bar.outlet_combo.itemText(1) == "example.org"
    finally:
        window.archive.close()


def test_about_names_the_versions_and_the_archive_build_date(
    window: MainWindow, archive: Archive
) -> None:
    import sqlite3

    from PySide6.QtCore import qVersion

    text = window.about_text()
    assert f"Qt {qVersion()}" in text
    assert f"SQLite {sqlite3.sqlite_version}" in text
    assert f"Built: {archive.metadata()['built_at']}" in text


def test_a_corrupt_archive_is_refused_with_a_plain_message(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[tuple[str, str]] = []
    monkeypatch.setattr(window, "show_error", lambda title, text: errors.append((title, text)))
    bad = tmp_path / "<b>bad<i>.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    old = window.archive
    assert not window.open_archive_file(bad)
    assert errors and str(bad) in errors[0][1]
    assert window.archive is old


# -- safety ----------------------------------------------------------------------------------


def test_hostile_seed_shows_literally_and_loads_nothing_from_disk(
    hostile_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, Any]] = []
    for cls in (ReaderView, textdoc.ArticleDocument):
        original = cls.loadResource

        def recording(self: Any, kind: int, url: Any, _original: Any = original) -> Any:
            result = _original(self, kind, url)
            asked.append((QUrl(url).toString(), result))
            return result

        monkeypatch.setattr(cls, "loadResource", recording)
    hostile_window.open_reference(HOSTILE_URL)
    text = hostile_window.reader.toPlainText()
    for line in HOSTILE_LINES:
        assert line in text
    links, images = links_and_images(hostile_window.reader.document())
    assert links == ["broadsheet:source"]
    assert images == []
    # Anything asked for got a placeholder image (at most 160 px wide), never file contents.
    served = [
        url for url, result in asked if not (isinstance(result, QImage) and result.width() <= 160)
    ]
    assert served == []
    assert all(not url.startswith("archive:") for url, _ in asked)


def test_reader_answers_a_local_file_image_with_its_placeholder(
    qtbot: QtBot, tmp_path: Path
) -> None:
    red = QImage(40, 30, QImage.Format.Format_RGB32)
    red.fill(QColor("red"))
    png = tmp_path / "red.png"
    assert red.save(str(png))
    reader = ReaderView()
    qtbot.addWidget(reader)
    url = QUrl.fromLocalFile(str(png))
    reader.setHtml(f'<p>x<img src="{url.toString()}"></p>')
    loaded = reader.document().resource(QTextDocument.ResourceType.ImageResource.value, url)
    assert isinstance(loaded, QImage)
    assert (loaded.width(), loaded.height()) != (40, 30)
    assert loaded.pixelColor(0, 0) != QColor("red")


def test_a_one_megabyte_paragraph_opens_and_can_be_searched(
    qtbot: QtBot, hostile_window: MainWindow
) -> None:
    assert hostile_window.open_reference("https://example.org/2016/11/03/huge-paragraph")
    text = hostile_window.reader.toPlainText()
    assert len(text) > 1_000_000
    assert text.rstrip().endswith(LAST_WORD)
    hostile_window.commands.find.trigger()
    qtbot.keyClicks(hostile_window.find_bar.field, LAST_WORD)
    assert hostile_window.find_bar.count_label.text() == "1 of 1"


def test_tree_and_results_have_accessible_names(window: MainWindow) -> None:
    names = {
        w.accessibleName()
        for w in (window.tree, window.results_view, window.reader, window.search_bar.field)
    }
    assert "" not in names and len(names) == 4


def test_every_menu_action_is_in_a_menu_and_standard_keys_are_bound(window: MainWindow) -> None:
    in_menus = {
        a for menu_action in window.menuBar().actions() for a in _menu_actions(menu_action.menu())
    }
    assert set(window.commands.all()) <= in_menus
    assert window.commands.back.shortcuts() == QKeySequence.keyBindings(
        QKeySequence.StandardKey.Back
    )
    assert QKeySequence("Ctrl+K") in window.commands.search.shortcuts()
    assert QKeySequence("Ctrl+0") in window.commands.zoom_reset.shortcuts()


def _menu_actions(menu: Any) -> list[Any]:
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += _menu_actions(action.menu())
        else:
            found.append(action)
    return found

