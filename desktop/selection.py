"""Which articles a batch export takes: a section with its subsections, or a search's hits.

No Qt imports: ``broadsheet export-pdf --section/--search`` and the window's tree and search
results call these same functions, so both pick the same articles in the same order. Only
queries through ``Archive``; no SQL here.
"""

from __future__ import annotations

from desktop.data.archive import Archive, SummaryOrder

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
