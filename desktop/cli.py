"""The ``broadsheet`` command: argument parsing and a thin layer over the data functions.

No Qt imports at module level: arguments are parsed before PySide6 is loaded, and the window
or the PDF exporter is imported only when asked for. Expected errors (``BroadsheetError``)
print one line and exit 2; anything else is a bug, logged with its traceback to the user log
folder.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop import __version__, paths
from desktop.errors import BroadsheetError

if TYPE_CHECKING:
    from desktop.data.article import ArchivedArticle, Block

EXIT_OK = 0
EXIT_SOME_REJECTED = 1
EXIT_ERROR = 2
# Seed parsing processes for `broadsheet import` (no threads here, so forking is safe).
_IMPORT_WORKERS = min(os.cpu_count() or 1, 4)


def _add_db(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=default,
        help="archive file (default: your own archive if you have imported seeds, "
        "else the bundled one)",
    )


def _add_sub_db(parser: argparse.ArgumentParser) -> None:
    """``--db`` after a command; SUPPRESS keeps a ``--db`` given before the command."""
    _add_db(parser, default=argparse.SUPPRESS)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


COMMANDS = ("import", "show", "search", "export-pdf")


class _WindowOptionsParser(argparse.ArgumentParser):
    """The window's options alone; it raises on any error, for the full parser to report."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The ``broadsheet`` parser; without ``commands``, only the window's options (see
    ``_parse``)."""
    parser = (argparse.ArgumentParser if commands else _WindowOptionsParser)(
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
    if not commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command")

    p_import = sub.add_parser("import", help="import seed files into an archive")
    p_import.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _add_sub_db(p_import)
    p_import.add_argument(
        "--compact", action="store_true", help="optimise and vacuum (for the bundled archive)"
    )

    p_show = sub.add_parser("show", help="print one article")
    p_show.add_argument("article", metavar="ARTICLE", help="article id or URL")
    _add_sub_db(p_show)
    p_show.add_argument("--json", action="store_true")

    p_search = sub.add_parser("search", help="full-text search")
    p_search.add_argument("query", metavar="QUERY")
    _add_sub_db(p_search)
    p_search.add_argument("--limit", type=_positive_int, default=20)
    p_search.add_argument(
        "--in", dest="within", metavar="OUTLET[/SECTION]",
        help="only this outlet, or this section of it and the sections below",
    )
    p_search.add_argument("--json", action="store_true")

    p_pdf = sub.add_parser("export-pdf", help="export articles to a PDF file")
    p_pdf.add_argument("article", nargs="?", metavar="ARTICLE", help="article id or URL")
    p_pdf.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    _add_sub_db(p_pdf)
    p_pdf.add_argument("--page-size", choices=["A4", "Letter"], default="A4")
    p_pdf.add_argument("--pdfa", action="store_true", help="write PDF/A-1b")
    p_pdf.add_argument("--search", dest="pdf_search", metavar="QUERY")
    p_pdf.add_argument("--section", metavar="OUTLET/SECTION")
    p_pdf.add_argument("--furniture", action="store_true", help="include page furniture")
    p_pdf.add_argument("--notes", action="store_true",
                       help="add your notes on the articles as an appendix")
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db is not None else paths.default_archive()


def _log_bug(exc: BaseException) -> Path | None:
    """Write the traceback of a bug to the user log folder; return the file, or None."""
    import datetime as _dt

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


def _tolerant_streams() -> None:
    """Seed text can hold characters a non-UTF-8 terminal cannot show: escape, don't crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """``argv`` parsed as the full parser would.

    Opening the window, the usual case, is parsed without the commands' parsers, which cost
    its start 4 ms to build. Anything that parser does not take whole (a word that could be
    a command, help, an error) goes to the full parser, so the outcome and messages are the
    same.
    """
    words = sys.argv[1:] if argv is None else list(argv)
    if not any(w in COMMANDS or w in ("-h", "--help") for w in words):
        try:
            args, rest = build_parser(commands=False).parse_known_args(words)
        except argparse.ArgumentError:
            pass
        else:
            if not rest:
                return args
    return build_parser().parse_args(words)


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    args = _parse(argv)
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


class _ProgressBar:
    """A one-line progress bar on stderr, redrawn only when it changes."""

    WIDTH = 30

    def __init__(self) -> None:
        self._last = ""

    def __call__(self, done: int, total: int) -> None:
        self.draw("importing", done, total)

    def draw(self, label: str, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else self.WIDTH
        line = f"\r{label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"
        if line != self._last:
            self._last = line
            sys.stderr.write(line)
            sys.stderr.flush()

    def close(self) -> None:
        if self._last:
            sys.stderr.write("\n")


def _user_archive_for_import() -> Path:
    """Imports without ``--db`` go into the user's archive, never into the bundled one; it
    starts as a copy of the bundled archive when there is one."""
    from desktop.data.userarchive import ensure_user_archive

    user, bundled = paths.user_archive(), paths.bundled_archive()
    if user.exists() or not bundled.exists():
        return user
    return ensure_user_archive(bundled, user)


def _cmd_import(args: argparse.Namespace) -> int:
    from desktop.data.importer import import_seeds

    db = Path(args.db) if args.db is not None else _user_archive_for_import()
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        report = import_seeds(
            args.paths, db, compact=args.compact, progress=bar, workers=_IMPORT_WORKERS
        )
    finally:
        if bar is not None:
            bar.close()
    for path, reason in report.rejected:
        print(f"rejected: {path}: {reason}", file=sys.stderr)
    for path, message in report.warnings:
        print(f"warning: {path}: {message}", file=sys.stderr)
    print(report.summary())
    return EXIT_SOME_REJECTED if report.rejected else EXIT_OK


def _cmd_show(args: argparse.Namespace) -> int:
    from desktop.data.archive import Archive

    with Archive(_db_path(args)) as archive:
        record = archive.get(archive.resolve(args.article))
    if args.json:
        from desktop.data.article import article_to_json

        print(json.dumps(article_to_json(record), ensure_ascii=False, indent=2))
    else:
        print(_article_text(record))
    return EXIT_OK


def _article_text(record: ArchivedArticle) -> str:
    """An article as readable plain text: a header, then its blocks in order."""
    a = record.article
    place = " · ".join(x for x in (a.outlet, " / ".join(a.section), a.date) if x)
    counts = [
        f"score {a.score}" if a.score is not None else "no score",
        f"{a.comments} comments" if a.comments is not None else "no comment count",
        f"{a.word_count} words",
        f"version {record.versions}",
        f"id {record.id}",
    ]
    lines = [a.title, "=" * min(len(a.title), 78), place, a.url, " · ".join(counts)]
    for block in a.blocks:
        lines += ["", *_block_text(block)]
    return "\n".join(lines)


def _block_text(block: Block) -> list[str]:
    from desktop.data.article import Embed, Gallery, Paragraph

    if isinstance(block, Paragraph):
        return [textwrap.fill(block.text, 78, break_on_hyphens=False)]
    if isinstance(block, Gallery):
        head = f"In pictures: {block.title}" if block.title else "In pictures"
        lines = [f"{head} ({len(block.items)} of {block.total} photos)"]
        for item in block.items:
            credit = f" [{item.credit}]" if item.credit else ""
            lines.append(f"  {item.n}/{block.total} {item.caption}{credit}")
        return lines
    if isinstance(block, Embed):
        by = f", by {block.by}" if block.by else ""
        duration = f" ({block.duration})" if block.duration else ""
        return [f"[{block.kind}] {block.title}{by}{duration}"]
    return [f"({block.text})"]


def _cmd_search(args: argparse.Namespace) -> int:
    from desktop.data.archive import Archive
    from desktop.selection import parse_section_ref

    outlet, section = parse_section_ref(args.within) if args.within else (None, None)
    with Archive(_db_path(args)) as archive:
        hits = archive.search(args.query, limit=args.limit, outlet=outlet, section=section)
    if args.json:
        rows = [
            {"id": h.id, "url": h.url, "title": h.title, "outlet": h.outlet,
             "snippet": h.snippet}
            for h in hits
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        where = f" in {args.within}" if args.within else ""
        print(f"no articles match {args.query!r}{where}", file=sys.stderr)
    bold = sys.stdout.isatty()
    for rank, hit in enumerate(hits, start=1):
        where = " · ".join(x for x in (hit.outlet, " / ".join(hit.section)) if x)
        snippet = "".join(
            f"\033[1m{text}\033[0m" if matched and bold else text
            for text, matched in hit.snippet_parts
        )
        print(f"{rank}. {hit.title}\n   {where} · id {hit.id}\n   {snippet}")
    return EXIT_OK


def _cmd_export_pdf(args: argparse.Namespace) -> int:
    import os

    from desktop.data.archive import Archive
    from desktop.selection import (
        ArticleSequence,
        notes_by_article,
        parse_section_ref,
        search_article_ids,
        section_article_ids,
    )

    given = [x for x in (args.article, args.pdf_search, args.section) if x]
    if len(given) != 1:
        raise BroadsheetError(None, "export-pdf needs one of ARTICLE, --search or --section",
                              "for example: broadsheet export-pdf 12 -o article.pdf")
    # Qt aborts without a display unless told to draw offscreen; the PDF needs no display.
    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    db = _db_path(args)
    with Archive(db) as archive:
        if args.article:
            ids = [archive.resolve(args.article)]
        elif args.pdf_search:
            ids = search_article_ids(archive, args.pdf_search)
            if not ids:
                raise BroadsheetError(str(db), f"no article matches {args.pdf_search!r}",
                                      "try other words; `broadsheet search` shows matches")
        else:
            outlet, section = parse_section_ref(args.section)
            ids = section_article_ids(archive, outlet, section)
            if not ids:
                raise BroadsheetError(str(db), f"no articles in {args.section!r}",
                                      'give it as "Outlet/Section", e.g. "BBC News/World"')
        notes: dict[int, str] = {}
        if args.notes:
            from desktop.data.userdata import UserData

            with UserData.open() as userdata:
                notes = notes_by_article(
                    archive, ((n.url, n.text) for n in userdata.notes()), ids)

        from desktop.pdf import export_pdf, progress_stage

        bar = _ProgressBar() if sys.stderr.isatty() and len(ids) > 1 else None

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.draw(*progress_stage(done, total))

        try:
            # Each article is read when it is set (twice in a long export), never all at once.
            export_pdf(ArticleSequence(archive, ids), args.output, archive_name=db.name,
                       page_size=args.page_size, pdfa=args.pdfa,
                       show_furniture=args.furniture, images=archive, notes=notes,
                       progress=progress)
        finally:
            if bar is not None:
                bar.close()
    print(args.output)
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace) -> int:
    # No automatic garbage collection while the window's modules load and the window is
    # built: that makes some 40,000 objects that live as long as the window and only a few
    # hundred of garbage, and every collection would traverse them all again. ``run`` then
    # freezes them (``gc.freeze``: left out of later collections, the full ones at exit
    # too) and turns collection back on. About 0.09 s of CPU time per start.
    gc.disable()
    try:
        from desktop.ui.app import run

        return run(args, _db_path(args))
    finally:
        gc.enable()
