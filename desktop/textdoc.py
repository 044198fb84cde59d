"""The article as a QTextDocument: render.py's HTML plus the archive's own images.

QtGui only (no QtWidgets): the reader and the PDF exporter both call ``build_document``.
The document loads nothing but ``archive:image/<id>`` resources it registered itself from
``archive.image(id)``; any other URL (``file:``, ``http:``, a path) gets a blank placeholder,
so hostile seed text can never make Qt read a local file.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QImage, QTextCharFormat, QTextCursor, QTextDocument

from desktop.data.article import ArchivedArticle, Gallery
from desktop.override import override
from desktop.render import RenderOptions, render_article
from desktop.typography import BODY_FONT_FAMILIES, BODY_POINT_SIZE

IMAGE_SCHEME = "archive"
#: Size of the placeholder drawn for an image the archive does not hold (matches render.py's
#: thumbnail width at a 3:2 ratio).
PLACEHOLDER_SIZE = (160, 107)


class ImageSource(Protocol):
    """What build_document needs of an archive: image bytes by id (None when absent)."""

    def image(self, image_id: int) -> bytes | None: ...


class ArticleDocument(QTextDocument):
    """A QTextDocument that serves only the images registered on it."""

    @override
    def loadResource(self, kind: int, name: QUrl | str, /) -> Any:  # noqa: N802
        # Registered resources are found in the cache before this is called; whatever is
        # asked for here is unknown, and must not fall through to Qt's file loading.
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return placeholder_image()
        return None


def placeholder_image() -> QImage:
    """A plain tile standing in for a missing photo."""
    image = QImage(*PLACEHOLDER_SIZE, QImage.Format.Format_RGB32)
    image.fill(QColor("#d8d4cb"))
    return image


def default_font() -> QFont:
    """The body face (first installed of render.BODY_FONT_FAMILIES) at the body size."""
    font = QFont()
    font.setFamilies(list(BODY_FONT_FAMILIES))
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(BODY_POINT_SIZE)
    return font


def image_url(image_id: int) -> QUrl:
    return QUrl(f"{IMAGE_SCHEME}:image/{int(image_id)}")


def build_document(
    record: ArchivedArticle,
    archive: ImageSource | None,
    options: RenderOptions | None = None,
    *,
    ligatures: bool = True,
) -> QTextDocument:
    """The rendered article as a document, with its archive images registered.

    Args:
        record: the article.
        archive: where images come from; None renders placeholders for every photo.
        options: passed to ``render.render_article`` (default: light theme).
        ligatures: False turns the ``liga`` feature off, so PDF text extracts as plain letters
            ("fi", not U+FB01).
    """
    doc = ArticleDocument()
    font = default_font()
    if not ligatures:
        font.setFeature(QFont.Tag.fromString("liga"), 0)
    doc.setDefaultFont(font)
    if archive is not None:
        _register_images(doc, record, archive)
    doc.setHtml(render_article(record, options or RenderOptions()))
    if not ligatures:
        _disable_ligatures(doc)
    return doc


def _register_images(doc: QTextDocument, record: ArchivedArticle, archive: ImageSource) -> None:
    for block in record.article.blocks:
        if not isinstance(block, Gallery):
            continue
        for item in block.items:
            if item.image_id is None:
                continue
            data = archive.image(item.image_id)
            image = QImage.fromData(data) if data else QImage()
            if not image.isNull():
                doc.addResource(QTextDocument.ResourceType.ImageResource.value,
                                image_url(item.image_id), image)


def _disable_ligatures(doc: QTextDocument) -> None:
    # Character formats from the HTML carry their own font families, and a merged font
    # feature is the one setting that reaches every run of text.
    fmt = QTextCharFormat()
    fmt.setFontFeatures({QFont.Tag.fromString("liga"): 0})
    cursor = QTextCursor(doc)
    cursor.select(QTextCursor.SelectionType.Document)
    cursor.mergeCharFormat(fmt)
