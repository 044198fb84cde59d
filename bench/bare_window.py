#!/usr/bin/env python3
"""The baseline window for the first-paint and memory benchmarks: bare PySide6, no Broadsheet.

``bench/bare_window.py OUT.png [--open N] [--expand K]`` builds the same splitter as the main
window (QTreeView, QTextBrowser, QListView) at 1280x800, shows it, waits for the first paint,
saves a screenshot (the app's ``--screenshot`` does the same work), prints its peak RSS as
JSON and exits. With ``--open``
and ``--expand`` it first does what ``rss_window.py`` does to the real window, on a small
in-memory model, so the memory figure compares like with like.

Benchmark tooling only; imports no ``desktop`` module.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QListView,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QTreeView,
)
from rss import peak_rss_kb  # noqa: E402

WIDTH, HEIGHT = 1280, 800
PARAGRAPH = "A paragraph of body text, long enough to wrap over several lines of the reader. " * 6


def build_window() -> tuple[QMainWindow, QTreeView, QTextBrowser]:
    window = QMainWindow()
    splitter = QSplitter()
    tree = QTreeView()
    browser = QTextBrowser()
    splitter.addWidget(tree)
    splitter.addWidget(browser)
    splitter.addWidget(QListView())
    splitter.setSizes([320, 680, 280])
    window.setCentralWidget(splitter)
    window.resize(WIDTH, HEIGHT)
    return window, tree, browser


def small_model(groups: int, children: int) -> QStandardItemModel:
    model = QStandardItemModel()
    for g in range(groups):
        group = QStandardItem(f"Outlet {g}")
        for c in range(children):
            group.appendRow(QStandardItem(f"Article {g}.{c}"))
        model.appendRow(group)
    return model


def exercise(tree: QTreeView, browser: QTextBrowser, opens: int, expands: int) -> None:
    """Expand ``expands`` nodes and show ``opens`` documents, as the real window would."""
    model = small_model(max(expands, 1), 20)
    tree.setModel(model)
    for row in range(expands):
        tree.expand(model.index(row, 0))
    for n in range(opens):
        browser.setHtml(f"<h1>Article {n}</h1>" + f"<p>{PARAGRAPH}</p>" * 12)
        QApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="PNG file to save")
    parser.add_argument("--open", type=int, default=0, help="documents to show first")
    parser.add_argument("--expand", type=int, default=0, help="tree nodes to expand first")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    window, tree, browser = build_window()
    window.show()
    if args.open or args.expand:
        exercise(tree, browser, args.open, args.expand)
    saved: list[bool] = []

    def shoot() -> None:
        saved.append(window.grab().save(args.out))
        app.quit()

    QTimer.singleShot(0, shoot)
    app.exec()
    if not saved or not saved[0]:
        print(f"bare_window: cannot save {args.out}", file=sys.stderr)
        return 1
    print(json.dumps({"peak_rss_kb": peak_rss_kb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
