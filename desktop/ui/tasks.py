"""Background work for the window: ``run_in_background(work, on_done, on_error)``.

The work is a plain function run on a ``QThreadPool`` thread; it must never touch widgets.
``on_done(result)`` or ``on_error(exc)`` is called back on the GUI thread through a queued
signal (Anki's ``QueryOp``). Nothing here knows about articles or the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from desktop.override import override

# Keeps each job's signal carrier alive until its callback has run on the GUI thread.
_pending: set[_JobSignals] = set()


class _JobSignals(QObject):
    """Carries one job's outcome from the worker thread to the GUI thread.

    Signals:
        done(object): the work returned this value.
        failed(object): the work raised this exception.
    """

    done = Signal(object)
    failed = Signal(object)

    def __init__(
        self, on_done: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        # Bound slots of an object living on the GUI thread: Qt queues the calls there.
        self.done.connect(self._deliver_result)
        self.failed.connect(self._deliver_error)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        self._finish()
        self._on_done(result)

    @Slot(object)
    def _deliver_error(self, exc: object) -> None:
        self._finish()
        assert isinstance(exc, Exception)
        self._on_error(exc)

    def _finish(self) -> None:
        _pending.discard(self)
        self.deleteLater()


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    @override
    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 - handed to on_error on the GUI thread
            self._signals.failed.emit(exc)
        else:
            self._signals.done.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    pool: QThreadPool | None = None,
) -> None:
    """Run ``work()`` off the GUI thread; call ``on_done`` or ``on_error`` back on it.

    Must be called from the GUI thread. ``pool`` defaults to the global thread pool.
    """
    signals = _JobSignals(on_done, on_error)
    _pending.add(signals)
    (pool or QThreadPool.globalInstance()).start(_Job(work, signals))


class ProgressRelay(QObject):
    """A ``progress(done, total)`` callback for work off the GUI thread.

    Call the relay itself from the worker; ``progressed`` is delivered on the GUI thread
    (the relay lives there, so a connection to a GUI object's slot is queued).

    Signals:
        progressed(int, int): done and total, as the work reported them.
    """

    progressed = Signal(int, int)

    def __call__(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)
