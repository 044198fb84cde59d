"""The reader's own imports and the bundled-archive merge, run off the GUI thread.

``ArchiveUpdates`` is what the window holds: File › Import seeds…, drops, and the merge.
``SeedImport`` imports seed files and folders into the user's archive (made first as a copy of
the bundled one, as ``broadsheet import`` does) a chunk of files at a time, so a cancel takes
effect between chunks and what finished stays. ``ImportFlow`` wraps it in the window's
dialogs: a progress dialog with Cancel, then a plain-text report listing every rejected file
with its reason. ``BundledMerge`` merges a newer bundled archive into the user's at start.
The work itself is ``desktop.data`` code (``import_seeds``, ``merge_bundled``); nothing here
touches the archive but through those functions, and both modules are imported inside the
functions that run an import or a merge, so the window's start never loads the importer.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.data.archive import Archive
from desktop.errors import BroadsheetError
from desktop.ui.tasks import ProgressRelay, run_in_background

if TYPE_CHECKING:
    # Imported late (STYLE §5.8): the importer, with sqlite_utils, and the merge are loaded
    # when an import or a merge runs, never before the window's first paint.
    from desktop.data.importer import ImportReport
    from desktop.data.userarchive import MergeReport
    from desktop.ui.mainwindow import MainWindow

CHUNK_FILES = 25
"""Seed files imported per background call; a cancel stops between two of them."""
STATUS_MS = 8000
PROGRESS_WIDTH = 420


def _utc_now() -> str:
    """Now, as the importer stamps ``imported_at`` (UTC, whole seconds)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, BroadsheetError) else repr(exc)


def _add_report(total: ImportReport, part: ImportReport) -> None:
    total.new += part.new
    total.updated += part.updated
    total.unchanged += part.unchanged
    total.rejected.extend(part.rejected)
    total.warnings.extend(part.warnings)


class SeedImport(QObject):
    """One import of seed files and folders into the user's archive, chunk by chunk.

    Signals:
        progressed(int, int): seed files done and in all.
        chunk_finished(int, int): a chunk was stored; files done and in all.
        finished(object): the ``ImportReport`` of every chunk that ran.
        failed(str): the archive could not be made or written (the reason, one sentence).
    """

    progressed = Signal(int, int)
    chunk_finished = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, sources: Sequence[str | Path], parent: QObject | None = None) -> None:
        from desktop.data.importer import ImportReport

        super().__init__(parent)
        self._sources = [Path(s) for s in sources]
        self._target: Path | None = None
        self._files: list[Path] = []
        self._done = 0
        self._cancelled = False
        self._report = ImportReport()
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)
        self._started_at = _utc_now()
        # Articles stamped at or after the start before this import wrote anything.
        self._baseline: set[int] = set()

    @property
    def target(self) -> Path | None:
        """The archive imported into (known once the import has started)."""
        return self._target

    def imported_ids(self, archive: Archive) -> list[int]:
        """The articles this import added or updated in ``archive`` (the target), by id."""
        since = archive.ids_imported_since(self._started_at)
        return [i for i in since if i not in self._baseline]

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def done(self) -> int:
        """Seed files finished so far."""
        return self._done

    @property
    def total(self) -> int:
        """Seed files found in the sources."""
        return len(self._files)

    def start(self) -> None:
        """Make the user's archive if needed, find the seed files, then import them."""
        run_in_background(self._prepare, self._on_prepared, self._on_failed)

    def cancel(self) -> None:
        """Stop after the chunk being imported; what finished stays in the archive."""
        self._cancelled = True

    def _prepare(self) -> tuple[Path, list[Path], ImportReport, set[int]]:
        from desktop.cli import _user_archive_for_import
        from desktop.data.importer import ImportReport, collect_seed_files

        report = ImportReport()
        files = collect_seed_files(self._sources, report)
        target = _user_archive_for_import()
        baseline: set[int] = set()
        if target.exists():
            with Archive(target) as archive:
                baseline = set(archive.ids_imported_since(self._started_at))
        return target, files, report, baseline

    def _on_prepared(self, result: tuple[Path, list[Path], ImportReport, set[int]]) -> None:
        self._target, self._files, found, self._baseline = result
        _add_report(self._report, found)
        self.progressed.emit(0, len(self._files))
        self._next_chunk()

    def _next_chunk(self) -> None:
        if self._cancelled or self._done >= len(self._files) or self._target is None:
            self.finished.emit(self._report)
            return
        chunk = self._files[self._done : self._done + CHUNK_FILES]
        target, relay = self._target, self._relay

        def work() -> ImportReport:
            from desktop.data.importer import import_seeds

            return import_seeds(chunk, target, progress=relay)

        run_in_background(work, lambda part: self._on_chunk_done(len(chunk), part),
                          self._on_failed)

    def _on_relay_progressed(self, done: int, _total: int) -> None:
        self.progressed.emit(self._done + done, len(self._files))

    def _on_chunk_done(self, size: int, part: ImportReport) -> None:
        _add_report(self._report, part)
        self._done += size
        self.chunk_finished.emit(self._done, len(self._files))
        self._next_chunk()

    def _on_failed(self, exc: Exception) -> None:
        self.failed.emit(_reason(exc))


def report_text(report: ImportReport, target: Path | None, *, cancelled: bool, done: int,
                total: int) -> str:
    """What an import did, in plain sentences, then every rejected file with its reason."""
    lines = []
    if cancelled and done < total:
        lines.append(f"The import was cancelled after {done} of {total} files; "
                     "what was imported before is kept.")
    lines.append(f"Articles imported: {report.new} new, {report.updated} updated, "
                 f"{report.unchanged} unchanged.")
    if target is not None:
        lines.append(f"Your archive: {target}")
    if report.rejected:
        noun = "file was" if len(report.rejected) == 1 else "files were"
        lines += ["", f"{len(report.rejected)} {noun} not imported:"]
        lines += [f"{path}: {reason}" for path, reason in report.rejected]
    if report.warnings:
        lines += ["", "Warnings:"]
        lines += [f"{path}: {message}" for path, message in report.warnings]
    return "\n".join(lines)


class ImportReportDialog(QDialog):
    """The outcome of an import: a summary line and a scrollable plain-text list."""

    def __init__(self, text: str, rejected: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import seeds")
        headline = QLabel(
            "Import finished." if not rejected
            else f"Import finished; {rejected} file{'' if rejected == 1 else 's'} rejected.",
            self,
        )
        headline.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(text)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setAccessibleName("Import report")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(620, 360)


class ImportFlow(QObject):
    """File › Import seeds… in the window: progress dialog with Cancel, then the report.

    Signals:
        finished(object, object): the ``ImportReport`` and the archive ``Path`` imported into;
            emitted after the report dialog is opened (it does not block).
        failed(str): the import could not run; already told in a plain message box.
    """

    finished = Signal(object, object)
    failed = Signal(str)

    def __init__(self, sources: Sequence[str | Path], parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.job = SeedImport(sources, self)
        self.progress = QProgressDialog("Looking for seed files…", "Cancel", 0, 0, parent)
        self.progress.setWindowTitle("Import seeds")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(PROGRESS_WIDTH)
        self.report_dialog: ImportReportDialog | None = None
        self.progress.canceled.connect(self._on_progress_canceled)
        self.job.progressed.connect(self._on_job_progressed)
        self.job.finished.connect(self._on_job_finished)
        self.job.failed.connect(self._on_job_failed)

    def start(self) -> None:
        self.progress.show()
        self.job.start()

    def _on_progress_canceled(self) -> None:
        self.job.cancel()
        self.progress.setLabelText("Stopping after the files being imported…")

    def _on_job_progressed(self, done: int, total: int) -> None:
        if self.job.cancelled:
            return
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setLabelText(f"Importing seed file {min(done + 1, total)} of {total}…")

    def _on_job_finished(self, report: ImportReport) -> None:
        self._close_progress()
        text = report_text(report, self.job.target, cancelled=self.job.cancelled,
                           done=self.job.done, total=self.job.total)
        self.report_dialog = ImportReportDialog(text, len(report.rejected), self._parent)
        self.report_dialog.open()
        self.finished.emit(report, self.job.target)

    def _on_job_failed(self, reason: str) -> None:
        self._close_progress()
        box = QMessageBox(QMessageBox.Icon.Warning, "Import seeds",
                          f"The seeds could not be imported.\n\n{reason}",
                          QMessageBox.StandardButton.Close, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.failed.emit(reason)
        box.exec()

    def _close_progress(self) -> None:
        self.progress.canceled.disconnect(self._on_progress_canceled)
        self.progress.close()
        self.progress.deleteLater()


class BundledMerge(QObject):
    """Merge a newer bundled archive into the user's archive in the background.

    Signals:
        progressed(int, int): articles merged and to merge.
        finished(object): the ``MergeReport``.
        failed(str): the merge could not run (one sentence).
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, bundled: Path, user: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bundled, self._user = bundled, user
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self.progressed)

    def start(self) -> None:
        bundled, user, relay = self._bundled, self._user, self._relay

        def work() -> MergeReport:
            from desktop.data.userarchive import merge_bundled

            return merge_bundled(bundled, user, relay)

        run_in_background(work, self.finished.emit, lambda exc: self.failed.emit(_reason(exc)))


def merge_wanted(archive_path: Path) -> bool:
    """True when the window shows the user's archive and a bundled archive exists."""
    user, bundled = paths.user_archive(), paths.bundled_archive()
    return bundled.is_file() and archive_path.resolve() == user.resolve()


def dropped_paths(mime: QMimeData | None) -> list[str]:
    """The local files and folders being dragged in, or [] when anything else is."""
    if mime is None or not mime.hasUrls():
        return []
    urls = mime.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [u.toLocalFile() for u in urls]


class ArchiveUpdates(QObject):
    """The window's own imports (File › Import seeds…, drag and drop) and start-up merge.

    After an import the window shows the user's archive (switching from the bundled one, or
    reloading it) and opens the first article the import added; other archives stay open.

    Signals:
        import_finished(object): an import ended (its ``ImportReport``), the window updated.
        merge_finished(object): the merge of the bundled archive ended (its ``MergeReport``).
    """

    import_finished = Signal(object)
    merge_finished = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._import: ImportFlow | None = None
        self._merge: BundledMerge | None = None

    def _status(self, text: str, ms: int = STATUS_MS) -> None:
        self._window.statusBar().showMessage(text, ms)

    # -- imports -----------------------------------------------------------------------------

    def import_seeds(self, sources: Sequence[str | Path]) -> ImportFlow | None:
        """Import seed files and folders into the user's archive, with progress and a report.

        Returns the running import (None when one is already running or nothing was given).
        """
        if self._import is not None:
            self._status("An import is already running.")
            return None
        if not sources:
            return None
        self._import = ImportFlow(sources, self._window)
        self._import.finished.connect(self._on_import_finished)
        self._import.failed.connect(self._on_import_failed)
        self._import.start()
        return self._import

    def choose_and_import(self) -> None:
        """File › Import seeds…: ask for seed files, then import them."""
        files, _filter = QFileDialog.getOpenFileNames(
            self._window, "Import seeds", str(Path.home()), "Seed files (*.txt);;All files (*)"
        )
        if files:
            self.import_seeds(files)

    def _on_import_finished(self, report: ImportReport, target: Path | None) -> None:
        flow, self._import = self._import, None
        if target is not None and flow is not None and self._shows_bundled_or(target):
            self._window.reload_archive(target)
            self._open_first_imported(flow)
        self.import_finished.emit(report)

    def _on_import_failed(self, _reason: str) -> None:
        self._import = None

    def _shows_bundled_or(self, target: Path) -> bool:
        here = self._window.archive.path.resolve()
        return here in (paths.bundled_archive().resolve(), target.resolve())

    def _open_first_imported(self, flow: ImportFlow) -> None:
        try:
            ids = flow.job.imported_ids(self._window.archive)
        except BroadsheetError:
            return
        if ids:
            self._window.open_article(ids[0])

    # -- the bundled merge -------------------------------------------------------------------

    def start_bundled_merge(self) -> bool:
        """When the window shows the user's archive, merge a newer bundled archive into it in
        the background, with a status-bar message; False when there is nothing to do."""
        path = self._window.archive.path
        if self._merge is not None or not merge_wanted(path):
            return False
        self._merge = BundledMerge(paths.bundled_archive(), path, self)
        self._merge.progressed.connect(self._on_merge_progressed)
        self._merge.finished.connect(self._on_merge_finished)
        self._merge.failed.connect(self._on_merge_failed)
        self._merge.start()
        return True

    def _on_merge_progressed(self, done: int, total: int) -> None:
        if total:
            self._status("Adding the new articles of the bundled archive to yours… "
                         f"{done:,} of {total:,}", 0)

    def _on_merge_finished(self, report: MergeReport) -> None:
        self._merge = None
        if report.merged and report.new + report.updated:
            self._window.reload_archive(self._window.archive.path)
        message = report.summary()
        self._status(message[:1].upper() + message[1:] + ".")
        self.merge_finished.emit(report)

    def _on_merge_failed(self, reason: str) -> None:
        self._merge = None
        self._status(f"The bundled archive could not be merged: {reason}", 0)
