"""File › Export PDF… in the window: save dialog, progress, and what happened afterwards.

QtWidgets lives here; the export itself is ``desktop.pdf.export_pdf``, the same function the
CLI calls. The export runs on the GUI thread (QTextDocument layout and font lookup belong
there) with a QProgressDialog that repaints between articles. When an exported article has a
note, a small options dialog first asks whether to add the notes as an appendix. Failures the
user can act on (``BroadsheetError``) are shown in a plain-text message box; anything else is
a bug and goes to the application's excepthook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.data.archive import Archive
from desktop.errors import BroadsheetError
from desktop.filenames import safe_filename

#: Batches at least this long get a progress dialog; a single article exports in a blink.
PROGRESS_FROM = 2

_last_folder: Path | None = None
_include_notes = True


class ExportOptionsDialog(QDialog):
    """Asks, before saving, whether the reader's notes go into the PDF as an appendix."""

    def __init__(self, parent: QWidget | None, noted: int, total: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export PDF")
        which = "this article" if total == 1 else f"{noted} of these {total} articles"
        label = QLabel(f"You have a note on {which}.", self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.include_notes = QCheckBox("Include my notes as an appendix", self)
        self.include_notes.setChecked(_include_notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.include_notes)
        layout.addWidget(buttons)


def ask_notes(parent: QWidget | None, article_ids: Sequence[int],
              notes: Mapping[int, str]) -> Mapping[int, str] | None:
    """The notes to include: {} when there are none or the reader said no, None on cancel."""
    global _include_notes
    noted = {i: notes[i] for i in article_ids if notes.get(i, "").strip()}
    if not noted:
        return {}
    dialog = ExportOptionsDialog(parent, len(noted), len(article_ids))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    _include_notes = dialog.include_notes.isChecked()
    return noted if _include_notes else {}


def export_articles_dialog(
    parent: QWidget | None,
    archive: Archive,
    article_ids: Sequence[int],
    suggested_title: str,
    notes: Mapping[int, str] | None = None,
) -> Path | None:
    """Ask where to save, export ``article_ids`` into one PDF, and report the outcome.

    Args:
        notes: the reader's notes by article id; when one of the articles has one, the
            reader is asked whether to add them as an appendix.

    Returns:
        The written PDF, or None when the user cancelled or the export failed.
    """
    if not article_ids:
        return None
    chosen_notes = ask_notes(parent, article_ids, notes or {})
    if chosen_notes is None:
        return None
    target = ask_target(parent, suggested_title)
    if target is None:
        return None
    try:
        _export(parent, archive, article_ids, target, chosen_notes)
    except BroadsheetError as exc:
        failure_box(parent, exc).exec()
        return None
    box, open_folder = success_box(parent, target, len(article_ids))
    box.exec()
    if box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))
    return target


def ask_target(parent: QWidget | None, suggested_title: str) -> Path | None:
    """The save dialog, proposing a safe name from the title in the last folder used."""
    global _last_folder
    folder = _last_folder or Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        or Path.home()
    )
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Export PDF", str(folder / safe_filename(suggested_title)),
        "PDF documents (*.pdf)",
    )
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    _last_folder = target.parent
    return target


def _export(parent: QWidget | None, archive: Archive, article_ids: Sequence[int],
            target: Path, notes: Mapping[int, str]) -> None:
    from desktop.pdf import export_pdf

    progress: QProgressDialog | None = None
    if len(article_ids) >= PROGRESS_FROM:
        progress = QProgressDialog("Setting the articles…", "", 0, len(article_ids), parent)
        progress.setWindowTitle("Export PDF")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setValue(0)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress.setLabelText(f"Setting article {done} of {total}…")
            progress.setValue(done)
            QApplication.processEvents()

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        records = [archive.get(i) for i in article_ids]
        export_pdf(records, target, archive_name=archive.path.name, images=archive,
                   progress=report, notes=notes)
    finally:
        QApplication.restoreOverrideCursor()
        if progress is not None:
            progress.close()
            progress.deleteLater()


def failure_box(parent: QWidget | None, exc: BroadsheetError) -> QMessageBox:
    """The failure, in plain text (a file name like ``<b>x.pdf`` is not markup)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Export PDF",
                      f"The PDF could not be written.\n\n{exc}",
                      QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def success_box(parent: QWidget | None, target: Path,
                count: int) -> tuple[QMessageBox, QPushButton]:
    """"Exported … to NAME." in plain text, with Open folder and Close buttons."""
    what = "the article" if count == 1 else f"{count} articles"
    box = QMessageBox(QMessageBox.Icon.Information, "Export PDF",
                      f"Exported {what} to {target.name}.\n\nFolder: {target.parent}",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    open_folder = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    return box, open_folder
