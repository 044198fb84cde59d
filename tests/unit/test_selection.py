"""Which articles a batch export takes: the rule the CLI and the window share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.data.archive import Archive
from desktop.data.article import ArchivedArticle
from desktop.data.importer import import_seeds
from desktop.selection import (
    ArticleSequence,
    in_section,
    notes_by_article,
    parse_section_ref,
    search_article_ids,
    section_article_ids,
)

INDEPENDENT = "http://www.independent.co.uk/news"
# (URL, score, body): sections News/World, News/World/Americas, News/World/Middle East,
# News/Worldwide (a neighbour whose name starts the same), an article with no section, and a
# second News/World article that sorts first by title and last by score.
SEEDS = (
    (f"{INDEPENDENT}/world/obama-trump-talk-a1.html", 30, "Harbour flooding talk."),
    (f"{INDEPENDENT}/world/americas/zebra-crossing-vote-a2.html", 10, "Harbour vote."),
    (f"{INDEPENDENT}/world/middle-east/mosul-offensive-latest-a3.html", 20,
     "Harbour harbour harbour."),
    (f"{INDEPENDENT}/worldwide/antelope-census-counted-a4.html", 40, "Harbour census."),
    ("https://example.org/2016/11/02/no-section-story", 5, "Harbour."),
    (f"{INDEPENDENT}/world/aardvark-sighting-reported-a5.html", 5, "Harbour sighting."),
)


@pytest.fixture(scope="module")
def sections_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    folder = tmp_path_factory.mktemp("sections")
    for n, (url, score, body) in enumerate(SEEDS):
        (folder / f"{n}.txt").write_text(f"{url}\n{score}\n1\n{body}\n", encoding="utf-8")
    db = folder / "sections.db"
    import_seeds(sorted(folder.glob("*.txt")), db)
    with Archive(db) as archive:
        yield archive


def urls_of(archive: Archive, ids: list[int]) -> list[str]:
    return [archive.get(i).article.url for i in ids]


def test_parse_section_ref_splits_at_the_first_slash() -> None:
    assert parse_section_ref("The Independent/News/World") == ("The Independent", "News/World")
    assert parse_section_ref("The Independent") == ("The Independent", None)
    assert parse_section_ref("The Independent/") == ("The Independent", None)


def test_in_section_takes_subsections_but_not_neighbours_with_the_same_start() -> None:
    assert in_section("News/World", "News/World")
    assert in_section("News/World/Americas", "News/World")
    assert not in_section("News/Worldwide", "News/World")
    assert not in_section("News", "News/World")
    assert in_section("", None) and in_section("News/World", None)
    assert in_section("", "") and not in_section("News", "")


def test_a_section_brings_its_subsections_section_by_section(
    sections_archive: Archive,
) -> None:
    ids = section_article_ids(sections_archive, "The Independent", "News/World")
    assert urls_of(sections_archive, ids) == [SEEDS[5][0], SEEDS[0][0], SEEDS[1][0],
                                              SEEDS[2][0]]


def test_an_outlet_brings_every_section(sections_archive: Archive) -> None:
    ids = section_article_ids(sections_archive, "The Independent", None)
    assert urls_of(sections_archive, ids) == [SEEDS[5][0], SEEDS[0][0], SEEDS[1][0],
                                              SEEDS[2][0], SEEDS[3][0]]


def test_the_empty_section_is_only_the_articles_without_one(sections_archive: Archive) -> None:
    ids = section_article_ids(sections_archive, "example.org", "")
    assert urls_of(sections_archive, ids) == [SEEDS[4][0]]
    assert section_article_ids(sections_archive, "The Independent", "") == []


def test_articles_within_a_section_follow_the_order(sections_archive: Archive) -> None:
    by_score = section_article_ids(sections_archive, "The Independent", "News/World",
                                   order="score")
    assert urls_of(sections_archive, by_score) == [SEEDS[0][0], SEEDS[5][0], SEEDS[1][0],
                                                   SEEDS[2][0]]


def test_unknown_outlet_or_section_selects_nothing(sections_archive: Archive) -> None:
    assert section_article_ids(sections_archive, "Nobody", None) == []
    assert section_article_ids(sections_archive, "The Independent", "Sport") == []


def test_search_selection_is_the_ranked_hits_with_filters(sections_archive: Archive) -> None:
    ranked = [hit.id for hit in sections_archive.search("harbour", limit=100)]
    assert search_article_ids(sections_archive, "harbour") == ranked
    assert len(ranked) == len(SEEDS)
    in_world = search_article_ids(sections_archive, "harbour", outlet="The Independent",
                                  section="News/World")
    assert in_world == [i for i in ranked
                        if sections_archive.get(i).article.url
                        in {SEEDS[0][0], SEEDS[1][0], SEEDS[2][0], SEEDS[5][0]}]
    assert len(in_world) == 4
    assert search_article_ids(sections_archive, "harbour", limit=2) == ranked[:2]
    assert search_article_ids(sections_archive, "nothingmatchesthis") == []


class CountingArchive:
    """Answers ``get`` from the sections archive and counts the reads."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self.read: list[int] = []

    def get(self, article_id: int) -> ArchivedArticle:
        self.read.append(article_id)
        return self._archive.get(article_id)


def test_article_sequence_reads_an_article_only_when_it_is_asked_for(
    sections_archive: Archive,
) -> None:
    ids = section_article_ids(sections_archive, "The Independent")
    counting = CountingArchive(sections_archive)
    articles = ArticleSequence(counting, ids)  # type: ignore[arg-type]

    assert len(articles) == len(ids) and counting.read == []
    assert articles[1].id == ids[1] and articles[-1].id == ids[-1]
    assert counting.read == [ids[1], ids[-1]]
    tail = articles[2:]
    assert isinstance(tail, ArticleSequence) and tail.ids == tuple(ids[2:])
    assert counting.read == [ids[1], ids[-1]]
    assert [a.article.url for a in articles] == urls_of(sections_archive, ids)
    with pytest.raises(IndexError):
        articles[len(ids)]


def test_notes_by_article_keeps_the_notes_on_the_chosen_articles(
    sections_archive: Archive,
) -> None:
    ids = search_article_ids(sections_archive, "harbour")
    first, second = urls_of(sections_archive, ids[:2])
    notes = [(first, "On the first."), ("https://example.org/not-archived", "Elsewhere."),
             (second + "?utm_source=x", "On the second.")]
    found = notes_by_article(sections_archive, notes, ids[:1])
    assert found == {ids[0]: "On the first."}
    assert notes_by_article(sections_archive, notes, ids) == {
        ids[0]: "On the first.", ids[1]: "On the second."}
