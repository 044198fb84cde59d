"""File › Export PDF… and the batch exports in the window: save dialog, progress, outcome.

QtWidgets lives here; the export itself is ``desktop.pdf.export_pdf``, the same function the
CLI calls. ``PdfExport`` runs it on a worker thread (QtGui only there: the worker builds, lays
out and paints the documents and never touches a widget) and reports progress through a
signal; ``ExportProgressDialog`` shows it ("Preparing article k of n", then "Writing article k
of n") with a Cancel that stops between articles, in either stage, leaving no file. When an
exported article has a note, a small options dialog first asks whether to add the notes as an
appendix. Failures the user can act on (``BroadsheetError``) are shown in a
plain-text message box; anything else is a bug and goes to the application's excepthook.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QStandardPaths, Qt, QUrl, Signal
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
from desktop.ui.tasks import ProgressRelay, run_in_background

#: Batches at least this long show their progress dialog at once.
PROGRESS_FROM = 2
#: A single article shows the progress dialog only when it takes longer than this.
SINGLE_ARTICLE_DELAY_MS = 600
PROGRESS_WIDTH = 380

_last_folder: Path | None = None
_include_notes = True
# An export is waiting in its own event loop: a second one must not start inside it.
_running = False


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
        The written PDF, or None when the user cancelled (at any step) or the export failed;
        also None at once while another export is running.
    """
    if not article_ids or _running:
        return None
    chosen_notes = ask_notes(parent, article_ids, notes or {})
    if chosen_notes is None:
        return None
    target = ask_target(parent, suggested_title)
    if target is None:
        return None
    try:
        written = _export(parent, archive, article_ids, target, chosen_notes)
    except BroadsheetError as exc:
        failure_box(parent, exc).exec()
        return None
    if not written:
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
            target: Path, notes: Mapping[int, str]) -> bool:
    """Run the export off the GUI thread behind a progress dialog, and wait for it.

    The GUI thread keeps handling events meanwhile (the window repaints, Cancel answers);
    the window-modal dialog keeps the reader from starting anything else in the window.

    Returns:
        True when the PDF was written, False when the reader cancelled (nothing written).

    Raises:
        BroadsheetError: the articles could not be read or the PDF not written.
    """
    global _running
    job = PdfExport(archive, article_ids, target, notes)
    progress = ExportProgressDialog(job, parent)
    outcome: list[bool | Exception] = []
    loop = QEventLoop()

    def finish(result: bool | Exception) -> None:
        outcome.append(result)
        loop.quit()

    job.finished.connect(finish)
    job.failed.connect(finish)
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    _running = True
    try:
        job.start()
        loop.exec()
    finally:
        _running = False
        QApplication.restoreOverrideCursor()
        progress.finish()
        job.deleteLater()
    result = outcome[0]
    if isinstance(result, Exception):
        raise result
    return result


class ExportCancelledError(Exception):
    """The reader cancelled an export before its PDF was written."""


class CancelSwitch:
    """Cancel for one export: asked for on the GUI thread, honoured by the worker between
    articles.

    Once the worker has finished the file it renames it into place whatever happens, so a
    request after that point is refused: the reader is never told "cancelled" about a file
    that was then written.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requested = False
        self._committed = False

    def request(self) -> bool:
        """Ask the export to stop; False when it is already writing the file."""
        with self._lock:
            if not self._committed:
                self._requested = True
            return self._requested

    def checkpoint(self, *, last: bool = False) -> None:
        """Called by the worker between articles; ``last`` commits to renaming the file into
        place.

        Raises:
            ExportCancelledError: cancel was asked for.
        """
        with self._lock:
            if self._requested:
                raise ExportCancelledError
            self._committed = self._committed or last


class PdfExport(QObject):
    """One PDF export of archive articles, run on a worker thread.

    The worker opens its own connection to the archive and hands ``desktop.pdf.export_pdf`` an
    ``ArticleSequence`` over it, which reads each article when it is set (QtGui only: the
    documents are built, laid out and painted on the worker, which never touches a widget).
    ``export_pdf`` writes a temporary file and renames it into place, so a cancel or a
    failure leaves no file and an existing target as it was.

    Signals:
        progressed(int, int): steps done and in all, as ``export_pdf`` reports them (two
            per article; delivered on the GUI thread).
        finished(bool): True when the PDF was written, False when it was cancelled.
        failed(object): the exception that stopped the export: a ``BroadsheetError``, or
            any other (a bug) for the caller to re-raise.
    """

    progressed = Signal(int, int)
    finished = Signal(bool)
    failed = Signal(object)

    def __init__(self, archive: Archive, article_ids: Sequence[int], target: Path,
                 notes: Mapping[int, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._archive = archive
        self._ids = list(article_ids)
        self._target = target
        self._notes = dict(notes)
        self._cancel = CancelSwitch()
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self.progressed)

    @property
    def total(self) -> int:
        """Articles to export."""
        return len(self._ids)

    @property
    def target(self) -> Path:
        return self._target

    def start(self) -> None:
        """Start the worker; ``finished`` or ``failed`` follows on the GUI thread."""
        run_in_background(self._work, self._on_work_done, self._on_work_failed)

    def cancel(self) -> bool:
        """Stop after the article being set or written; False when the finished PDF is
        already being renamed into place."""
        return self._cancel.request()

    def _work(self) -> bool:
        """The worker: read, set and write. Never touches a widget."""
        from desktop.pdf import export_pdf
        from desktop.selection import ArticleSequence

        archive = self._archive.reopen()
        try:
            def report(done: int, total: int) -> None:
                self._cancel.checkpoint(last=done == total)
                self._relay(done, total)

            export_pdf(ArticleSequence(archive, self._ids), self._target,
                       archive_name=self._archive.path.name, images=archive, progress=report,
                       notes=self._notes)
        except ExportCancelledError:
            # Leaving this block drops the traceback, and with it the documents built on this
            # thread: they are freed here, not on the GUI thread.
            return False
        except BroadsheetError as exc:
            # The same error without its frames, which held the documents of this thread.
            raise exc.with_traceback(None) from exc.__cause__
        finally:
            archive.close()
        return True

    def _on_work_done(self, written: bool) -> None:
        self.finished.emit(written)

    def _on_work_failed(self, exc: Exception) -> None:
        self.failed.emit(exc)


class ExportProgressDialog(QProgressDialog):
    """The progress of one ``PdfExport``: "Preparing article k of n" (set, pages counted),
    then "Writing article k of n", and Cancel until the finished file is renamed into place
    (the worker no longer stops then).

    A batch shows it at once; a single article only when it takes longer than
    ``SINGLE_ARTICLE_DELAY_MS``, so a quick export does not flash a dialog.
    """

    def __init__(self, job: PdfExport, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._job = job
        self._done = 0
        self.setWindowTitle("Export PDF")
        self.setLabelText(self._label(0, 2 * job.total))
        self.setRange(0, 2 * job.total)
        self.cancel_button = QPushButton("Cancel", self)
        self.setCancelButton(self.cancel_button)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(PROGRESS_WIDTH)
        self.setMinimumDuration(0 if job.total >= PROGRESS_FROM else SINGLE_ARTICLE_DELAY_MS)
        self.setValue(0)
        self.canceled.connect(self._on_canceled)
        job.progressed.connect(self._on_job_progressed)

    def _label(self, done: int, total: int) -> str:
        """What the worker is doing after ``done`` of ``total`` steps (two per article)."""
        articles = total // 2
        if done >= total:
            return f"Saving {self._job.target.name}…"
        if articles == 1:
            return "Exporting the article…"
        if done < articles:
            return f"Preparing article {done + 1} of {articles}…"
        return f"Writing article {done - articles + 1} of {articles}…"

    def _on_job_progressed(self, done: int, total: int) -> None:
        # setValue() of a modal progress dialog processes events, so a later report can be
        # handled inside it: everything else is set first, and an older report changes nothing.
        if done <= self._done:
            return
        self._done = done
        self.setLabelText(self._label(done, total))
        if done >= total:
            self.cancel_button.setEnabled(False)
        self.setValue(min(done, total))

    def _on_canceled(self) -> None:
        self._job.cancel()

    def finish(self) -> None:
        """Close and dispose of the dialog once the export has ended."""
        self._job.progressed.disconnect(self._on_job_progressed)
        self.canceled.disconnect(self._on_canceled)
        self.close()
        self.deleteLater()


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
