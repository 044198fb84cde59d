"""The structured article: what the parser produces, the archive stores and the renderer shows.

No Qt imports. Frozen dataclasses only; the JSON shape of ``article_to_json`` is the CLI
contract of ``broadsheet show --json``.

How the archive stores blocks (``store_blocks``/``blocks_from_storage``): each text once. The
paragraphs are ``body_text`` and the gallery titles, captions and embed titles are
``captions_text`` (the two columns the search index reads), and a small JSON ``layout`` says
which block each piece of text belongs to and holds the rest (credits, furniture, embed
kinds). ``blocks_to_json``/``blocks_from_json`` are the ``show --json`` shape, which archives
of schema 1 also stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeAlias


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: str
    type: Literal["paragraph"] = field(default="paragraph", init=False)


@dataclass(frozen=True)
class GalleryItem:
    """One photo of a gallery: its number, caption and agency credit (None when there is none)."""

    n: int
    caption: str
    credit: str | None
    image_id: int | None = None


@dataclass(frozen=True)
class Gallery:
    """A photo gallery ("In pictures: T"): its title, announced size and captions in order."""

    title: str | None
    total: int
    items: tuple[GalleryItem, ...]
    type: Literal["gallery"] = field(default="gallery", init=False)


@dataclass(frozen=True)
class Embed:
    """An embedded item the scrape left only a title of ("Title, by name"); kind is e.g. "video".

    ``duration`` is a video's running time as the page wrote it ("2:25"), when it gave one.
    """

    kind: str
    title: str
    by: str | None
    duration: str | None = None
    type: Literal["embed"] = field(default="embed", init=False)


@dataclass(frozen=True)
class Furniture:
    """Scraped page furniture ("Read more", "Advertisement"): kept, shown only on request."""

    text: str
    type: Literal["furniture"] = field(default="furniture", init=False)


Block: TypeAlias = Paragraph | Gallery | Embed | Furniture

# ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, made once: ``dumps`` with
# options builds a new encoder on every call, twice for every article an import stores.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Article:
    """An article as recovered from one seed file.

    ``url`` is the URL as the seed gives it; ``normalized_url`` is the archive's key.
    ``section`` is the path of section names (``("News", "World", "Middle East")``).
    ``date`` is ISO ``YYYY-MM-DD`` or None. ``warnings`` are non-fatal problems of the seed.
    """

    url: str
    normalized_url: str
    domain: str
    outlet: str
    section: tuple[str, ...]
    date: str | None
    title: str
    score: int | None
    comments: int | None
    blocks: tuple[Block, ...]
    source_file: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def galleries(self) -> tuple[Gallery, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Gallery))

    @cached_property
    def stored_blocks(self) -> StoredBlocks:
        """The blocks as the archive stores them; worked out once per article."""
        return store_blocks(self.blocks)

    @property
    def body_text(self) -> str:
        """The paragraphs' text, one per line pair: what search indexes as the body."""
        return self.stored_blocks.body_text

    @property
    def captions_text(self) -> str:
        """Every gallery title, caption and embed title, one per line, for the search index."""
        return self.stored_blocks.captions_text

    @property
    def word_count(self) -> int:
        """Words in the paragraphs (what a reader reads), not in captions or furniture."""
        # ``body_text`` is the paragraphs joined by whitespace, so it has the same words; one
        # split of the text an import builds anyway costs a quarter less than one per paragraph.
        return len(self.body_text.split())

    @property
    def section_path(self) -> str:
        """The section as one string, ``"News/World/Middle East"``; empty when there is none."""
        return "/".join(self.section)

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of everything an import compares: title, score, comments and blocks.

        Cached (the article is frozen), and made from ``stored_blocks``, so an import
        serialises each article's blocks once, for the hash and the row alike.
        """
        return hash_content(self.title, self.score, self.comments, self.stored_blocks)


def block_to_json(block: Block) -> dict[str, Any]:
    """One block in the ``show --json`` shape."""
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Gallery):
        return {
            "type": "gallery",
            "title": block.title,
            "total": block.total,
            "items": [
                {"n": i.n, "caption": i.caption, "credit": i.credit}
                | ({"image_id": i.image_id} if i.image_id is not None else {})
                for i in block.items
            ],
        }
    if isinstance(block, Embed):
        return {"type": "embed", "kind": block.kind, "title": block.title, "by": block.by} | (
            {"duration": block.duration} if block.duration is not None else {})
    return {"type": "furniture", "text": block.text}


def blocks_to_json(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    return [block_to_json(b) for b in blocks]


def block_from_json(data: dict[str, Any]) -> Block:
    """The inverse of ``block_to_json``; raises ValueError on an unknown block type."""
    kind = data.get("type")
    if kind == "paragraph":
        return Paragraph(str(data["text"]))
    if kind == "gallery":
        items = tuple(
            GalleryItem(int(i["n"]), str(i["caption"]), i.get("credit"), i.get("image_id"))
            for i in data["items"]
        )
        return Gallery(data.get("title"), int(data["total"]), items)
    if kind == "embed":
        return Embed(str(data["kind"]), str(data["title"]), data.get("by"), data.get("duration"))
    if kind == "furniture":
        return Furniture(str(data["text"]))
    raise ValueError(f"unknown block type {kind!r}")


def blocks_from_json(data: list[dict[str, Any]]) -> tuple[Block, ...]:
    return tuple(block_from_json(d) for d in data)


@dataclass(frozen=True)
class StoredBlocks:
    """An article's blocks as the archive stores them, each text once.

    ``body_text`` is the paragraphs joined by blank lines; ``captions_text`` is every gallery
    title (when not empty), caption and embed title, one per line, in article order.
    ``layout`` is a JSON list with one entry per block:

    - a paragraph: its length in ``body_text`` (an integer);
    - furniture: its text (a string);
    - a gallery: ``["g", title, total, items]``, title null, ``""`` or its length in
      ``captions_text``; each item ``[n, caption length, credit]``, plus the image id when
      there is one;
    - an embed: ``["e", kind, title length, by]``, plus its duration when it has one.

    Lengths count characters (Python's and SQLite's ``length()``), so ``substr`` in SQL finds
    the same text.
    """

    layout: str
    body_text: str
    captions_text: str


def store_blocks(blocks: tuple[Block, ...]) -> StoredBlocks:
    """The stored form of ``blocks``; ``blocks_from_storage`` gives them back exactly."""
    layout: list[Any] = []
    paragraphs: list[str] = []
    captions: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
            layout.append(len(block.text))
        elif isinstance(block, Gallery):
            title: int | str | None = block.title
            if block.title:
                captions.append(block.title)
                title = len(block.title)
            items: list[list[Any]] = []
            for item in block.items:
                captions.append(item.caption)
                entry: list[Any] = [item.n, len(item.caption), item.credit]
                if item.image_id is not None:
                    entry.append(item.image_id)
                items.append(entry)
            layout.append(["g", title, block.total, items])
        elif isinstance(block, Embed):
            captions.append(block.title)
            embed: list[Any] = ["e", block.kind, len(block.title), block.by]
            if block.duration is not None:
                embed.append(block.duration)
            layout.append(embed)
        else:
            layout.append(block.text)
    return StoredBlocks(
        _COMPACT_JSON.encode(layout),
        "\n\n".join(paragraphs),
        "\n".join(captions),
    )


def hash_content(
    title: str, score: int | None, comments: int | None, stored: StoredBlocks
) -> str:
    """``Article.content_hash`` of an article with these values and stored blocks.

    The stored form says exactly what the blocks are. The head has no raw line feed (JSON
    escapes it) and gives both texts' lengths, so no two different articles hash the same
    bytes.
    """
    head = _COMPACT_JSON.encode(
        [title, score, comments, stored.layout, len(stored.body_text),
         len(stored.captions_text)]
    )
    digest = hashlib.sha256(head.encode("utf-8"))
    digest.update(b"\n")
    digest.update(stored.body_text.encode("utf-8"))
    digest.update(b"\n")
    digest.update(stored.captions_text.encode("utf-8"))
    return digest.hexdigest()


class _Texts:
    """Reads consecutive pieces of a stored text, each followed by ``sep``."""

    __slots__ = ("text", "sep", "pos")

    def __init__(self, text: str, sep: int) -> None:
        self.text = text
        self.sep = sep
        self.pos = 0

    def take(self, length: object) -> str:
        if type(length) is not int or length < 0 or self.pos + length > len(self.text):
            raise ValueError("the layout does not fit the stored text")
        start = self.pos
        self.pos = start + length + self.sep
        return self.text[start:start + length]

    def check_end(self) -> None:
        # After k pieces, pos counts k separators; the text has k - 1 of them.
        if self.pos != (len(self.text) + self.sep if self.pos else len(self.text)):
            raise ValueError("the stored text is longer than its layout")


def blocks_from_storage(layout: str, body_text: str, captions_text: str) -> tuple[Block, ...]:
    """The blocks ``store_blocks`` stored, exactly.

    Raises:
        ValueError: the three do not fit together (a damaged archive).
    """
    entries = json.loads(layout)
    if not isinstance(entries, list):
        raise ValueError("the layout is not a list")
    body = _Texts(body_text, 2)
    captions = _Texts(captions_text, 1)
    blocks: list[Block] = []
    for entry in entries:
        if type(entry) is int:
            blocks.append(Paragraph(body.take(entry)))
        elif type(entry) is str:
            blocks.append(Furniture(entry))
        elif type(entry) is list and entry and entry[0] == "g" and len(entry) == 4:
            _, title, total, items = entry
            if type(title) is int:
                title = captions.take(title)
            elif title is not None and title != "":
                raise ValueError("a gallery title is neither stored nor empty")
            blocks.append(Gallery(title, int(total), tuple(
                GalleryItem(int(i[0]), captions.take(i[1]), i[2],
                            int(i[3]) if len(i) > 3 else None)
                for i in items
            )))
        elif type(entry) is list and len(entry) in (4, 5) and entry[0] == "e":
            kind, title_length, by = entry[1:4]
            duration = str(entry[4]) if len(entry) == 5 else None
            blocks.append(Embed(str(kind), captions.take(title_length), by, duration))
        else:
            raise ValueError(f"unknown layout entry {entry!r}")
    body.check_end()
    captions.check_end()
    return tuple(blocks)


@dataclass(frozen=True)
class ArchivedArticle:
    """An article as the archive holds it: its stable id, how many versions it has had."""

    id: int
    article: Article
    versions: int
    imported_at: str


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article, 1 = the first imported; the last is the current one
    (``Archive.versions``)."""

    version: int
    imported_at: str
    superseded_at: str | None
    content_hash: str
    source_file: str | None
    article: Article


def article_to_json(record: ArchivedArticle) -> dict[str, Any]:
    """The ``broadsheet show --json`` object."""
    a = record.article
    return {
        "id": record.id,
        "url": a.url,
        "domain": a.domain,
        "outlet": a.outlet,
        "section": list(a.section),
        "date": a.date,
        "title": a.title,
        "score": a.score,
        "comments": a.comments,
        "word_count": a.word_count,
        "versions": record.versions,
        "blocks": blocks_to_json(a.blocks),
    }
