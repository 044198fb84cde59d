"""The stored form of blocks (each text once) and the content hash worked out from it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from desktop.data import article as article_module
from desktop.data.article import (
    Article,
    Block,
    Embed,
    Furniture,
    Gallery,
    GalleryItem,
    Paragraph,
    StoredBlocks,
    blocks_from_storage,
    store_blocks,
)

EVERY_KIND: tuple[Block, ...] = (
    Paragraph("First paragraph."),
    Gallery("In pictures", 3, (
        GalleryItem(1, "A crowd\nat dawn", "Reuters"),
        GalleryItem(2, "", None),
        GalleryItem(3, "The square", "AP", image_id=7),
    )),
    Furniture("Read more"),
    Paragraph("Two lines\n\nin one paragraph."),
    Embed("video", "Flood footage, day two", "admin"),
    Gallery(None, 1, (GalleryItem(1, "Untitled gallery", None),)),
    Gallery("", 0, ()),
    Embed("video", "", None),
    Embed("video", "Pete Williams: FBI found nothing new", None, "2:06"),
    Paragraph(""),
    Paragraph("Last \u00e9t\u00e9 \U0001f30a."),
)


def make(blocks: tuple[Block, ...] = EVERY_KIND, **changes: Any) -> Article:
    article = Article(
        url="https://g.com/world/a", normalized_url="g.com/world/a", domain="g.com",
        outlet="The Guardian", section=("World",), date=None, title="A title", score=3,
        comments=4, blocks=blocks,
    )
    return dataclasses.replace(article, **changes) if changes else article


@pytest.mark.parametrize(
    "texts",
    [[], [""], ["", ""], ["one"], [" lead and trail "], ["a\u00a0b\u2003c\td", "", "e\n\nf"],
     ["x\x1fy", "\u3000", "z"]],
)
def test_word_count_counts_each_paragraphs_words(texts: list[str]) -> None:
    article = make(tuple(Paragraph(t) for t in texts) + (Furniture("Read more"),))
    assert article.word_count == sum(len(t.split()) for t in texts)


def test_stored_blocks_hold_each_text_once_and_read_back_exactly() -> None:
    stored = store_blocks(EVERY_KIND)
    assert stored.body_text == (
        "First paragraph.\n\nTwo lines\n\nin one paragraph.\n\n\n\nLast \u00e9t\u00e9 \U0001f30a.")
    assert stored.captions_text == (
        "In pictures\nA crowd\nat dawn\n\nThe square\nFlood footage, day two\n"
        "Untitled gallery\n\nPete Williams: FBI found nothing new")
    assert json.loads(stored.layout) == [
        16,
        ["g", 11, 3, [[1, 15, "Reuters"], [2, 0, None], [3, 10, "AP", 7]]],
        "Read more",
        28,
        ["e", "video", 22, "admin"],
        ["g", None, 1, [[1, 16, None]]],
        ["g", "", 0, []],
        ["e", "video", 0, None],
        ["e", "video", 36, None, "2:06"],
        0,
        11,
    ]
    assert blocks_from_storage(stored.layout, stored.body_text, stored.captions_text) == (
        EVERY_KIND)


def test_no_blocks_and_one_empty_paragraph_are_told_apart() -> None:
    assert store_blocks(()) == StoredBlocks("[]", "", "")
    assert store_blocks((Paragraph(""),)) == StoredBlocks("[0]", "", "")
    assert blocks_from_storage("[]", "", "") == ()
    assert blocks_from_storage("[0]", "", "") == (Paragraph(""),)


@pytest.mark.parametrize(
    ("layout", "body", "captions"),
    [
        ("[5]", "Four", ""),  # longer than the text
        ("[3]", "Four", ""),  # text left over
        ("[]", "Four", ""),
        ("[2,2]", "abcd", ""),  # no room for the separator
        ('[["e","video",3,null]]', "", ""),
        ('[{"type":"paragraph","text":"x"}]', "", ""),
        ('[["x"]]', "", ""),
        ('{"a":1}', "", ""),
        ("[true]", "x", ""),
    ],
)
def test_a_layout_that_does_not_fit_its_text_is_an_error(
    layout: str, body: str, captions: str
) -> None:
    with pytest.raises(ValueError):
        blocks_from_storage(layout, body, captions)


def test_an_article_serialises_its_blocks_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = article_module.store_blocks

    def counting(blocks: tuple[Block, ...]) -> StoredBlocks:
        calls.append(len(blocks))
        return real(blocks)

    monkeypatch.setattr(article_module, "store_blocks", counting)
    article = make()
    first = article.content_hash
    assert (article.body_text, article.captions_text) == (
        store_blocks(EVERY_KIND).body_text, store_blocks(EVERY_KIND).captions_text)
    assert article.content_hash == first
    assert calls == [len(EVERY_KIND)]


def test_content_hash_changes_with_what_an_import_compares() -> None:
    base = make()
    assert len(base.content_hash) == 64
    assert make().content_hash == base.content_hash
    assert make(source_file="elsewhere.txt", warnings=("w",)).content_hash == (
        base.content_hash)
    variants = [
        make(title="Another title"),
        make(score=None),
        make(comments=5),
        make(blocks=EVERY_KIND[:-1]),
        make(blocks=(Paragraph("ab"), Paragraph("c"))),
        make(blocks=(Paragraph("a"), Paragraph("bc"))),
        make(blocks=(Paragraph("a"), Furniture("bc"))),
        make(blocks=(Embed("video", "t", "admin"),)),
        make(blocks=(Embed("video", "t", None),)),
        make(blocks=(Gallery("t", 1, (GalleryItem(1, "c", None),)),)),
        make(blocks=(Gallery("t", 1, (GalleryItem(1, "c", None, image_id=1),)),)),
        make(blocks=(Gallery(None, 1, (GalleryItem(1, "c", None),)),)),
    ]
    hashes = {v.content_hash for v in variants}
    assert len(hashes) == len(variants)
    assert base.content_hash not in hashes
