"""The gallery grid and lightbox as a user meets them: cards, keyboard, images, hostile text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QLabel, QListView, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from desktop.data.article import (
    ArchivedArticle,
    Article,
    Block,
    Gallery,
    GalleryItem,
    Paragraph,
)
from desktop.data.seed import parse_seed
from desktop.ui.gallery import (
    CARD_SPACING,
    LIGHTBOX_CAPTION_CHARS,
    GalleryModel,
    GalleryRole,
    GalleryView,
    LightboxDialog,
    decode_image,
    elide_lines,
)
from tests.conftest import SEED_FILE

# PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call; painting
# a grid of cards a few times would abort the test process without this.

# The offscreen platform says this on every show(); harmless (PLATFORM-NOTES.md).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

IMAGE_ID = 7
IMAGE_ROW = 2  # photo 3/28 carries the archive image
CIRCLE = QColor("#c03020")


def seed_gallery() -> Gallery:
    """The sample seed's gallery as the parser reads it; photo 3/28 gets an archive image."""
    gallery = parse_seed(SEED_FILE).galleries[0]
    items = tuple(
        dataclasses.replace(item, image_id=IMAGE_ID) if item.n == 3 else item
        for item in gallery.items
    )
    return dataclasses.replace(gallery, items=items)


def make_record(*blocks: Block) -> ArchivedArticle:
    article = Article(
        url="http://www.independent.co.uk/news/world/middle-east/mosul-a7386276.html",
        normalized_url="independent.co.uk/news/world/middle-east/mosul-a7386276.html",
        domain="independent.co.uk",
        outlet="The Independent",
        section=("News", "World", "Middle East"),
        date=None,
        title="Mosul offensive latest",
        score=154,
        comments=15,
        blocks=(Paragraph("Forces have begun a major new stage."), *blocks),
    )
    return ArchivedArticle(id=1, article=article, versions=1, imported_at="2026-11-26T12:00:00")


def png_bytes() -> bytes:
    """A 640×420 PNG: a blue-grey field with a red circle in the middle."""
    image = QImage(640, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#6080a0"))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(CIRCLE)
    painter.drawEllipse(220, 110, 200, 200)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes; PySide takes str
    return bytes(buffer.data().data())


class FakeArchive:
    """Stands in for ``Archive``: one stored image; records what was asked for."""

    def __init__(self) -> None:
        self.data = png_bytes()
        self.requests: list[int] = []

    def image(self, image_id: int) -> bytes | None:
        self.requests.append(image_id)
        return self.data if image_id == IMAGE_ID else None


@pytest.fixture
def archive() -> FakeArchive:
    return FakeArchive()


@pytest.fixture
def record() -> ArchivedArticle:
    return make_record(seed_gallery())


@pytest.fixture
def view(qtbot: QtBot, record: ArchivedArticle, archive: FakeArchive) -> GalleryView:
    widget = GalleryView()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.set_article(record, archive)
    widget.show()
    qtbot.waitExposed(widget)
    widget.list_view().setFocus()
    return widget


def open_with_enter(qtbot: QtBot, view: GalleryView, gallery_index: int, n: int) -> LightboxDialog:
    assert view.select_item(gallery_index, n)
    qtbot.keyClick(view.list_view(), Qt.Key.Key_Return)
    lightbox = view.lightbox()
    assert lightbox is not None
    qtbot.waitUntil(lightbox.isActiveWindow)  # key shortcuts go to the active window
    return lightbox


def button_named(dialog: LightboxDialog, name: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.accessibleName() == name)


def colour_distance(a: QColor, b: QColor) -> int:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())


# --- the model ------------------------------------------------------------------------------


def test_model_has_one_row_per_photo_of_the_seed_gallery(qapp: object) -> None:
    model = GalleryModel()
    model.set_article(make_record(seed_gallery()), None)
    assert model.rowCount() == 28


def test_model_roles_give_caption_credit_and_number(qapp: object) -> None:
    model = GalleryModel()
    model.set_article(make_record(seed_gallery()), None)
    second = model.index(1, 0)
    assert second.data(GalleryRole.CAPTION) == (
        "A boy who just fled Abu Jarbuah village is seen with his family at a Kurdish "
        "Peshmerga position between two front lines near Bashiqa, east of Mosul, Iraq"
    )
    assert second.data(Qt.ItemDataRole.DisplayRole) == second.data(GalleryRole.CAPTION)
    assert second.data(GalleryRole.CREDIT) == "Reuters"
    assert second.data(GalleryRole.LABEL) == "2/28"
    assert second.data(GalleryRole.NUMBER) == 2
    assert second.data(GalleryRole.TOTAL) == 28
    assert second.data(GalleryRole.GALLERY_INDEX) == 0
    assert second.data(Qt.ItemDataRole.AccessibleTextRole).startswith("Photo 2 of 28. A boy")
    first = model.index(0, 0)
    assert first.data(GalleryRole.CREDIT) is None
    assert first.data(GalleryRole.LABEL) == "1/28"


def test_model_rows_span_every_gallery_of_the_article(qapp: object) -> None:
    first = Gallery("Mosul offensive", 2, (GalleryItem(1, "a", None), GalleryItem(2, "b", "AP")))
    second = Gallery("Aleppo", 3, tuple(GalleryItem(n, f"c{n}", "Getty") for n in (1, 2, 3)))
    model = GalleryModel()
    model.set_article(make_record(first, Paragraph("between"), second), None)
    assert model.rowCount() == 5
    assert [model.index(r, 0).data(GalleryRole.GALLERY_INDEX) for r in range(5)] == [0, 0, 1, 1, 1]
    assert model.index(4, 0).data(GalleryRole.LABEL) == "3/3"
    assert model.row_of(1, 2) == 3
    assert model.row_of(1, 9) is None


def test_model_passes_the_qt_model_tester(qtmodeltester: object, archive: FakeArchive) -> None:
    model = GalleryModel()
    model.set_article(make_record(seed_gallery()), archive)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_article(None, None)
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_model_decodes_an_image_on_first_request_and_announces_it(
    qtbot: QtBot, archive: FakeArchive
) -> None:
    model = GalleryModel()
    model.set_article(make_record(seed_gallery()), archive)
    assert archive.requests == []
    index = model.index(IMAGE_ROW, 0)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert blocker.args is not None
    assert blocker.args[0].row() == IMAGE_ROW
    assert blocker.args[2] == [Qt.ItemDataRole.DecorationRole]
    thumbnail = index.data(Qt.ItemDataRole.DecorationRole)
    assert not thumbnail.isNull()
    assert index.data(Qt.ItemDataRole.DecorationRole).cacheKey() == thumbnail.cacheKey()
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert archive.requests == [IMAGE_ID]


def test_model_shows_no_image_for_bytes_that_are_not_one(qtbot: QtBot) -> None:
    class GarbageArchive:
        def image(self, image_id: int) -> bytes | None:
            return b"\x89PNG this is not an image"

    model = GalleryModel()
    model.set_article(make_record(seed_gallery()), GarbageArchive())
    index = model.index(IMAGE_ROW, 0)
    with qtbot.waitSignal(model.dataChanged):
        index.data(Qt.ItemDataRole.DecorationRole)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert decode_image(b"") is None


def test_long_caption_is_cut_to_two_lines_ending_in_an_ellipsis(qapp: object) -> None:
    caption = seed_gallery().items[22].caption
    lines = elide_lines(caption, QFont(), 180, 2)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert caption.startswith(lines[0])
    assert elide_lines("Iraqi pro-government forces", QFont(), 400, 2) == [
        "Iraqi pro-government forces"
    ]


def test_megabyte_caption_is_cut_to_two_lines(qapp: object) -> None:
    caption = "word " * 200_000 + "END"
    lines = elide_lines(caption, QFont(), 200, 2)
    assert len(lines) == 2
    assert lines[1].endswith("…")
    assert "END" not in lines[1]


# --- the grid ---------------------------------------------------------------------------------


def test_grid_header_names_the_gallery_and_counts_photos(view: GalleryView) -> None:
    assert view.header_text() == "In pictures: Mosul offensive — 28 photos"
    assert not view.is_empty()


def test_grid_paints_cards_and_the_archive_image(
    qtbot: QtBot, view: GalleryView, tmp_path: Path
) -> None:
    model = view.model()
    qtbot.waitUntil(
        lambda: model.index(IMAGE_ROW, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    )
    shot = view.grab().toImage()
    shot.save(str(tmp_path / "gallery.png"))
    colours = {shot.pixel(x, y) for x in range(0, shot.width(), 7)
               for y in range(0, shot.height(), 7)}
    assert len(colours) > 40
    # the middle of the card's 3:2 tile (8 px padding) shows the middle of the photo
    card = view.list_view().visualRect(model.index(IMAGE_ROW, 0))
    tile_middle = card.topLeft() + QPoint(card.width() // 2, 8 + (card.width() - 16) // 3)
    middle = view.list_view().viewport().mapTo(view, tile_middle)
    assert colour_distance(QColor(shot.pixel(middle)), CIRCLE) < 30
    first_middle = view.list_view().viewport().mapTo(
        view, view.list_view().visualRect(model.index(0, 0)).topLeft() + (middle - card.topLeft())
    )
    assert colour_distance(QColor(shot.pixel(first_middle)), CIRCLE) > 100


def test_grid_fills_rows_of_four_cards_at_900_pixels(view: GalleryView) -> None:
    grid = view.list_view()
    cards = [grid.visualRect(view.model().index(row, 0)) for row in range(5)]
    assert len({card.top() for card in cards[:4]}) == 1
    assert cards[4].top() > cards[0].bottom()
    assert cards[4].left() == cards[0].left()
    assert 0 < grid.viewport().width() - cards[3].right() <= 2 * CARD_SPACING  # no ragged gap
    assert not grid.horizontalScrollBar().isVisible()


def test_select_item_scrolls_the_photo_into_view(view: GalleryView) -> None:
    grid = view.list_view()
    assert view.select_item(0, 28)
    card = grid.visualRect(view.model().index(27, 0))
    assert grid.viewport().rect().contains(card)


def test_empty_article_shows_the_empty_state(qtbot: QtBot, view: GalleryView) -> None:
    view.set_article(make_record(), None)
    assert view.is_empty()
    assert view.empty_text() == "This article has no photos"
    grid = view.findChild(QListView, "gallery_grid")
    empty = view.findChild(QWidget, "gallery_empty")
    header = view.findChild(QLabel, "gallery_header")
    assert grid is not None and empty is not None and header is not None
    assert not grid.isVisible()
    assert empty.isVisible()
    assert not header.isVisible()
    assert view.model().rowCount() == 0


def test_no_article_shows_the_empty_state(view: GalleryView) -> None:
    view.set_article(None, None)
    assert view.is_empty()
    assert view.empty_text() == "No article is open"


def test_select_item_selects_that_photo(view: GalleryView) -> None:
    assert view.select_item(0, 17)
    assert view.list_view().currentIndex().data(GalleryRole.LABEL) == "17/28"
    assert view.list_view().selectionModel().isSelected(view.list_view().currentIndex())
    assert not view.select_item(0, 29)
    assert not view.select_item(3, 1)


def test_hostile_gallery_title_shows_literally(qtbot: QtBot) -> None:
    widget = GalleryView()
    qtbot.addWidget(widget)
    gallery = Gallery("<b>x</b>", 1, (GalleryItem(1, "c", None),))
    widget.set_article(make_record(gallery), None)
    assert widget.header_text() == "In pictures: <b>x</b> — 1 photo"
    header = widget.findChild(QLabel, "gallery_header")
    assert header is not None
    assert header.textFormat() == Qt.TextFormat.PlainText


# --- the lightbox -----------------------------------------------------------------------------


def test_enter_opens_the_lightbox_on_the_selected_photo(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 5)
    assert lightbox.caption_label().text() == (
        "Kurdish Peshmerga soldiers, stationed between two front lines, listen to a man "
        "who just fled Abu Jarbuah village, near Bashiqa, east of Mosul, Iraq"
    )
    assert lightbox.credit_label().text() == "Reuters"
    assert lightbox.counter_text() == "5 of 28"


def test_double_click_opens_the_lightbox(qtbot: QtBot, view: GalleryView) -> None:
    grid = view.list_view()
    rect = grid.visualRect(view.model().index(3, 0))
    # a real double-click: press, release, then the double-click event
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    lightbox = view.lightbox()
    assert lightbox is not None
    qtbot.waitUntil(lightbox.isVisible)
    assert lightbox.counter_text() == "4 of 28"


def test_arrow_keys_step_through_the_photos(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 5)
    qtbot.keyClick(lightbox, Qt.Key.Key_Right)
    assert lightbox.counter_text() == "6 of 28"
    assert lightbox.caption_label().text().startswith("A couple who just fled")
    qtbot.keyClick(lightbox, Qt.Key.Key_Left)
    qtbot.keyClick(lightbox, Qt.Key.Key_Left)
    assert lightbox.counter_text() == "4 of 28"
    assert view.list_view().currentIndex().row() == 3


def test_arrow_keys_work_while_a_button_has_focus(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 2)
    button = button_named(lightbox, "Next photo")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Right)
    assert lightbox.counter_text() == "3 of 28"


def test_arrow_keys_stop_at_the_first_and_last_photo(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 1)
    qtbot.keyClick(lightbox, Qt.Key.Key_Left)
    assert lightbox.counter_text() == "1 of 28"
    assert view.select_item(0, 28)
    lightbox.reject()
    lightbox = open_with_enter(qtbot, view, 0, 28)
    qtbot.keyClick(lightbox, Qt.Key.Key_Right)
    assert lightbox.counter_text() == "28 of 28"


def test_escape_closes_the_lightbox(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 5)
    qtbot.keyClick(lightbox, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not lightbox.isVisible())


def test_show_in_article_emits_the_gallery_index_and_closes(
    qtbot: QtBot, view: GalleryView
) -> None:
    first = Gallery("First", 1, (GalleryItem(1, "a", None),))
    second = Gallery("Second", 2, (GalleryItem(1, "b", None), GalleryItem(2, "c", "AP")))
    view.set_article(make_record(first, second), None)
    lightbox = open_with_enter(qtbot, view, 1, 2)
    button = button_named(lightbox, "Show in article")
    with qtbot.waitSignal(view.show_in_article) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args == [1]
    qtbot.waitUntil(lambda: not lightbox.isVisible())


def test_lightbox_shows_the_archive_image(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 3)
    assert not lightbox.pixmap().isNull()
    assert (lightbox.pixmap().width(), lightbox.pixmap().height()) == (640, 420)
    qtbot.keyClick(lightbox, Qt.Key.Key_Right)
    assert lightbox.pixmap().isNull()


def test_hostile_caption_shows_literally(qtbot: QtBot, view: GalleryView) -> None:
    gallery = Gallery("t", 1, (GalleryItem(1, "<b>x</b>", "<i>AP</i>"),))
    view.set_article(make_record(gallery), None)
    lightbox = open_with_enter(qtbot, view, 0, 1)
    assert lightbox.caption_label().text() == "<b>x</b>"
    assert lightbox.caption_label().textFormat() == Qt.TextFormat.PlainText
    assert lightbox.credit_label().text() == "<i>AP</i>"
    assert lightbox.credit_label().textFormat() == Qt.TextFormat.PlainText
    tooltip = view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>x</b>" not in tooltip
    assert "&lt;b&gt;x&lt;/b&gt;" in tooltip


def test_overlong_caption_scrolls_instead_of_stretching_the_lightbox(
    qtbot: QtBot, view: GalleryView
) -> None:
    gallery = Gallery("t", 1, (GalleryItem(1, "x" * 50_000, "AP"),))
    view.set_article(make_record(gallery), None)
    lightbox = open_with_enter(qtbot, view, 0, 1)
    assert lightbox.width() <= 900
    assert lightbox.caption_label().text() == "x" * LIGHTBOX_CAPTION_CHARS + "…"
    area = lightbox.findChild(QScrollArea, "caption_area")
    assert area is not None
    assert area.horizontalScrollBar().maximum() > 0


def test_lightbox_widgets_have_accessible_names(qtbot: QtBot, view: GalleryView) -> None:
    lightbox = open_with_enter(qtbot, view, 0, 1)
    names = {w.accessibleName() for w in lightbox.findChildren(QWidget)}
    assert {"Photo", "Caption", "Credit", "Photo number", "Previous photo", "Next photo",
            "Show in article"} <= names
