"""Which articles a batch export takes: a section with its subsections, or a search's hits.

No Qt imports: ``broadsheet export-pdf --section/--search`` and the window's tree and search
results call these same functions, so both pick the same articles in the same order, and both
hand the PDF export an ``ArticleSequence`` that reads each article only when it is asked for.
Only queries through ``Archive``; no SQL here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

from desktop.data.archive import Archive, SummaryOrder
from desktop.data.article import ArchivedArticle
from desktop.errors import ArticleNotFoundError

#: At most this many hits of a search go into one PDF.
SEARCH_EXPORT_LIMIT = 1000


def parse_section_ref(text: str) -> tuple[str, str | None]:
    """``"Outlet/Section/Sub"`` as (outlet, section path); the section is None when only an
    outlet is named (``"BBC News"`` or ``"BBC News/"``).

    >>> parse_section_ref("BBC News/News/World")
    ('BBC News', 'News/World')
    >>> parse_section_ref("BBC News")
    ('BBC News', None)
    """
    outlet, _, section = text.partition("/")
    return outlet, section or None


def in_section(section_path: str, section: str | None) -> bool:
    """True when ``section_path`` is ``section`` or below it (None: any section at all).

    ``""`` names only the articles with no section.
    """
    if section is None:
        return True
    if not section:
        return section_path == ""
    return section_path == section or section_path.startswith(section + "/")


def section_article_ids(
    archive: Archive, outlet: str, section: str | None = None, order: SummaryOrder = "title"
) -> list[int]:
    """The articles of ``outlet`` in ``section`` and its subsections, section by section
    (sorted by path, as the tree lists them), each section's articles in ``order``.

    Args:
        section: a section path such as ``"News/World"``; None takes the whole outlet and
            ``""`` only its articles without a section.
    """
    return [
        article_id
        for group in archive.sections(outlet)
        if in_section(group.name, section)
        for article_id in archive.ids_in(outlet, group.name, order)
    ]


def search_article_ids(
    archive: Archive,
    query: str,
    *,
    outlet: str | None = None,
    section: str | None = None,
    limit: int = SEARCH_EXPORT_LIMIT,
) -> list[int]:
    """The articles matching ``query`` (with the search's outlet and section filters), best
    first, at most ``limit`` of them."""
    hits = archive.search(query, limit=limit, outlet=outlet, section=section)
    return [hit.id for hit in hits]


class ArticleSequence(Sequence[ArchivedArticle]):
    """The articles ``ids`` of ``archive``, read one at a time when indexed.

    Holds the ids and nothing else: an export of 20,000 articles never has more than the one
    it is setting in memory. Each access reads the article again (``Archive.get``).
    """

    def __init__(self, archive: Archive, ids: Iterable[int]) -> None:
        self._archive = archive
        self._ids = tuple(ids)

    @property
    def ids(self) -> tuple[int, ...]:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> ArchivedArticle: ...

    @overload
    def __getitem__(self, index: slice) -> ArticleSequence: ...

    def __getitem__(self, index: int | slice) -> ArchivedArticle | ArticleSequence:
        """The article at ``index`` (read now), or a sequence of a slice of the ids.

        Raises:
            ArticleNotFoundError: the article is no longer in the archive.
        """
        if isinstance(index, slice):
            return ArticleSequence(self._archive, self._ids[index])
        return self._archive.get(self._ids[index])


def notes_by_article(archive: Archive, notes: Iterable[tuple[str, str]],
                     ids: Iterable[int]) -> dict[int, str]:
    """The notes ``(url, text)`` on the articles ``ids`` of ``archive``, by article id.

    One lookup per note, not per article (a batch can hold thousands of articles); a note
    whose URL is not in the archive, or on an article not in ``ids``, is left out.
    """
    wanted = set(ids)
    found: dict[int, str] = {}
    for url, text in notes:
        try:
            article_id = archive.resolve(url)
        except ArticleNotFoundError:
            continue
        if article_id in wanted:
            found[article_id] = text
    return found
