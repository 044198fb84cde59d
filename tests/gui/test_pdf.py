"""PDF export from the archive: what a reader finds in the file, checked with pypdf and poppler.

PDFs are exported once per module (in-process and through the CLI in a subprocess) and then
inspected by several tests.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import weakref
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, StreamObject
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop import __version__, pdf
from desktop.data.archive import Archive
from desktop.data.article import ArchivedArticle, Block, Gallery, GalleryItem, Paragraph
from desktop.errors import ExportError
from desktop.pdf import _lay_out, _page_geometry, export_pdf, progress_stage
from desktop.render import RenderOptions
from desktop.selection import ArticleSequence
from desktop.textdoc import PLACEHOLDER_SIZE, ArticleDocument, build_document
from desktop.ui.export import export_articles_dialog
from tests.conftest import pdf_outline

SEED_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)
HOSTILE_URL = "https://example.org/2016/11/02/markup-in-a-scraped-body"
ROOT = Path(__file__).resolve().parents[2]



# --- helpers --------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text as a reader compares it: a hyphen at a line end joins, all spacing is one space."""
    return " ".join(re.sub(r"-[ \t]*\n\s*", "-", text).split())


@functools.cache
def _extracted(path: Path, size: int) -> tuple[str, ...]:
    return tuple(page.extract_text() for page in PdfReader(path).pages)


def page_texts(path: Path) -> list[str]:
    """Each page's text (pypdf keeps a hyphen at a line end; pdftotext drops it)."""
    return list(_extracted(path, path.stat().st_size))


def pdf_text(path: Path) -> str:
    return flat("\n".join(page_texts(path)))


def first_words(text: str, n: int = 6) -> str:
    return " ".join(flat(text).split()[:n])


def run_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BROADSHEET_DATA_DIR=str(cwd / "user"))
    return subprocess.run(
        [sys.executable, "-m", "desktop", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


# --- module fixtures: export once, inspect many times ---------------------------------------


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def module_archive(archive_path: Path) -> Iterator[Archive]:
    opened = Archive(archive_path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def seed_record(module_archive: Archive) -> ArchivedArticle:
    return module_archive.get(module_archive.resolve(SEED_URL))


@pytest.fixture(scope="module")
def seed_pdf(qapp: object, module_archive: Archive, seed_record: ArchivedArticle,
             out_dir: Path) -> Path:
    path = out_dir / "seed.pdf"
    export_pdf([seed_record], path, archive_name="Test archive", images=module_archive)
    return path


@pytest.fixture(scope="module")
def pdfa_cli(archive_path: Path, out_dir: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    path = out_dir / "seed-pdfa.pdf"
    result = run_cli("export-pdf", SEED_URL, "--db", archive_path, "--pdfa", "-o", path,
                     cwd=out_dir)
    return result, path


@pytest.fixture(scope="module")
def section_cli(archive_path: Path, out_dir: Path) -> tuple[subprocess.CompletedProcess[str],
                                                             Path]:
    path = out_dir / "independent.pdf"
    result = run_cli("export-pdf", "--section", "The Independent", "--db", archive_path,
                     "--page-size", "Letter", "-o", path, cwd=out_dir)
    return result, path


@pytest.fixture(scope="module")
def hostile_pdf(qapp: object, module_archive: Archive, out_dir: Path) -> Path:
    path = out_dir / "hostile.pdf"
    record = module_archive.get(module_archive.resolve(HOSTILE_URL))
    export_pdf([record], path, archive_name="Test archive", images=module_archive)
    return path


# --- the seed article -----------------------------------------------------------------------


def test_seed_pdf_has_title_meta_line_and_url(seed_pdf: Path,
                                              seed_record: ArchivedArticle) -> None:
    text = pdf_text(seed_pdf)
    assert text.startswith(
        "Mosul offensive latest Isis escape route cut off new front launched shiite militia "
        "Hashed al-Shaabi The Independent · News › World › Middle East · 154 points · "
        f"15 comments {SEED_URL}"
    )


def test_seed_pdf_links_the_source_url(seed_pdf: Path) -> None:
    page = PdfReader(seed_pdf).pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    assert uris and set(uris) == {SEED_URL}  # one link area per line of the wrapped URL


def test_seed_pdf_has_every_paragraph_in_order(seed_pdf: Path,
                                               seed_record: ArchivedArticle) -> None:
    text = pdf_text(seed_pdf)
    paragraphs = seed_record.article.paragraphs
    assert len(paragraphs) == 12
    positions = [text.index(first_words(p.text)) for p in paragraphs]
    assert positions == sorted(positions)


def test_seed_pdf_has_all_28_captions_with_credits(seed_pdf: Path,
                                                   seed_record: ArchivedArticle) -> None:
    text = pdf_text(seed_pdf)
    gallery = seed_record.article.galleries[0]
    assert "In pictures: Mosul offensive 28 photos" in text
    assert len(gallery.items) == 28
    for item in gallery.items:
        credit = f" — {item.credit}" if item.credit else ""
        assert flat(f"{item.n}/28 {item.caption}{credit}") in text
    assert ("2/28 A boy who just fled Abu Jarbuah village is seen with his family at a Kurdish "
            "Peshmerga position between two front lines near Bashiqa, east of Mosul, Iraq — "
            "Reuters") in text
    assert "28/28 Iraqi forces drive their vehicles in the al-Shura area, south of Mosul — Getty" \
        in text


def test_seed_pdf_notes_the_embed_and_leaves_furniture_out(seed_pdf: Path) -> None:
    text = pdf_text(seed_pdf)
    assert "Video: Mosul battle: Civilians flee ahead of fighting — by admin" in text


def test_every_page_says_page_k_of_n_and_the_archive_name(seed_pdf: Path) -> None:
    pages = [flat(p) for p in page_texts(seed_pdf)]
    assert len(pages) >= 3
    for k, page in enumerate(pages, start=1):
        assert f"Page {k} of {len(pages)}" in page
        assert "Test archive" in page


def test_running_header_names_outlet_and_title_after_the_first_page(seed_pdf: Path) -> None:
    pages = [flat(p) for p in page_texts(seed_pdf)]
    for page in pages[1:]:
        assert "The Independent Mosul offensive latest Isis escape route" in page


def test_text_extracts_without_ligatures(seed_pdf: Path) -> None:
    raw = "".join(page_texts(seed_pdf))
    assert not re.search("[\ufb00-\ufb06]", raw)
    assert "fierce fight" in flat(raw) and "offensive" in raw


def test_seed_pdf_metadata(seed_pdf: Path) -> None:
    reader = PdfReader(seed_pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == ("Mosul offensive latest Isis escape route cut off new front launched "
                          "shiite militia Hashed al-Shaabi")
    assert meta.author == "The Independent"
    assert meta.subject == SEED_URL
    assert meta.creator == f"Broadsheet {__version__}"
    assert meta.creation_date is not None
    xmp = reader.xmp_metadata
    assert xmp is not None and xmp.dc_description == {"x-default": SEED_URL}


def test_seed_pdf_embeds_every_font(seed_pdf: Path) -> None:
    listing = subprocess.run(["pdffonts", str(seed_pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for row in listing:
        found = re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row)
        assert found is not None and found.group(1) == "yes", row
    assert any(row.startswith("DejaVuSerif ") for row in listing)


def test_single_article_has_one_outline_entry_and_a4_pages(seed_pdf: Path) -> None:
    reader = PdfReader(seed_pdf)
    assert pdf_outline(seed_pdf) == [(reader.metadata.title, 0)]  # type: ignore[union-attr]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_plain_export_is_not_pdfa(seed_pdf: Path) -> None:
    assert b"pdfaid:part" not in seed_pdf.read_bytes()


# --- hostile markup --------------------------------------------------------------------------


def test_hostile_markup_exports_as_literal_text(hostile_pdf: Path) -> None:
    text = pdf_text(hostile_pdf)
    assert 'The scraper kept this tag: <img src="file:///etc/passwd"> and it must stay text.' \
        in text
    assert 'A link <a href="file:///">x</a> and <b>bold</b> are not markup either.' in text
    assert "Ampersands & angle brackets < > are plain characters." in text


def test_hostile_markup_makes_no_image_or_file_link(hostile_pdf: Path) -> None:
    reader = PdfReader(hostile_pdf)
    page = reader.pages[0]
    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    assert uris and set(uris) == {HOSTILE_URL}
    assert list(page.images) == []
    assert b"file:" not in hostile_pdf.read_bytes().split(b"/URI")[-1][:200]


# --- the command line -----------------------------------------------------------------------


def test_cli_export_prints_the_path_and_exits_0(
    pdfa_cli: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, path = pdfa_cli
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, str(path), "")
    assert path.read_bytes().startswith(b"%PDF-")


def test_cli_batch_export_shows_both_stages_on_a_terminal_only(
    qapp: object, archive_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    from desktop.cli import main

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with Archive(archive_path) as archive:
        count = sum(g.count for g in archive.sections("The Independent"))
    assert count > 1
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "independent.pdf"
    argv = ["export-pdf", "--section", "The Independent", "--db", str(archive_path), "-o"]
    assert main([*argv, str(out)]) == 0
    drawn = terminal.getvalue()
    # Every article is prepared (its pages counted) before the first one is written.
    assert f"] 1/{count}" in drawn.split("\rwriting")[0]
    assert drawn.index("\rpreparing [") < drawn.index(f"\rwriting [{'.' * 30}] 0/{count}")
    assert drawn.endswith(f"\rwriting [{'#' * 30}] {count}/{count}\n")
    assert capsys.readouterr().out.strip() == str(out)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: no bar
    assert main([*argv, str(tmp_path / "again.pdf")]) == 0
    assert sys.stderr.getvalue() == ""


def test_cli_pdfa_writes_pdfa_1b_identification(
    pdfa_cli: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, path = pdfa_cli
    reader = PdfReader(path)
    root = reader.root_object
    metadata = root["/Metadata"].get_object()
    assert isinstance(metadata, StreamObject)
    xmp = metadata.get_data().decode("utf-8")
    assert 'pdfaid:part="1"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert f"<rdf:li xml:lang=\"x-default\">{SEED_URL}</rdf:li>" in xmp
    intents = root["/OutputIntents"].get_object()
    assert isinstance(intents, ArrayObject)
    assert [i.get_object()["/S"] for i in intents] == ["/GTS_PDFA1"]
    assert pdf_text(path).startswith("Mosul offensive latest Isis escape route")


def test_cli_section_exports_each_article_from_a_new_page_with_an_outline(
    section_cli: tuple[subprocess.CompletedProcess[str], Path], module_archive: Archive,
) -> None:
    result, path = section_cli
    assert result.returncode == 0, result.stderr
    titles = sorted(s.title for name in ("News/UK/Home News", "News/World/Middle East")
                    for s in module_archive.summaries_in("The Independent", name))
    entries = pdf_outline(path)
    assert sorted(title for title, _ in entries) == titles and len(entries) == 2
    pages = page_texts(path)
    starts = [page for _, page in entries]
    assert starts[0] == 0 and starts[1] > 0
    for title, start in entries:
        assert flat(pages[start]).startswith(title)
    assert f"Page 1 of {len(pages)}" in flat(pages[0])


def test_cli_letter_page_size(
    section_cli: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    box = PdfReader(section_cli[1]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_cli_search_exports_every_hit_into_one_pdf(archive_path: Path, out_dir: Path,
                                                   module_archive: Archive) -> None:
    path = out_dir / "search.pdf"
    result = run_cli("export-pdf", "--search", "the", "--db", archive_path, "-o", path,
                     cwd=out_dir)
    assert result.returncode == 0, result.stderr
    hits = module_archive.search("the", limit=1000)
    assert len(hits) > 2
    assert [title for title, _ in pdf_outline(path)] == [h.title for h in hits]


def test_cli_unknown_article_exits_2_with_one_line(archive_path: Path, out_dir: Path) -> None:
    path = out_dir / "unknown.pdf"
    result = run_cli("export-pdf", "999999", "--db", archive_path, "-o", path, cwd=out_dir)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no article with id or URL '999999'" in result.stderr
    assert not path.exists()


def test_cli_search_with_no_hits_exits_2(archive_path: Path, out_dir: Path) -> None:
    path = out_dir / "none.pdf"
    result = run_cli("export-pdf", "--search", "zzqqxxj", "--db", archive_path, "-o", path,
                     cwd=out_dir)
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "no article matches 'zzqqxxj'" in result.stderr
    assert not path.exists()


@pytest.mark.parametrize("target", ["missing-folder/out.pdf", "a-folder"])
def test_cli_unwritable_target_exits_2_and_leaves_no_file(
    archive_path: Path, tmp_path: Path, target: str,
) -> None:
    (tmp_path / "a-folder").mkdir()
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run_cli("export-pdf", "1", "--db", archive_path, "-o", tmp_path / target,
                     cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"broadsheet: {tmp_path / target}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    after = sorted(p.name for p in tmp_path.rglob("*") if p.parts[-2:-1] != ("user",)
                   and p.name != "user")
    assert after == before


def test_failed_write_leaves_the_existing_pdf_untouched(
    qapp: object, seed_record: ArchivedArticle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"%PDF-1.4 the reader's earlier export")

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("desktop.pdf.os.replace", disk_full)
    with pytest.raises(ExportError, match="No space left on device") as caught:
        export_pdf([seed_record], target, archive_name="Test archive")
    assert str(caught.value).startswith(f"{target}: cannot write the PDF")
    assert target.read_bytes() == b"%PDF-1.4 the reader's earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.pdf"]


def test_export_of_nothing_is_an_export_error(qapp: object, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="there are no articles to export"):
        export_pdf([], tmp_path / "x.pdf", archive_name="a")
    assert list(tmp_path.iterdir()) == []


def test_pdf_path_never_imports_qtwidgets(archive_path: Path, tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from desktop.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print('QtWidgets loaded' if 'PySide6.QtWidgets' in sys.modules else 'no QtWidgets')\n"
        "sys.exit(rc)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               BROADSHEET_DATA_DIR=str(tmp_path / "user"))
    result = subprocess.run(
        [sys.executable, "-c", probe, "export-pdf", "1", "--db", str(archive_path),
         "-o", str(tmp_path / "x.pdf")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "no QtWidgets"


# --- layout: headings stay with their text, no single lines across a page turn ---------------


def _articles_with_gallery_at_every_height(seed_record: ArchivedArticle) -> list[ArchivedArticle]:
    """Articles with 0..13 paragraphs before a gallery, so its heading lands everywhere."""
    body: list[Block] = list(seed_record.article.paragraphs)
    gallery = Gallery("Test gallery", 3, tuple(GalleryItem(n, f"Caption {n}", "AP")
                                               for n in range(1, 4)))
    records = []
    for k in range(14):
        blocks = (*(body * 2)[:k], gallery, *body[:3])
        article = replace(seed_record.article, title=f"Layout probe {k}", blocks=blocks)
        records.append(replace(seed_record, id=1000 + k, article=article))
    return records


def _line_pages(doc: QTextDocument, page_height: float) -> list[tuple[int, bool, list[int]]]:
    """(block number, is heading, page of each line) for every block with text."""
    layout = doc.documentLayout()
    out = []
    block = doc.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        pages = [int((top + lines.lineAt(i).y() + 1) // page_height)
                 for i in range(lines.lineCount())]
        if pages:
            out.append((block.blockNumber(), block.blockFormat().headingLevel() > 0, pages))
        block = block.next()
    return out


def test_headings_and_paragraphs_leave_no_line_alone_at_a_page_turn(qtbot: QtBot,
                                                     seed_record: ArchivedArticle) -> None:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    body = _page_geometry(writer).body
    checked = 0
    for record in _articles_with_gallery_at_every_height(seed_record):
        doc = build_document(record, None, RenderOptions(theme="print", web_links=True),
                             ligatures=False)
        _lay_out(doc, writer, body.size())
        blocks = _line_pages(doc, body.height())
        for i, (_, heading, pages) in enumerate(blocks):
            following = [p for _, _, ps in blocks[i + 1:] for p in ps][:2]
            if heading:
                assert all(p == pages[-1] for p in following), record.article.title
                checked += 1
            elif len(set(pages)) > 1:
                first = pages.count(pages[0])
                assert first > 1 and len(pages) - first > 1, (record.article.title, pages)
    assert checked >= 14


# --- textdoc: only archive images are ever loaded -------------------------------------------


class _Images:
    def __init__(self, data: dict[int, bytes]) -> None:
        self.data = data
        self.asked: list[int] = []

    def image(self, image_id: int) -> bytes | None:
        self.asked.append(image_id)
        return self.data.get(image_id)


def _png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 wants str, stubs bytes
    return bytes(buffer.data().data())


def test_build_document_registers_archive_images(qtbot: QtBot,
                                                 seed_record: ArchivedArticle) -> None:
    gallery = Gallery("G", 2, (GalleryItem(1, "one", None, image_id=7),
                               GalleryItem(2, "two", None, image_id=8)))
    record = replace(seed_record, article=replace(seed_record.article, blocks=(gallery,)))
    images = _Images({7: _png(30, 20)})
    doc = build_document(record, images)
    assert images.asked == [7, 8]
    found = doc.resource(QTextDocument.ResourceType.ImageResource.value,
                         QUrl("archive:image/7"))
    assert isinstance(found, QImage) and (found.width(), found.height()) == (30, 20)


def test_document_answers_any_other_resource_with_a_placeholder(qtbot: QtBot) -> None:
    doc = ArticleDocument()
    for url in ("file:///etc/passwd", "/dev/zero", "http://example.com/x.png"):
        got = doc.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(url))
        assert isinstance(got, QImage)
        assert (got.width(), got.height()) == PLACEHOLDER_SIZE
    assert doc.loadResource(QTextDocument.ResourceType.StyleSheetResource.value,
                            QUrl("file:///etc/passwd")) is None


def test_paragraph_with_markup_stays_text_in_the_document(qtbot: QtBot,
                                                          seed_record: ArchivedArticle) -> None:
    hostile = '<img src="file:///etc/passwd"> <a href="file:///">x</a>'
    record = replace(seed_record,
                     article=replace(seed_record.article, blocks=(Paragraph(hostile),)))
    doc = build_document(record, None)
    assert hostile in doc.toPlainText()
    assert "<img" not in doc.toHtml().split("<body")[1].replace("&lt;img", "")


# --- the window's export dialog --------------------------------------------------------------


class _Boxes:
    """Stands in for QMessageBox.exec: records each box and clicks the named button."""

    def __init__(self, click: str | None = None) -> None:
        self.shown: list[QMessageBox] = []
        self.click = click

    def exec(self, box: QMessageBox) -> int:
        self.shown.append(box)
        for button in box.buttons():
            if button.text() == self.click:
                button.click()
        return 0


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> _Boxes:
    recorder = _Boxes(click="Open folder")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: recorder.exec(box))
    return recorder


def _answer_save_dialog(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    proposed: list[str] = []

    def fake(parent: object, caption: str, path: str, filters: str) -> tuple[str, str]:
        proposed.append(path)
        return answer, filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return proposed


def test_export_dialog_writes_the_pdf_and_offers_the_folder(
    qtbot: QtBot, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: _Boxes,
) -> None:
    proposed = _answer_save_dialog(monkeypatch, str(tmp_path / "chosen"))
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    article_id = archive.resolve(SEED_URL)

    written = export_articles_dialog(None, archive, [article_id], "Mosul: day 12 / <b>")

    assert Path(proposed[0]).name == "Mosul - day 12 - b.pdf"
    assert written == tmp_path / "chosen.pdf"
    assert pdf_outline(written) == [(archive.get(article_id).article.title, 0)]
    assert [b.textFormat() for b in boxes.shown] == [Qt.TextFormat.PlainText]
    assert boxes.shown[0].text().startswith("Exported the article to chosen.pdf.")
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]


def test_export_dialog_shows_a_plain_text_failure(
    qtbot: QtBot, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: _Boxes,
) -> None:
    target = tmp_path / "no such folder" / "<b>x.pdf"
    _answer_save_dialog(monkeypatch, str(target))

    assert export_articles_dialog(None, archive, [1, 2], "two") is None

    assert [b.textFormat() for b in boxes.shown] == [Qt.TextFormat.PlainText]
    assert boxes.shown[0].text() == (
        f"The PDF could not be written.\n\n{target}: the folder does not exist "
        "(create it or choose another folder)"
    )
    assert not target.parent.exists()


def test_export_dialog_cancelled_writes_nothing(
    qtbot: QtBot, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: _Boxes,
) -> None:
    _answer_save_dialog(monkeypatch, "")
    assert export_articles_dialog(None, archive, [1], "x") is None
    assert boxes.shown == [] and list(tmp_path.iterdir()) == []


def test_gallery_images_from_the_archive_are_printed(
    qtbot: QtBot, seed_record: ArchivedArticle, tmp_path: Path,
) -> None:
    items = tuple(GalleryItem(n, f"Photo caption {n}", "AP", image_id=n if n != 2 else None)
                  for n in range(1, 5))
    article = replace(seed_record.article, blocks=(Gallery("Pictures", 4, items),))
    images = _Images({1: _png(64, 48), 3: _png(64, 48), 4: _png(64, 48)})
    path = tmp_path / "grid.pdf"
    export_pdf([replace(seed_record, article=article)], path, archive_name="a", images=images)
    assert sorted(images.asked) == [1, 3, 4]
    assert len(PdfReader(path).pages[0].images) == 3
    text = pdf_text(path)
    for n in range(1, 5):
        assert f"{n}/4 Photo caption {n} — AP" in text


# --- long batches: each article read when set, laid out again to be painted -----------------


class _CountingArchive:
    """The module archive, counting reads and how many records read are still alive."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self.reads = 0
        self.most_alive = 0
        self._alive: weakref.WeakSet[ArchivedArticle] = weakref.WeakSet()

    def get(self, article_id: int) -> ArchivedArticle:
        self.reads += 1
        record = self._archive.get(article_id)
        self._alive.add(record)
        self.most_alive = max(self.most_alive, len(self._alive))
        return record

    def image(self, image_id: int) -> bytes | None:
        return self._archive.image(image_id)


def _batch_ids(archive: Archive) -> list[int]:
    """Five articles, the seed (several pages, a gallery) among them."""
    ids = archive.ids_imported_since(None)
    seed = archive.resolve(SEED_URL)
    return [seed, *[i for i in ids if i != seed][:4]]


def _export_batch(archive: Archive, path: Path, keep: int, monkeypatch: pytest.MonkeyPatch,
                  progress: Callable[[int, int], None] | None = None) -> _CountingArchive:
    counting = _CountingArchive(archive)
    ids = _batch_ids(archive)
    monkeypatch.setattr(pdf, "KEEP_LAID_OUT", keep)
    export_pdf(ArticleSequence(counting, ids), path,  # type: ignore[arg-type]
               archive_name="Test archive", images=archive, progress=progress,
               notes={ids[1]: "My note on the second article.\nA second line."})
    return counting


def _pdftotext_pages(path: Path) -> list[str]:
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                            text=True, check=True, timeout=60)
    return result.stdout.split("\f")[:-1]


def test_a_long_batch_gives_the_same_pdf_as_one_kept_in_memory(
    qapp: object, module_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept, streamed = tmp_path / "kept.pdf", tmp_path / "streamed.pdf"
    _export_batch(module_archive, kept, 100, monkeypatch)
    _export_batch(module_archive, streamed, 2, monkeypatch)

    pages = _pdftotext_pages(streamed)
    assert len(pages) > 5
    assert pages == _pdftotext_pages(kept)
    for k, text in enumerate(pages, start=1):
        assert f"Page {k} of {len(pages)}" in text
    assert "My note on the second article." in "".join(pages)
    assert pdf_outline(streamed) == pdf_outline(kept)
    assert len(pdf_outline(streamed)) == 5
    info, kept_info = PdfReader(streamed).metadata, PdfReader(kept).metadata
    assert info is not None and kept_info is not None
    for key in ("/Title", "/Author", "/Subject"):
        assert info[key] == kept_info[key]
    assert str(info["/Title"]).endswith(" and 4 more")


def test_a_long_batch_reads_each_article_when_it_is_set_and_keeps_none(
    qapp: object, module_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    counting = _export_batch(module_archive, tmp_path / "out.pdf", 2, monkeypatch)
    assert counting.reads == 10  # counted, then painted
    assert counting.most_alive <= 3


def test_progress_prepares_then_writes_and_reports_the_last_step_before_the_rename(
    qapp: object, module_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "out.pdf"
    reports: list[tuple[int, int]] = []
    at_last: list[str] = []

    def progress(done: int, total: int) -> None:
        reports.append((done, total))
        if done == total:
            (temp,) = tmp_path.glob(".out.pdf.*.part")
            data = temp.read_bytes()
            assert data.startswith(b"%PDF") and data.endswith(b"%%EOF\n")
            at_last.extend(p.name for p in tmp_path.iterdir())

    _export_batch(module_archive, target, 2, monkeypatch, progress)
    assert reports == [(k, 10) for k in range(1, 11)]
    assert [progress_stage(*r) for r in reports] == (
        [("preparing", k, 5) for k in range(1, 5)] + [("writing", k, 5) for k in range(0, 6)]
    )
    assert len(at_last) == 1 and at_last[0] != "out.pdf"
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


class _StopError(Exception):
    """Stands in for the window's cancel."""


def test_a_stop_while_writing_leaves_the_existing_pdf_and_no_other_file(
    qapp: object, module_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"%PDF-1.4 the reader's earlier export")

    def progress(done: int, total: int) -> None:
        if done == 7:  # article 2 of 5 painted
            raise _StopError

    with pytest.raises(_StopError):
        _export_batch(module_archive, target, 2, monkeypatch, progress)
    assert target.read_bytes() == b"%PDF-1.4 the reader's earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.pdf"]


def test_an_article_laid_out_differently_the_second_time_is_an_export_error(
    qapp: object, module_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[int] = []
    original = pdf.build_document

    def changing(record: ArchivedArticle, *args: Any, **kwargs: Any) -> QTextDocument:
        doc = original(record, *args, **kwargs)
        if record.id in built:  # the second layout gains three pages of text
            pdf.append_notes(doc, "A line that was not there.\n" * 150)
        built.append(record.id)
        return doc

    monkeypatch.setattr(pdf, "build_document", changing)
    with pytest.raises(ExportError, match="article 1 of 5 came out on .* pages when written"):
        _export_batch(module_archive, tmp_path / "out.pdf", 2, monkeypatch)
    assert list(tmp_path.iterdir()) == []
