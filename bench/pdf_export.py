#!/usr/bin/env python3
"""PDF export of the seed article: ``export_pdf`` against a bare QTextDocument → QPdfWriter.

``bench/pdf_export.py [--repeats 10] [--json OUT.json]`` parses ``seeds/``'s first seed, then
alternates, in one process and one run:

- export: ``desktop.pdf.export_pdf`` (layout per page, running header and footer, headings
  kept with their text, outline and Subject, temporary file renamed into place);
- bare: the same HTML (``render_article`` in the print theme) through ``QTextDocument.setHtml``
  and ``print_()`` to a QPdfWriter on a file — Qt's shortest path to a PDF.

It prints the medians and their ratio (goal: export ≤ 1.5× bare) and, with ``--json``, writes
``export_seconds`` and ``bare_seconds`` for ``bench/run``. Benchmark tooling only; no asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtGui import QGuiApplication, QPageSize, QPdfWriter, QTextDocument  # noqa: E402

from desktop.data.article import ArchivedArticle  # noqa: E402
from desktop.data.seed import parse_seed  # noqa: E402
from desktop.pdf import export_pdf  # noqa: E402
from desktop.render import RenderOptions, render_article  # noqa: E402


def seed_record() -> ArchivedArticle:
    seed = sorted((REPO / "seeds").glob("*.txt"))[0]
    return ArchivedArticle(id=1, article=parse_seed(seed), versions=1, imported_at="bench")


def bare_export(html: str, out: Path) -> None:
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(writer)


def app_export(record: ArchivedArticle, out: Path) -> None:
    export_pdf([record], out, archive_name="bench")


def seconds(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--json", type=Path, default=None, metavar="OUT.json")
    args = parser.parse_args()

    app = QGuiApplication.instance() or QGuiApplication([])
    record = seed_record()
    html = render_article(record, RenderOptions(theme="print", web_links=True))
    export_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        ours, bare = Path(tmp) / "export.pdf", Path(tmp) / "bare.pdf"
        app_export(record, ours)  # warm-up: fonts, caches
        bare_export(html, bare)
        for i in range(args.repeats):
            pair = [
                (export_times, lambda: app_export(record, ours)),
                (bare_times, lambda: bare_export(html, bare)),
            ]
            for times, work in pair if i % 2 == 0 else reversed(pair):
                times.append(seconds(work))
        sizes = (ours.stat().st_size, bare.stat().st_size)

    ours_median, bare_median = statistics.median(export_times), statistics.median(bare_times)
    ratio = ours_median / bare_median
    print(f"export_pdf   median {ours_median * 1000:7.1f} ms  ({sizes[0]:,} bytes)")
    print(f"bare print_  median {bare_median * 1000:7.1f} ms  ({sizes[1]:,} bytes)")
    print(f"ratio {ratio:.2f}x  (goal <= 1.5x), {args.repeats} repeats each, alternating")
    if args.json is not None:
        args.json.write_text(json.dumps({
            "export_seconds": export_times,
            "bare_seconds": bare_times,
            "note": f"median of {args.repeats}, in-process, seed article, A4",
        }), encoding="utf-8")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
