"""The ``broadsheet`` command: argument parsing and a thin layer over the data functions.

No Qt imports at module level: arguments are parsed before PySide6 is loaded, and the window
or the PDF exporter is imported only when asked for. Expected errors (``BroadsheetError``)
print one line and exit 2; anything else is a bug, logged with its traceback to the user log
folder.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from desktop import __version__, paths
from desktop.errors import BroadsheetError

EXIT_OK = 0
EXIT_SOME_REJECTED = 1
EXIT_ERROR = 2


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="archive file (default: your own archive if you have imported seeds, "
        "else the bundled one)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet",
        description="Broadsheet: an offline archive viewer for news articles.",
    )
    parser.add_argument("--version", action="version", version=f"Broadsheet {__version__}")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="use this folder for your own data"
    )
    _add_db(parser)
    parser.add_argument("--open", metavar="ARTICLE", help="open this article (id or URL)")
    parser.add_argument("--search", metavar="QUERY", help="start with this search")
    parser.add_argument("--view", choices=["reader", "gallery", "search"], default=None)
    parser.add_argument(
        "--screenshot", type=Path, metavar="FILE.png", help="save the window as a PNG and exit"
    )
    parser.add_argument(
        "--theme", choices=["system", "light", "dark"], default=None, help="colour theme"
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check that the app works, then exit"
    )
    sub = parser.add_subparsers(dest="command")

    p_import = sub.add_parser("import", help="import seed files into an archive")
    p_import.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_db(p_import)
    p_import.add_argument(
        "--compact", action="store_true", help="optimise and vacuum (for the bundled archive)"
    )

    p_show = sub.add_parser("show", help="print one article")
    p_show.add_argument("article", metavar="ARTICLE", help="article id or URL")
    _add_db(p_show)
    p_show.add_argument("--json", action="store_true")

    p_search = sub.add_parser("search", help="full-text search")
    p_search.add_argument("query", metavar="QUERY")
    _add_db(p_search)
    p_search.add_argument("--limit", type=int, default=20)
    p_search.add_argument("--json", action="store_true")

    p_pdf = sub.add_parser("export-pdf", help="export articles to a PDF file")
    p_pdf.add_argument("article", nargs="?", metavar="ARTICLE", help="article id or URL")
    p_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    _add_db(p_pdf)
    p_pdf.add_argument("--page-size", choices=["A4", "Letter"], default="A4")
    p_pdf.add_argument("--pdfa", action="store_true", help="write PDF/A-1b")
    p_pdf.add_argument("--search", dest="pdf_search", metavar="QUERY")
    p_pdf.add_argument("--section", metavar="OUTLET/SECTION")
    p_pdf.add_argument("--furniture", action="store_true", help="include page furniture")
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db is not None else paths.default_archive()


def _log_bug(exc: BaseException) -> Path | None:
    """Write the traceback of a bug to the user log folder; return the file, or None."""
    try:
        log_dir = paths.user_log_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        log_file = log_dir / "broadsheet.log"
        with log_file.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {_dt.datetime.now().isoformat(timespec='seconds')} "
                     f"Broadsheet {__version__}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return log_file
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir is not None:
        paths.set_data_dir(args.data_dir)
    try:
        return _dispatch(args)
    except BroadsheetError as exc:
        print(f"broadsheet: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("broadsheet: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - the one place bugs are caught and logged
        log_file = _log_bug(exc)
        where = f"; details are in {log_file}" if log_file else ""
        print(f"broadsheet: internal error: {exc!r}{where}", file=sys.stderr)
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "import":
        return _cmd_import(args)
    if args.command == "show":
        return _cmd_show(args)
    if args.command == "search":
        return _cmd_search(args)
    if args.command == "export-pdf":
        return _cmd_export_pdf(args)
    return _cmd_gui(args)


def _cmd_import(args: argparse.Namespace) -> int:
    raise BroadsheetError(None, "import is not available yet")


def _cmd_show(args: argparse.Namespace) -> int:
    raise BroadsheetError(None, "show is not available yet")


def _cmd_search(args: argparse.Namespace) -> int:
    raise BroadsheetError(None, "search is not available yet")


def _cmd_export_pdf(args: argparse.Namespace) -> int:
    raise BroadsheetError(None, "export-pdf is not available yet")


def _cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run

    return run(args, _db_path(args))
