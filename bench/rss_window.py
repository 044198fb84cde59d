#!/usr/bin/env python3
"""Drive the real main window for the memory benchmark: open articles, expand tree nodes.

``bench/rss_window.py --db ARCHIVE [--open 50] [--expand 10]`` builds ``MainWindow`` the way
``broadsheet`` does, shows it offscreen, expands tree nodes (outlets, then a section of each,
so articles load), opens articles spread over the archive, then prints its own peak RSS
(``VmHWM``) as JSON and exits. ``bench/run`` compares it with ``bare_window.py`` doing the
same to a bare splitter window.

Benchmark tooling only; uses only the window's public API.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QModelIndex  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from rss import peak_rss_kb  # noqa: E402

from desktop.data.archive import Archive  # noqa: E402
from desktop.errors import BroadsheetError  # noqa: E402
from desktop.ui.mainwindow import MainWindow  # noqa: E402


def expand_nodes(window: MainWindow, count: int) -> list[float]:
    """Expand up to ``count`` nodes: each outlet, then its first section.

    Returns:
        The milliseconds each expansion took until its rows were laid out and painted.
    """
    tree, model = window.tree, window.tree_model
    took: list[float] = []

    def expand(index: QModelIndex) -> None:
        start = time.perf_counter()
        tree.expand(index)
        QApplication.processEvents()
        took.append((time.perf_counter() - start) * 1000)

    for row in range(model.rowCount(QModelIndex())):
        if len(took) >= count:
            break
        outlet = model.index(row, 0, QModelIndex())
        expand(outlet)
        if len(took) < count and model.rowCount(outlet):
            expand(model.index(0, 0, outlet))
    return took


def open_articles(window: MainWindow, archive: Archive, count: int) -> int:
    """Open ``count`` articles spread evenly over the id range; return how many opened."""
    total = archive.article_count()
    step = max(1, total // max(count, 1))
    opened = 0
    for article_id in range(1, total + 1, step):
        if opened >= count:
            break
        if window.open_article(article_id):
            opened += 1
        QApplication.processEvents()
    return opened


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="archive file")
    parser.add_argument("--open", type=int, default=50, help="articles to open")
    parser.add_argument("--expand", type=int, default=10, help="tree nodes to expand")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    try:
        archive = Archive(args.db)
    except BroadsheetError as exc:
        print(f"rss_window: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(archive, theme="light")
    window.show()
    QApplication.processEvents()
    expand_ms = expand_nodes(window, args.expand)
    opened = open_articles(window, archive, args.open)
    window.close()
    app.processEvents()
    print(json.dumps({"peak_rss_kb": peak_rss_kb(), "opened": opened,
                      "expanded": len(expand_ms), "expand_ms": expand_ms}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
